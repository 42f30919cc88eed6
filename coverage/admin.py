from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from .models import CoverageSnapshot
from .tasks import coverage_compute_task


@admin.register(CoverageSnapshot)
class CoverageSnapshotAdmin(admin.ModelAdmin):
    """Read-only: snapshots are written by the engine; the action asks for a recompute."""

    list_display = (
        "period",
        "level",
        "code",
        "name",
        "active_total",
        "workforce_employed",
        "workforce_kind",
        "coverage_pct",
        "target_pct",
        "gap_to_target",
        "computed_at",
    )
    list_filter = ("period", "level", "workforce_kind")
    search_fields = ("code", "name")
    actions = ["recompute_periods"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Hitung ulang periode snapshot terpilih"))
    def recompute_periods(self, request, queryset):
        periods = sorted(set(queryset.values_list("period", flat=True)))
        for period in periods:
            coverage_compute_task.delay(period.isoformat())
        self.message_user(
            request,
            _("Penghitungan ulang diantrekan untuk %(n)d periode.") % {"n": len(periods)},
            messages.SUCCESS,
        )
