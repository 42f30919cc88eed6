"""Reads of field work: follow-ups, cases and their time per state, campaign progress."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from accounts import permissions
from accounts.permissions import Actor
from agencies.models import AgencyKind
from employers.models import ComplianceStatus, ComplianceStatusChange, Employer
from participants.models import Participant
from regions.models import BranchOffice, BranchRegency, Regency
from worker_lists.models import EnrollmentLead, LeadStatus

from .models import (
    FINAL_CASE_STATES,
    Campaign,
    CampaignBranchTarget,
    CaseKind,
    CaseState,
    CaseTransition,
    EscalationCase,
    SanctionKind,
    SanctionOutcome,
    SanctionStep,
    Visit,
)


def visit_follow_ups_due(*, user: Actor, today: dt.date | None = None) -> QuerySet[Visit]:
    """Follow-ups not done whose date is today or past (oldest first)."""
    today = today or timezone.localdate()
    return (
        permissions.visits_visible_to(Visit.objects.all(), user)
        .filter(follow_up_done=False, follow_up_on__lte=today)
        .select_related("employer", "officer")
        .order_by("follow_up_on", "id")
    )


def visit_list(*, user: Actor) -> QuerySet[Visit]:
    return permissions.visits_visible_to(Visit.objects.all(), user).select_related(
        "employer", "officer", "branch"
    )


def case_list(*, user: Actor, state: str = "", kind: str = "") -> QuerySet[EscalationCase]:
    """Cases the user may see, optionally of one state and kind (unknown values are ignored)."""
    cases = permissions.cases_visible_to(EscalationCase.objects.all(), user).select_related(
        "employer__regency", "employer__district", "agency", "branch"
    )
    if state in CaseState.values:
        cases = cases.filter(state=state)
    if kind in CaseKind.values:
        cases = cases.filter(kind=kind)
    return cases


def visit_get(*, user: Actor, pk: int) -> Visit | None:
    return visit_list(user=user).filter(pk=pk).first()


def case_get(*, user: Actor, pk: int) -> EscalationCase | None:
    return case_list(user=user).filter(pk=pk).first()


def case_state_summary(*, user: Actor) -> list[dict[str, Any]]:
    """Per state: number of cases and since when the oldest has waited there (where cases stall)."""
    rows = (
        permissions.cases_visible_to(EscalationCase.objects.all(), user)
        .values("state")
        .annotate(count=Count("id"), oldest=Min("state_changed_at"))
        .order_by()
    )
    by_state = {row["state"]: row for row in rows}
    now = timezone.now()
    summary = []
    for state in CaseState:
        row = by_state.get(state.value)
        summary.append(
            {
                "state": state,
                "count": row["count"] if row else 0,
                "oldest_days": (now - row["oldest"]).days if row else None,
            }
        )
    return summary


@dataclass(frozen=True)
class StateDuration:
    state: str
    label: str
    seconds: float
    current: bool

    @property
    def days(self) -> float:
        return self.seconds / 86400


def case_transitions(*, case: EscalationCase) -> list[CaseTransition]:
    return list(case.transitions.select_related("by", "by_api_key").order_by("at", "id"))


def case_state_durations(
    *, transitions: list[CaseTransition], now: dt.datetime | None = None
) -> list[StateDuration]:
    """Time spent in each state: from entering it to the next transition (or now if current)."""
    now = now or timezone.now()
    totals: dict[str, float] = defaultdict(float)
    order: list[str] = []
    for index, transition in enumerate(transitions):
        is_last = index == len(transitions) - 1
        if transition.to_state in FINAL_CASE_STATES and is_last:
            continue
        until = now if is_last else transitions[index + 1].at
        if transition.to_state not in totals:
            order.append(transition.to_state)
        totals[transition.to_state] += max((until - transition.at).total_seconds(), 0)
    current = transitions[-1].to_state if transitions else None
    return [
        StateDuration(
            state=state,
            label=CaseState(state).label,
            seconds=totals[state],
            current=state == current,
        )
        for state in order
    ]


# --- Campaigns --------------------------------------------------------------------------------


def campaign_list(*, user: Actor) -> QuerySet[Campaign]:
    return permissions.campaigns_visible_to(Campaign.objects.all(), user).order_by(
        "-starts_on", "-id"
    )


def campaign_get(*, user: Actor, pk: int) -> Campaign | None:
    return campaign_list(user=user).filter(pk=pk).first()


def campaign_regency_codes(*, campaign: Campaign) -> list[str]:
    """The campaign's area: its regencies, those of its provinces, and those its branches serve."""
    codes = Regency.objects.filter(
        Q(pk__in=campaign.regencies.values("pk"))
        | Q(province__in=campaign.provinces.values("pk"))
        | Q(pk__in=BranchRegency.objects.filter(branch__campaigns=campaign).values("regency"))
    ).values_list("code", flat=True)
    return list(codes)


