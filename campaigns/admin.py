from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Campaign, CampaignBranchTarget, CaseTransition, EscalationCase, Visit


@admin.register(Visit)
class VisitAdmin(SimpleHistoryAdmin):
    list_display = ("employer", "visited_on", "purpose", "outcome", "branch", "officer")
    list_filter = ("purpose", "outcome", "branch")
    raw_id_fields = ("employer",)
    list_select_related = ("employer", "branch", "officer")


class CaseTransitionInline(admin.TabularInline):
    model = CaseTransition
    extra = 0


@admin.register(EscalationCase)
class EscalationCaseAdmin(SimpleHistoryAdmin):
    list_display = ("employer", "kind", "state", "agency", "branch", "state_changed_at")
    list_filter = ("kind", "state")
    raw_id_fields = ("employer",)
    inlines = [CaseTransitionInline]


class CampaignBranchTargetInline(admin.TabularInline):
    model = CampaignBranchTarget
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("name", "starts_on", "ends_on")
    inlines = [CampaignBranchTargetInline]
    filter_horizontal = ("provinces", "regencies", "branches", "agencies")
