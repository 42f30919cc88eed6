from django.contrib import admin
from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import AgencyMatchingVolume, SubmissionStatus, WorkerListSubmission


@admin.register(WorkerListSubmission)
class WorkerListSubmissionAdmin(admin.ModelAdmin):
    """Read-only: lists change only through the API, the upload page and the processing task."""

    list_display = (
        "reference",
        "agency",
        "status",
        "total_rows",
        "count_new_lead",
        "register_lookups",
        "register_disclosures",
        "created_at",
        "finished_at",
    )
    list_filter = ("status", "source_format", "agency")
    search_fields = ("reference", "agency__name", "idempotency_key")
    list_select_related = ("agency",)
    date_hierarchy = "created_at"
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        # Not while a run may be writing its rows (they reference the list without a database
        # constraint; see WorkerListRow.submission).
        if obj is not None and not obj.is_finished:
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        # The bulk action too: finished lists only.
        super().delete_queryset(
            request, queryset.filter(status__in=[SubmissionStatus.DONE, SubmissionStatus.FAILED])
        )


@admin.register(AgencyMatchingVolume)
class AgencyMatchingVolumeAdmin(admin.ModelAdmin):
    """How many rows each agency has had matched against the participant register, and how
    many participant statuses were disclosed to it: an agency probing NIKs stands out here."""

    list_display = ("name", "lists", "rows", "lookups", "disclosures")
    search_fields = ("name",)
    ordering = ("name",)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                list_count=Count("worker_lists"),
                row_count=Sum("worker_lists__total_rows"),
                lookup_count=Sum("worker_lists__register_lookups"),
                disclosure_count=Sum("worker_lists__register_disclosures"),
            )
        )

    @admin.display(description=pgettext_lazy("jumlah", "daftar"), ordering="list_count")
    def lists(self, agency) -> int:
        return agency.list_count

    @admin.display(description=_("baris"), ordering="row_count")
    def rows(self, agency) -> int:
        return agency.row_count or 0

    @admin.display(description=_("dicocokkan ke data peserta"), ordering="lookup_count")
    def lookups(self, agency) -> int:
        return agency.lookup_count or 0

    @admin.display(description=_("status peserta diungkap"), ordering="disclosure_count")
    def disclosures(self, agency) -> int:
        return agency.disclosure_count or 0

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