_TARGET_FIELDS = {
    "participants": "target_new_participants",
    "compliant": "target_employers_compliant",
    "non_asn": "target_non_asn_enrolled",
}


def _even_share(total: int, parts: int, index: int) -> int:
    """Branch `index`'s share of `total` split over `parts` branches (the remainder goes to the
    first ones, so the shares add up to the total)."""
    if parts <= 0:
        return 0
    return total // parts + (1 if index < total % parts else 0)


def campaign_progress(*, campaign: Campaign, user: Actor) -> dict[str, Any]:
    """Progress against each target, computed from the data in the campaign's period and area.

    Totals of participants, compliant employers and leads are aggregates of the whole campaign;
    visits (who went where) and the per-branch cards are limited to what the user may see.
    Each branch is measured against its own target (CampaignBranchTarget), or an even share of
    the campaign's when none was set.
    """
    regencies = campaign_regency_codes(campaign=campaign)
    start, end = campaign.starts_on, campaign.ends_on

    participants = (
        Participant.objects.filter(work_regency__in=regencies, registered_on__range=(start, end))
        .values("work_regency")
        .annotate(n=Count("id"))
        .order_by()
    )
    participants_by_regency = {row["work_regency"]: row["n"] for row in participants}
    primary_branch = dict(
        BranchRegency.objects.filter(regency__in=regencies, is_primary=True).values_list(
            "regency", "branch"
        )
    )

    compliant = (
        ComplianceStatusChange.objects.filter(
            to_status=ComplianceStatus.REGISTERED,
            changed_at__date__range=(start, end),
            employer__regency__in=regencies,
        )
        .values("employer__branch")
        .annotate(n=Count("employer", distinct=True))
        .order_by()
    )
    # All enrolled leads; those reported by regional governments (Pemda) are the non-ASN workers.
    leads = (
        EnrollmentLead.objects.filter(
            status=LeadStatus.ENROLLED,
            status_changed_at__date__range=(start, end),
            work_regency__in=regencies,
        )
        .values("branch", "agency__kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    visits = (
        permissions.visits_visible_to(Visit.objects.all(), user)
        .filter(visited_on__range=(start, end), employer__regency__in=regencies)
        .values("branch")
        .annotate(n=Count("id"), enrolled=Sum("workers_enrolled"))
        .order_by()
    )

    keys = ("participants", "compliant", "non_asn", "leads", "visits", "enrolled")
    per_branch: dict[int | None, dict[str, int]] = defaultdict(lambda: dict.fromkeys(keys, 0))
    for regency, n in participants_by_regency.items():
        per_branch[primary_branch.get(regency)]["participants"] += n
    for row in compliant:
        per_branch[row["employer__branch"]]["compliant"] += row["n"]
    for row in leads:
        per_branch[row["branch"]]["leads"] += row["n"]
        if row["agency__kind"] == AgencyKind.PEMDA:
            per_branch[row["branch"]]["non_asn"] += row["n"]
    for row in visits:
        per_branch[row["branch"]]["visits"] += row["n"]
        per_branch[row["branch"]]["enrolled"] += row["enrolled"] or 0

    totals = {key: sum(values[key] for values in per_branch.values()) for key in keys}
    targets = [
        _target(
            key,
            Campaign._meta.get_field(field).verbose_name,
            getattr(campaign, field),
            totals[key],
        )
        for key, field in _TARGET_FIELDS.items()
    ]
    # Officers report workers enrolled during visits; they count as new participants once the
    # participant register has them. Both figures sit side by side so they read together.
    targets[0]["reported_in_visits"] = totals["enrolled"]

    branch_ids = set(campaign.branches.values_list("pk", flat=True)) | {
        pk for pk in per_branch if pk is not None
    }
    # Every branch of the campaign shares its targets; only those the user may see get a card.
    all_branch_ids = sorted(branch_ids)
    visible = permissions.branches_visible_to(
        BranchOffice.objects.filter(pk__in=all_branch_ids), user
    )
    branch_names = dict(visible.values_list("pk", "name"))
    own_targets = {
        row.branch_id: row for row in CampaignBranchTarget.objects.filter(campaign=campaign)
    }
    branches = []
    for pk, name in sorted(branch_names.items(), key=lambda item: item[1]):
        values = per_branch.get(pk, dict.fromkeys(keys, 0))
        own = own_targets.get(pk)
        branch_targets = []
        for key, field in _TARGET_FIELDS.items():
            if own is not None:
                target = getattr(own, field)
            else:
                target = _even_share(
                    getattr(campaign, field), len(all_branch_ids), all_branch_ids.index(pk)
                )
            label = Campaign._meta.get_field(field).verbose_name
            branch_targets.append(_target(key, label, target, values[key]))
        branch_targets[0]["reported_in_visits"] = values["enrolled"]
        branches.append(
            {
                "name": name,
                "visits": values["visits"],
                "enrolled": values["enrolled"],
                "targets": branch_targets,
                "target_is_share": own is None,
                "branch_count": len(all_branch_ids),
            }
        )
    return {"targets": targets, "branches": branches, "totals": totals}


def _target(key: str, label, target: int, achieved: int) -> dict[str, Any]:
    percent = min(100, round(100 * achieved / target)) if target else None
    return {"key": key, "label": label, "target": target, "achieved": achieved, "percent": percent}


def campaign_activities(
    *, campaign: Campaign, user: Actor, limit: int = 30
) -> list[dict[str, Any]]:
    """The latest visits (those the user may see) and compliance changes of employers the user
    may see, in the campaign's period and area."""
    regencies = campaign_regency_codes(campaign=campaign)
    start, end = campaign.starts_on, campaign.ends_on
    visits = (
        permissions.visits_visible_to(Visit.objects.all(), user)
        .filter(visited_on__range=(start, end), employer__regency__in=regencies)
        .select_related("employer", "branch")
        .order_by("-visited_on", "-id")[:limit]
    )
    changes = (
        ComplianceStatusChange.objects.filter(
            changed_at__date__range=(start, end),
            employer__regency__in=regencies,
            employer__in=permissions.employers_visible_to(Employer.objects.all(), user),
        )
        .exclude(from_status="")
        .select_related("employer")
        .order_by("-changed_at", "-id")[:limit]
    )
    items = [
        {"on": visit.visited_on, "kind": "visit", "employer": visit.employer, "object": visit}
        for visit in visits
    ] + [
        {
            "on": timezone.localdate(change.changed_at),
            "kind": "status",
            "employer": change.employer,
            "object": change,
        }
        for change in changes
    ]
    items.sort(key=lambda item: item["on"], reverse=True)
    return items[:limit]


def campaigns_active_for(*, user: Actor, today: dt.date | None = None) -> QuerySet[Campaign]:
    today = today or timezone.localdate()
    return campaign_list(user=user).filter(starts_on__lte=today, ends_on__gte=today)


# --- The sanction ladder ---------------------------------------------------------------------

# The fine is imposed within 30 days after the second warning lapses (PP 86/2013 art. 8).
FINE_DAYS_AFTER_WARNING_2 = 30
NEXT_KIND = {
    SanctionKind.WARNING_1: SanctionKind.WARNING_2,
    SanctionKind.WARNING_2: SanctionKind.FINE,
    SanctionKind.FINE: SanctionKind.TMP2T,
}


@dataclass(frozen=True)
class SanctionDue:
    """Something on the ladder to act on: a pending step's deadline, or the next rung."""

    employer_id: int
    employer_name: str
    kind: str  # the step waiting (pending) or the step to issue next
    label: str
    due_on: dt.date
    pending: bool  # True: check compliance by the deadline; False: issue the next rung
    overdue: bool
    step_id: int


def sanction_steps_visible(*, user: Actor) -> QuerySet[SanctionStep]:
    """Sanction steps follow their employer's branch, like visits and cases."""
    return permissions.sanction_steps_visible_to(SanctionStep.objects.all(), user)


def sanction_ladder(*, employer, user: Actor) -> list[SanctionStep]:
    return list(
        sanction_steps_visible(user=user)
        .filter(employer=employer)
        .select_related("issued_by", "agency")
        .order_by("issued_on", "id")
    )


def sanction_due(
    *, user, today: dt.date | None = None, until: dt.date | None = None
) -> list[SanctionDue]:
    """What the ladder asks of the user's branch up to `until` (default: the end of this week),
    overdue items included: pending deadlines, and the next rung after a lapsed one (a second
    warning at once, the fine within 30 days of the second warning's lapse, then TMP2T)."""
    today = today or timezone.localdate()
    until = until or today + dt.timedelta(days=6 - today.weekday())
    steps = sanction_steps_visible(user=user).select_related("employer")
    pending = steps.filter(outcome=SanctionOutcome.PENDING, deadline__lte=until)
    later = SanctionStep.objects.filter(employer=OuterRef("employer"), pk__gt=OuterRef("pk"))
    lapsed = steps.filter(outcome=SanctionOutcome.LAPSED, kind__in=list(NEXT_KIND)).filter(
        ~Exists(later)
    )
    items = [
        SanctionDue(
            employer_id=step.employer_id,
            employer_name=step.employer.name,
            kind=step.kind,
            label=SanctionKind(step.kind).label,
            due_on=step.deadline,
            pending=True,
            overdue=step.deadline < today,
            step_id=step.pk,
        )
        for step in pending
    ]
    for step in lapsed:
        lapsed_on = step.outcome_on or today
        due_on = (
            lapsed_on + dt.timedelta(days=FINE_DAYS_AFTER_WARNING_2)
            if step.kind == SanctionKind.WARNING_2
            else lapsed_on
        )
        if due_on > until:
            continue
        next_kind = NEXT_KIND[step.kind]
        items.append(
            SanctionDue(
                employer_id=step.employer_id,
                employer_name=step.employer.name,
                kind=next_kind,
                label=SanctionKind(next_kind).label,
                due_on=due_on,
                pending=False,
                overdue=due_on < today,
                step_id=step.pk,
            )
        )
    items.sort(key=lambda item: (item.due_on, item.employer_name))
    return items


def sanction_totals_by_kanwil() -> list[dict[str, Any]]:
    """Arrears escalated and recovered per Kanwil, in one GROUP BY.

    Escalated: the arrears stated in first warnings (each round of the ladder starts with one,
    so an employer's arrears count once per round); recovered: all amounts recorded on steps.
    """
    rows = (
        SanctionStep.objects.values("branch__regional_office", "branch__regional_office__name")
        .annotate(
            escalated=Sum("arrears_amount", filter=Q(kind=SanctionKind.WARNING_1)),
            recovered=Sum("recovered_amount"),
            employers=Count("employer", distinct=True),
            open_steps=Count("id", filter=Q(outcome=SanctionOutcome.PENDING)),
        )
        .order_by("branch__regional_office__name")
    )
    return [
        {
            "kanwil": row["branch__regional_office__name"],
            "escalated": row["escalated"] or 0,
            "recovered": row["recovered"] or 0,
            "employers": row["employers"],
            "open_steps": row["open_steps"],
        }
        for row in rows
    ]
