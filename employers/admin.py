from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ComplianceStatusChange, Employer


class ComplianceStatusChangeInline(admin.TabularInline):
    model = ComplianceStatusChange
    extra = 0
    fields = ("changed_at", "from_status", "to_status", "changed_by", "reason")
    readonly_fields = fields
    can_delete = False


@admin.register(Employer)
class EmployerAdmin(SimpleHistoryAdmin):
    list_display = (
        "name",
        "npp",
        "compliance_status",
        "regency",
        "branch",
        "reported_workers",
    )
    list_filter = ("compliance_status", "size_class", "sector")
    search_fields = ("name", "npp", "nib", "npwp")
    list_select_related = ("regency", "branch")
    autocomplete_fields = ("regency", "district")
    inlines = [ComplianceStatusChangeInline]
