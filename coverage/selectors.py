"""Reads for the coverage dashboards and API. They read snapshots only, never participants."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from accounts import permissions
from agencies.models import AgencyKind, PartnerAgency
from employers.models import NON_COMPLIANT_STATUSES, ComplianceStatus, Employer
from regions.models import NATIONAL_CODE, BranchRegency, CoverageTarget
from worker_lists.models import (
    EnrollmentLead,
    LeadStatus,
    SubmissionStatus,
    WorkerListSubmission,
)

from .models import CoverageSnapshot, SnapshotLevel

_NATIONAL_LABEL = gettext_lazy("Nasional")


def coverage_visible(*, user) -> QuerySet[CoverageSnapshot]:
    return permissions.coverage_visible_to(CoverageSnapshot.objects.all(), user)


def coverage_periods(*, user) -> list[dt.date]:
    """Periods with snapshots, newest first."""
    return list(
        coverage_visible(user=user).order_by("-period").values_list("period", flat=True).distinct()
    )


def coverage_list(
    *, user, level: str, period: dt.date, parent: str | None = None
) -> QuerySet[CoverageSnapshot]:
    rows = coverage_visible(user=user).filter(level=level, period=period)
    if parent:
        rows = rows.filter(parent_code=parent)
    return rows.order_by("code")


def coverage_trend(*, user, level: str, code: str) -> list[CoverageSnapshot]:
    """Every period of one region or office, oldest first."""
    return list(coverage_visible(user=user).filter(level=level, code=code).order_by("period"))


def coverage_branches_in_province(
    *, user, period: dt.date, province_code: str
) -> QuerySet[CoverageSnapshot]:
    served = BranchRegency.objects.filter(regency__province_id=province_code).values("branch__code")
    return (
        coverage_visible(user=user)
        .filter(level=SnapshotLevel.BRANCH, period=period, code__in=served)
        .order_by("code")
    )


def coverage_regencies_of_office(
    *, user, period: dt.date, level: str, code: str
) -> QuerySet[CoverageSnapshot]:
    if level == SnapshotLevel.BRANCH:
        served = BranchRegency.objects.filter(branch__code=code)
    else:
        served = BranchRegency.objects.filter(branch__regional_office__code=code)
    return (
        coverage_visible(user=user)
        .filter(
            level=SnapshotLevel.REGENCY,
            period=period,
            code__in=served.values("regency_id"),
        )
        .order_by("code")
    )


def coverage_target_path(*, level: str, code: str) -> list[CoverageTarget]:
    """Targets of a region by year (offices have none of their own)."""
    if level not in (SnapshotLevel.NATIONAL, SnapshotLevel.PROVINCE, SnapshotLevel.REGENCY):
        return []
    return list(
        CoverageTarget.objects.filter(
            level=level, region_code=NATIONAL_CODE if level == "national" else code
        ).order_by("year")
    )


def employers_by_compliance(*, user, regency_code: str) -> list[dict]:
    """Employers of a regency per compliance status: count, reported and registered workers."""
    from django.db.models import Count, Sum

    labels = dict(ComplianceStatus.choices)
    rows = (
        permissions.employers_visible_to(Employer.objects.filter(regency_id=regency_code), user)
        .order_by()
        .values("compliance_status")
        .annotate(
            employers=Count("id"),
            reported=Sum("reported_workers"),
            registered=Sum("registered_workers"),
        )
    )
    by_status = {row["compliance_status"]: row for row in rows}
    result = []
    for status in ComplianceStatus:
        row = by_status.get(status, {})
        reported = row.get("reported") or 0
        registered = row.get("registered") or 0
        result.append(
            {
                "status": status.value,
                "label": str(labels[status]),
                "employers": row.get("employers", 0),
                "reported": reported,
                "registered": registered,
                "unregistered": max(reported - registered, 0),
            }
        )
    return result


def employers_to_follow_up(*, user, regency_code: str, limit: int = 100) -> list[dict]:
    """Non-compliant employers of a regency, most unregistered workers first."""
    from django.db.models import F

    labels = dict(ComplianceStatus.choices)
    rows = (
        permissions.employers_visible_to(
            Employer.objects.filter(
                regency_id=regency_code, compliance_status__in=NON_COMPLIANT_STATUSES
            ),
            user,
        )
        .annotate(unregistered=F("reported_workers") - F("registered_workers"))
        .order_by("-unregistered", "name")
        .values(
            "name",
            "npp",
            "compliance_status",
            "reported_workers",
            "registered_workers",
            "unregistered",
        )[:limit]
    )
    return [
        {
            **row,
            "npp": row["npp"] or "",
            "label": str(labels[row["compliance_status"]]),
            "unregistered": max(row["unregistered"], 0),
        }
        for row in rows
    ]


def snapshot_change(rows: Iterable[CoverageSnapshot], period: dt.date) -> dict:
    """Current and previous snapshot of a trend for the headline cards."""
    ordered = [row for row in rows if row.period <= period]
    current = ordered[-1] if ordered and ordered[-1].period == period else None
    previous = ordered[-2] if current and len(ordered) > 1 else None
    change = {}
    if current and previous:
        change["active"] = current.active_total - previous.active_total
        if current.coverage_pct is not None and previous.coverage_pct is not None:
            change["coverage_pct"] = current.coverage_pct - previous.coverage_pct
    return {"current": current, "previous": previous, "change": change}


def partner_agency_results(
    *, user, until: dt.datetime, province_code: str | None = None
) -> list[dict]:
    """Per partner agency, what its worker lists gave by `until` (cumulative), busiest first.

    Rows come from finished lists (each row has exactly one outcome, so submitted = invalid +
    duplicates in the list + valid, and valid = already covered + lapsed + new-lead rows).
    Leads are people (one per NIK and agency, however many lists name them); enrolled means
    marked enrolled before `until`, as the snapshots' non_asn_enrolled counts them. Two
    GROUP BY queries whatever the number of agencies; agencies with no list and no lead are left
    out. `province_code` keeps the agencies whose jurisdiction lies in that province.
    """
    from django.db.models import Count, Q, Sum

    agencies = permissions.agency_results_visible_to(PartnerAgency.objects.all(), user)
    if province_code:
        agencies = agencies.filter(jurisdiction_province_id=province_code)
    agency_fields = (
        "agency_id",
        "agency__name",
        "agency__kind",
        "agency__jurisdiction_province__name",
        "agency__jurisdiction_regency__name",
    )
    lists = (
        WorkerListSubmission.objects.filter(
            agency__in=agencies.values("pk"), status=SubmissionStatus.DONE, created_at__lt=until
        )
        .order_by()
        .values(*agency_fields)
        .annotate(
            lists=Count("id"),
            invalid=Sum("count_invalid"),
            duplicate_in_list=Sum("count_duplicate_in_list"),
            already_covered=Sum("count_already_covered"),
            lapsed=Sum("count_lapsed"),
            new_lead_rows=Sum("count_new_lead"),
            existing_lead=Sum("count_existing_lead"),
            needs_verification=Sum("count_needs_verification"),
        )
    )
    enrolled = Q(status=LeadStatus.ENROLLED) & (
        Q(status_changed_at__isnull=True) | Q(status_changed_at__lt=until)
    )
    leads = (
        EnrollmentLead.objects.filter(agency__in=agencies.values("pk"), created_at__lt=until)
        .order_by()
        .values(*agency_fields)
        .annotate(leads=Count("id"), leads_enrolled=Count("id", filter=enrolled))
    )
    kinds = dict(AgencyKind.choices)
    by_agency: dict[int, dict] = {}
    for found in [*lists, *leads]:
        row = by_agency.setdefault(
            found["agency_id"],
            {
                "agency_id": found["agency_id"],
                "name": found["agency__name"],
                "kind": str(kinds.get(found["agency__kind"], found["agency__kind"])),
                "jurisdiction": found["agency__jurisdiction_regency__name"]
                or found["agency__jurisdiction_province__name"]
                or str(_NATIONAL_LABEL),
                **dict.fromkeys(PARTNER_COUNT_KEYS, 0),
            },
        )
        for key in PARTNER_COUNT_KEYS:
            if key in found:
                row[key] = found[key] or 0
    for row in by_agency.values():
        row["valid"] = (
            row["already_covered"]
            + row["lapsed"]
            + row["new_lead_rows"]
            + row["existing_lead"]
            + row["needs_verification"]
        )
        row["rows_submitted"] = row["invalid"] + row["duplicate_in_list"] + row["valid"]
        row["enrolled_pct"] = (
            round(Decimal(row["leads_enrolled"] * 100) / row["leads"], 1) if row["leads"] else None
        )
    return sorted(by_agency.values(), key=lambda row: (-row["rows_submitted"], row["name"]))


PARTNER_COUNT_KEYS = (
    "lists",
    "invalid",
    "duplicate_in_list",
    "already_covered",
    "lapsed",
    "new_lead_rows",
    "existing_lead",
    "needs_verification",
    "leads",
    "leads_enrolled",
)
