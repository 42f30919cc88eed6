from django.contrib import admin

from .models import WorkerListSubmission


@admin.register(WorkerListSubmission)
class WorkerListSubmissionAdmin(admin.ModelAdmin):
    """Read-only: lists change only through the API, the upload page and the processing task."""

    list_display = (
        "reference",
        "agency",
        "status",
        "total_rows",
        "count_new_lead",
        "created_at",
        "finished_at",
    )
    list_filter = ("status", "source_format")
    search_fields = ("reference", "agency__name", "idempotency_key")
    list_select_related = ("agency",)
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
