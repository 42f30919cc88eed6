"""Reads for employers, always through the user's scope."""

from __future__ import annotations

from typing import Any

from django.db.models import Max, OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from accounts import scoping
from campaigns.models import Visit
from participants.models import EnrollmentLead, Participant, ParticipantStatus

from .models import Employer


def employer_list(*, user) -> QuerySet[Employer]:
    return scoping.employers_visible_to(
        Employer.objects.select_related("regency", "district", "branch"), user
    )


def employer_get(*, user, pk: int) -> Employer:
    """The employer if the user may see it; 404 otherwise, so existence is not revealed."""
    return get_object_or_404(employer_list(user=user), pk=pk)


def employer_table(*, user) -> QuerySet[Employer]:
    """The list page's rows, with the last visit date (computed for the shown page only)."""
    last_visit = (
        Visit.objects.filter(employer=OuterRef("pk"))
        .order_by("-visited_on")
        .values("visited_on")[:1]
    )
    return (
        employer_list(user=user)
        .annotate(last_visited_on=Subquery(last_visit))
        .order_by("name", "id")
    )


def employer_detail(*, user, employer: Employer) -> dict[str, Any]:
    participants = Participant.objects.filter(employer=employer)
    cases = scoping.cases_visible_to(employer.cases.all(), user).select_related("agency")
    return {
        "status_changes": employer.status_changes.select_related("changed_by")[:50],
        "visits": scoping.visits_visible_to(employer.visits.all(), user).select_related("officer")[
            :50
        ],
        "open_cases": cases.exclude(state__in=["resolved", "closed"]),
        "closed_cases": cases.filter(state__in=["resolved", "closed"])[:20],
        "leads": scoping.leads_visible_to(
            EnrollmentLead.objects.filter(employer=employer), user
        ).select_related("agency")[:50],
        "participant_count": participants.count(),
        "active_participant_count": participants.filter(status=ParticipantStatus.ACTIVE).count(),
        "last_visited_on": employer.visits.aggregate(last=Max("visited_on"))["last"],
    }


def employer_search(*, user, text: str, limit: int = 10) -> QuerySet[Employer]:
    """Search-as-you-type for the visit form: only employers the user may see."""
    queryset = scoping.employers_visible_to(Employer.objects.all(), user)
    text = text.strip()
    if len(text) < 2:
        return queryset.none()
    return (
        queryset.filter(Q(name__icontains=text) | Q(npp__iexact=text))
        .select_related("regency")
        .order_by("name", "id")[:limit]
    )
