"""Reads for employers, always through the user's scope."""

from __future__ import annotations

import difflib
import re
from typing import Any

from django.db.models import Max, OuterRef, Q, QuerySet, Subquery
from django.utils.formats import date_format

from accounts import permissions
from accounts.permissions import Actor
from participants.models import Participant, ParticipantStatus

from .models import Employer, StatusProposal


def employer_list(*, user: Actor) -> QuerySet[Employer]:
    return permissions.employers_visible_to(
        Employer.objects.select_related("regency", "district", "branch"), user
    )


def employer_get(*, user: Actor, pk: int) -> Employer | None:
    """The employer if the user may see it; None otherwise (callers answer 404 either way, so
    existence is not revealed)."""
    return employer_list(user=user).filter(pk=pk).first()


def employer_table(*, user: Actor) -> QuerySet[Employer]:
    """The list page's rows, in the default order (the filters may re-sort)."""
    return employer_list(user=user).order_by("name", "id")


def employer_with_last_visit(queryset: QuerySet[Employer]) -> QuerySet[Employer]:
    """For exports: the last visit date of every row, one indexed subquery per row.

    Visits (campaigns) are reached through the `visits` relation: campaigns builds on employers,
    so employers imports nothing from it."""
    last_visit = (
        Employer.objects.filter(pk=OuterRef("pk"))
        .values("pk")
        .annotate(last=Max("visits__visited_on"))
        .values("last")
    )
    return queryset.annotate(last_visited_on=Subquery(last_visit))


def employer_attach_last_visit(employers: list[Employer]) -> list[Employer]:
    """Last visit dates for one page of employers in one GROUP BY query.

    Annotating the list queryset instead would make PostgreSQL compute the subquery for every
    filtered row (and for the paginator's COUNT) before sorting and cutting the page.
    """
    last = dict(
        Employer.objects.filter(pk__in=[employer.pk for employer in employers])
        .annotate(last=Max("visits__visited_on"))
        .values_list("pk", "last")
        .order_by()
    )
    for employer in employers:
        employer.last_visited_on = last.get(employer.pk)
    return employers


def employer_detail(*, user: Actor, employer: Employer) -> dict[str, Any]:
    participants = Participant.objects.filter(employer=employer)
    cases = permissions.cases_visible_to(employer.cases.all(), user).select_related("agency")
    return {
        "status_changes": employer.status_changes.select_related("changed_by")[:50],
        "visits": permissions.visits_visible_to(employer.visits.all(), user).select_related(
            "officer"
        )[:50],
        "open_cases": cases.exclude(state__in=cases.model.FINAL_STATES),
        "closed_cases": cases.filter(state__in=cases.model.FINAL_STATES)[:20],
        "leads": permissions.leads_visible_to(employer.leads.all(), user).select_related("agency")[
            :50
        ],
        "participant_count": participants.count(),
        "active_participant_count": participants.filter(status=ParticipantStatus.ACTIVE).count(),
        "last_visited_on": employer.visits.aggregate(last=Max("visited_on"))["last"],
        # The latest rung of the sanction ladder (campaigns), reached through the relation.
        "sanction_step": permissions.sanction_steps_visible_to(employer.sanction_steps.all(), user)
        .order_by("-issued_on", "-id")
        .first(),
        "pending_proposals": employer.proposals.filter(accepted__isnull=True).select_related(
            "proposed_by", "proposed_by_agency"
        ),
        "visit_points": [
            {
                "lat": float(visit.latitude),
                "lng": float(visit.longitude),
                "on": date_format(visit.visited_on, "j M Y"),
            }
            for visit in permissions.visits_visible_to(employer.visits.all(), user)
            .filter(latitude__isnull=False, longitude__isnull=False)
            .order_by("-visited_on", "-id")[:20]
        ],
    }


def status_proposal_get(*, employer: Employer, pk: int) -> StatusProposal | None:
    return StatusProposal.objects.filter(employer=employer, pk=pk).first()


def status_proposals_pending(*, user: Actor) -> QuerySet[StatusProposal]:
    """Proposals waiting for the branch's decision, on employers the user may see."""
    return StatusProposal.objects.filter(
        accepted__isnull=True,
        employer__in=permissions.employers_visible_to(Employer.objects.all(), user),
    ).select_related("employer", "proposed_by_agency")


def employer_search(*, user: Actor, text: str, limit: int = 10) -> QuerySet[Employer]:
    """Search-as-you-type for the visit form: only employers the user may see."""
    queryset = permissions.employers_visible_to(Employer.objects.all(), user)
    text = text.strip()
    if len(text) < 2:
        return queryset.none()
    return (
        queryset.filter(Q(name__icontains=text) | Q(npp__iexact=text))
        .select_related("regency")
        .order_by("name", "id")[:limit]
    )


# Legal forms and filler words that make two spellings of one business look different.
_NAME_NOISE = {"pt", "cv", "ud", "tbk", "persero", "pd", "fa", "koperasi", "perum", "the"}
NEAR_DUPLICATE_RATIO = 0.88


def employer_name_key(name: str) -> str:
    """A name reduced to what identifies the business: lower case, no punctuation, no legal form."""
    words = re.sub(r"[^0-9a-z]+", " ", name.lower()).split()
    return " ".join(word for word in words if word not in _NAME_NOISE)


def employer_near_duplicates(
    *, name: str, regency, exclude_pk: int | None = None
) -> list[Employer]:
    """Employers of the same regency whose name is (nearly) the same, e.g. "PT Maju Jaya" and
    "Maju Jaya, PT". Candidates share the name's longest word, so the check reads a handful of
    rows, not the regency."""
    key = employer_name_key(name)
    if not key:
        return []
    longest = max(key.split(), key=len)
    candidates = (
        Employer.objects.filter(regency=regency, name__icontains=longest)
        .exclude(pk=exclude_pk)
        .select_related("branch")
        .order_by("name")[:50]
    )
    return [
        employer
        for employer in candidates
        if difflib.SequenceMatcher(None, key, employer_name_key(employer.name)).ratio()
        >= NEAR_DUPLICATE_RATIO
    ]
