"""Reads for the landing page: a short summary of what the user may see, and the day's work."""

from typing import Any

from django.utils import timezone

from accounts import permissions
from accounts.permissions import Ability, Actor
from campaigns.models import FINAL_CASE_STATES, EscalationCase, Visit
from campaigns.selectors import (
    campaign_progress,
    campaigns_active_for,
    sanction_due,
    sanction_totals_by_kanwil,
    visit_follow_ups_due,
)
from employers.models import Employer
from employers.selectors import status_proposals_pending
from participants.models import Participant, ParticipantStatus
from worker_lists.models import EnrollmentLead, LeadStatus

HOME_CAMPAIGNS = 3
HOME_LEADS = 10


def home_summary(*, user: Actor) -> dict[str, Any]:
    employers = permissions.employers_visible_to(Employer.objects.all(), user)
    open_cases = permissions.cases_visible_to(EscalationCase.objects.all(), user).exclude(
        state__in=FINAL_CASE_STATES
    )
    summary: dict[str, Any] = {
        "employer_count": employers.count(),
        "open_case_count": open_cases.count(),
    }
    # Agencies work cases, not participants or visits: those cards would only ever read 0.
    if permissions.can(user, Ability.VIEW_DASHBOARDS):
        summary["active_participant_count"] = permissions.participants_visible_to(
            Participant.objects.filter(status=ParticipantStatus.ACTIVE), user
        ).count()
    if permissions.can(user, Ability.VIEW_VISITS):
        summary["recent_visits"] = permissions.visits_visible_to(
            Visit.objects.all(), user
        ).select_related("employer", "officer")[:10]
    if permissions.can(user, Ability.HOME_FIELD_DAY):
        summary.update(branch_day(user=user))
    if permissions.can(user, Ability.READ_ALL_REGIONS):
        summary["sanction_totals"] = sanction_totals_by_kanwil()
    if permissions.can(user, Ability.HOME_CASE_INBOX):
        summary["agency_cases"] = open_cases.select_related("employer", "branch")[:20]
    return summary


def branch_day(*, user: Actor) -> dict[str, Any]:
    """Branch staff's day: follow-ups due or overdue, new leads, their campaigns' progress."""
    today = timezone.localdate()
    leads = permissions.leads_visible_to(
        EnrollmentLead.objects.filter(status=LeadStatus.NEW), user
    ).select_related("agency", "work_regency")
    campaigns = list(campaigns_active_for(user=user, today=today)[:HOME_CAMPAIGNS])
    return {
        "today": today,
        "follow_ups": list(visit_follow_ups_due(user=user, today=today)[:20]),
        "sanctions_due": sanction_due(user=user, today=today)[:20],
        "new_leads": list(leads[:HOME_LEADS]),
        # The number itself, not "10+": branch staff plan their day by it.
        "new_lead_count": leads.count(),
        "status_proposals": list(status_proposals_pending(user=user)[:10]),
        "campaigns": [
            {"campaign": campaign, "progress": campaign_progress(campaign=campaign, user=user)}
            for campaign in campaigns
        ],
    }
