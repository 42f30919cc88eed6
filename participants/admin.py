from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Participant


@admin.register(Participant)
class ParticipantAdmin(SimpleHistoryAdmin):
    list_display = (
        "nik",
        "full_name",
        "segment",
        "status",
        "work_regency",
        "registered_on",
    )
    list_filter = ("segment", "status")
    search_fields = ("=nik", "=kpj", "full_name")
    list_select_related = ("work_regency",)
    raw_id_fields = ("employer",)
    autocomplete_fields = ("work_regency",)
    show_full_result_count = False
