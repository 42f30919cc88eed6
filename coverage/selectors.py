"""Reads for the coverage dashboards and API. They read snapshots only, never participants."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy

from accounts import permissions
from accounts.permissions import Actor
from agencies.models import AgencyKind, PartnerAgency
from employers.models import NON_COMPLIANT_STATUSES, ComplianceStatus, Employer
from participants.models import ReportedParticipantCount
from regions.models import (
    NATIONAL_CODE,
    BranchRegency,
    CoverageTarget,
    RegionLevel,
    WorkforceFigure,
    WorkforceFlag,
)

from .models import CoverageSnapshot, PartnerAgencySnapshot, SnapshotLevel

_NATIONAL_LABEL = gettext_lazy("Nasional")


def coverage_visible(*, user: Actor) -> QuerySet[CoverageSnapshot]:
    return permissions.coverage_visible_to(CoverageSnapshot.objects.all(), user)


def coverage_periods(*, user: Actor) -> list[dt.date]:
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


def coverage_list_at(
    *, user, level: str, periods: Iterable[dt.date]
) -> dict[dt.date, list[CoverageSnapshot]]:
    """All rows of a level for a few periods, by period (one query)."""
    by_period: dict[dt.date, list[CoverageSnapshot]] = {}
    rows = coverage_visible(user=user).filter(level=level, period__in=list(periods))
    for row in rows.order_by("period", "code"):
        by_period.setdefault(row.period, []).append(row)
    return by_period


def coverage_trend(*, user: Actor, level: str, code: str) -> list[CoverageSnapshot]:
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


@dataclass(frozen=True)
class ReportedCoverage:
    """A published participant count against the official workforce of the same territory.

    Published counts locate participants where their employer is registered, so a province with
    many head offices (DKI Jakarta) can exceed 100%: `over_100` lets pages say so instead of
    showing it as coverage.
    """

    level: str
    region_code: str
    period: dt.date
    active_total: int
    active_pu: int | None
    active_bpu: int | None
    active_jakon: int | None
    source: str
    caveat: str
    territory_note: str
    employed: int | None
    formal: int | None
    workforce_period: dt.date | None
    workforce_source: str
    workforce_flags: tuple[str, ...]

    @staticmethod
    def _pct(part: int | None, whole: int | None) -> Decimal | None:
        if part is None or not whole:
            return None
        return (Decimal(part) * 100 / whole).quantize(Decimal("0.01"))

    @property
    def coverage_pct(self) -> Decimal | None:
        return self._pct(self.active_total, self.employed)

    @property
    def pu_pct(self) -> Decimal | None:
        return self._pct(self.active_pu, self.formal)

    @property
    def informal(self) -> int | None:
        if self.employed is None or self.formal is None:
            return None
        return self.employed - self.formal

    @property
    def bpu_pct(self) -> Decimal | None:
        return self._pct(self.active_bpu, self.informal)

    @property
    def over_100(self) -> bool:
        return self.coverage_pct is not None and self.coverage_pct > 100

    @property
    def flag_labels(self) -> list[str]:
        labels = dict(WorkforceFlag.choices)
        return [str(labels[flag]) for flag in self.workforce_flags if flag in labels]


class _Figure(NamedTuple):
    period: dt.date
    employed: int
    formal_employed: int | None
    source: str
    flags: str


def _official_workforce(codes: Iterable[str] | None) -> dict[tuple[str, str], list[_Figure]]:
    """Official national and province figures per (level, code), newest first: one query of
    plain tuples (~300 rows for every province, a dozen for one)."""
    rows = WorkforceFigure.objects.filter(
        kind=WorkforceFigure.Kind.OFFICIAL, level__in=[RegionLevel.NATIONAL, RegionLevel.PROVINCE]
    )
    if codes is not None:
        rows = rows.filter(region_code__in=[NATIONAL_CODE, *codes])
    figures: dict[tuple[str, str], list[_Figure]] = {}
    for level, code, *values in rows.order_by("-period").values_list(
        "level", "region_code", "period", "employed", "formal_employed", "source", "flags"
    ):
        figures.setdefault((level, code), []).append(_Figure(*values))
    return figures


def _reported_against_workforce(
    count: ReportedParticipantCount, figures: dict[tuple[str, str], list[_Figure]]
) -> ReportedCoverage:
    # The latest August at or before the count, summed over the territory the count covers
    # (pre-2022 Papua counts cover today's Papua and the provinces split from it).
    parts = []
    for code in count.territory():
        found = figures.get((count.level, code), [])
        parts.append(next((f for f in found if f.period <= count.period), None))
    complete = parts and all(parts)
    formal_known = complete and all(f.formal_employed is not None for f in parts)
    return ReportedCoverage(
        level=count.level,
        region_code=count.region_code,
        period=count.period,
        active_total=count.active_total,
        active_pu=count.active_pu,
        active_bpu=count.active_bpu,
        active_jakon=count.active_jakon,
        source=count.source,
        caveat=count.caveat,
        territory_note=count.territory_note,
        employed=sum(f.employed for f in parts) if complete else None,
        formal=sum(f.formal_employed for f in parts) if formal_known else None,
        workforce_period=min(f.period for f in parts) if complete else None,
        workforce_source=parts[0].source if complete else "",
        workforce_flags=tuple(
            sorted({flag for f in parts if f for flag in f.flags.split(",") if flag})
        ),
    )


def reported_coverage(*, province_code: str | None = None) -> dict:
    """Published counts against official workforce: the national series (oldest first) and the
    latest count of every province, or of `province_code` only. Two queries."""
    wanted = Q(level=ReportedParticipantCount.Level.NATIONAL) | Q(
        level=ReportedParticipantCount.Level.PROVINCE
    )
    if province_code:
        # Its own counts, and older-layout counts whose territory includes it (codes are two
        # digits between commas, so a substring match cannot straddle two codes).
        wanted = Q(level=ReportedParticipantCount.Level.NATIONAL) | Q(
            Q(region_code=province_code) | Q(territory_codes__contains=province_code),
            level=ReportedParticipantCount.Level.PROVINCE,
        )
    counts = list(ReportedParticipantCount.objects.filter(wanted).order_by("period"))
    if not counts:
        return {"national": [], "provinces": {}, "province_series": []}
    codes = None
    if province_code:
        codes = {code for count in counts for code in count.territory()}
    figures = _official_workforce(codes)
    national, provinces, province_series = [], {}, []
    for count in counts:
        row = _reported_against_workforce(count, figures)
        if count.level == ReportedParticipantCount.Level.NATIONAL:
            national.append(row)
        else:
            # Ordered by period, so the latest stays; a pre-split count (Papua 2023) also stands
            # for the provinces formed from its territory, with its territory note.
            for code in count.territory():
                provinces[code] = row
            if province_code in count.territory():
                province_series.append(row)
    return {"national": national, "provinces": provinces, "province_series": province_series}


def employers_by_compliance(*, user: Actor, regency_code: str) -> list[dict]:
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


def employers_to_follow_up(*, user: Actor, regency_code: str, limit: int = 100) -> list[dict]:
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
    *, user, period: dt.date, province_code: str | None = None
) -> list[dict]:
    """Per partner agency, what its worker lists gave by the end of `period` (cumulative),
    busiest first, read from the month's PartnerAgencySnapshot rows (one query).

    Rows come from finished lists (each row has exactly one outcome, so submitted = invalid +
    duplicates in the list + valid, and valid = already covered + lapsed + new-lead rows).
    Leads are people (one per NIK and agency, however many lists name them); enrolled means
    marked enrolled before the month end, as the snapshots' non_asn_enrolled counts them.
    Agencies with no list and no lead have no row. `province_code` keeps the agencies whose
    jurisdiction lies in that province.
    """
    agencies = permissions.agency_results_visible_to(PartnerAgency.objects.all(), user)
    if province_code:
        agencies = agencies.filter(jurisdiction_province_id=province_code)
    found = (
        PartnerAgencySnapshot.objects.filter(period=period, agency__in=agencies.values("pk"))
        .order_by()
        .values(
            "agency_id",
            "agency__name",
            "agency__kind",
            "agency__jurisdiction_province__name",
            "agency__jurisdiction_regency__name",
            *PARTNER_COUNT_KEYS,
        )
    )
    kinds = dict(AgencyKind.choices)
    rows = []
    for snapshot in found:
        row = {
            "agency_id": snapshot["agency_id"],
            "name": snapshot["agency__name"],
            "kind": str(kinds.get(snapshot["agency__kind"], snapshot["agency__kind"])),
            "jurisdiction": snapshot["agency__jurisdiction_regency__name"]
            or snapshot["agency__jurisdiction_province__name"]
            or str(_NATIONAL_LABEL),
            **{key: snapshot[key] for key in PARTNER_COUNT_KEYS},
        }
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
        rows.append(row)
    return sorted(rows, key=lambda row: (-row["rows_submitted"], row["name"]))


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
