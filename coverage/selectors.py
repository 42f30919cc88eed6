"""Reads for the coverage dashboards and API. They read snapshots only, never participants."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import QuerySet

from accounts import scoping
from employers.models import ComplianceStatus, Employer
from regions.models import NATIONAL_CODE, BranchRegency, CoverageTarget

from .models import CoverageSnapshot, SnapshotLevel


def coverage_visible(*, user) -> QuerySet[CoverageSnapshot]:
    return scoping.coverage_visible_to(CoverageSnapshot.objects.all(), user)


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
        scoping.employers_visible_to(Employer.objects.filter(regency_id=regency_code), user)
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

    from employers.models import NON_COMPLIANT_STATUSES

    labels = dict(ComplianceStatus.choices)
    rows = (
        scoping.employers_visible_to(
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
