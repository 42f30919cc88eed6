"""Reads for the landing page: a short summary of what the user may see."""

from typing import Any

from accounts import scoping
from campaigns.models import EscalationCase, Visit
from employers.models import Employer
from participants.models import Participant, ParticipantStatus


def home_summary(*, user) -> dict[str, Any]:
    employers = scoping.employers_visible_to(Employer.objects.all(), user)
    return {
        "employer_count": employers.count(),
        "active_participant_count": scoping.participants_visible_to(
            Participant.objects.filter(status=ParticipantStatus.ACTIVE), user
        ).count(),
        "open_case_count": scoping.cases_visible_to(EscalationCase.objects.all(), user)
        .exclude(state__in=["resolved", "closed"])
        .count(),
        "recent_visits": scoping.visits_visible_to(Visit.objects.all(), user).select_related(
            "employer", "officer"
        )[:10],
    }
