"""Writes for participant data that is not the register: official reported participant counts."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction

from core.periods import parse_period
from regions.models import NATIONAL_CODE, Province
from regions.services import ImportRowError, parse_count

from .models import ReportedParticipantCount

REPORTED_NATIONAL_FILE = "bpjstk_active_participants_national.csv"
REPORTED_PROVINCE_FILE = "bpjstk_active_participants_province_2023-12.csv"
REPORTED_PROVINCE_SOURCE = (
    "Kemnaker Satu Data, Peserta Aktif BPJS Ketenagakerjaan menurut Jenis Kepesertaan 2023 "
    "(kumpulan-data/1726), salinan github alifinaaulia/tetris4_capstone_project "
    "data_peserta_bpjstk.csv @2319b29"
)
# SOURCES.md: "2025-12 (48.64 M) is disputed in the press, say so if shown".
REPORTED_CAVEATS = {
    ("ID", "2025-12"): "Angka Desember 2025 dipersoalkan di media (lonjakan 2025 diragukan).",
}
_SEGMENTS = ("active_pu", "active_bpu", "active_jakon")


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


@transaction.atomic
def reported_participants_import(*, rows: Iterable[Mapping[str, str]], default_source: str) -> int:
    """Upsert published active-participant counts.

    Columns: region_code (ID or a province code), period (YYYY-MM), active_total, and optional
    active_pu, active_bpu, active_jakon, source, territory_codes (present-day province codes the
    figure covers, comma-separated, when it uses an older layout), territory_note, as_published,
    caveat. Any bad row rejects the whole file; re-importing a region and period replaces it.
    """
    provinces = set(Province.objects.values_list("code", flat=True))
    counts: list[ReportedParticipantCount] = []
    errors: list[tuple[int, str, str]] = []
    for number, row in enumerate(rows, start=1):
        row_errors: list[tuple[int, str, str]] = []
        code = (row.get("region_code") or "").strip()
        level = ReportedParticipantCount.Level.PROVINCE
        if code.upper() in (NATIONAL_CODE, "NASIONAL", "INDONESIA"):
            level, code = ReportedParticipantCount.Level.NATIONAL, NATIONAL_CODE
        elif code not in provinces:
            row_errors.append((number, "region_code", f"unknown region {code!r}"))
        try:
            period = parse_period(row.get("period", ""))
        except ValueError as error:
            row_errors.append((number, "period", str(error)))
        values: dict[str, int | None] = {}
        for field in ("active_total", *_SEGMENTS):
            try:
                values[field] = parse_count(row.get(field) or "")
            except ValueError as error:
                row_errors.append((number, field, str(error)))
        if "active_total" in values and values["active_total"] is None:
            row_errors.append((number, "active_total", "required"))
        territory = [c.strip() for c in (row.get("territory_codes") or "").split(",") if c.strip()]
        unknown = [c for c in territory if c not in provinces]
        if unknown:
            row_errors.append((number, "territory_codes", f"unknown province {unknown[0]!r}"))
        source = row.get("source") or default_source
        if not source:
            row_errors.append((number, "source", "required"))
        if row_errors:
            errors += row_errors
            continue
        counts.append(
            ReportedParticipantCount(
                level=level,
                region_code=code,
                period=period,
                **values,
                territory_codes=",".join(territory),
                territory_note=row.get("territory_note") or "",
                as_published=row.get("as_published") or "",
                caveat=row.get("caveat") or "",
                source=source,
            )
        )
    if errors:
        raise ImportRowError(errors)
    ReportedParticipantCount.objects.bulk_create(
        counts,
        update_conflicts=True,
        unique_fields=["level", "region_code", "period"],
        update_fields=[
            "active_total",
            *_SEGMENTS,
            "territory_codes",
            "territory_note",
            "as_published",
            "caveat",
            "source",
            "imported_at",
        ],
    )
    return len(counts)


def _millions(value: str) -> str:
    if not value:
        return ""
    try:
        return str(round(Decimal(value) * 1_000_000))
    except InvalidOperation:
        return value  # left for the import to report with its row number


def _national_rows(path: Path) -> list[dict[str, str]]:
    """The national file gives millions as published and abbreviates repeated sources."""
    rows, full_source = [], ""
    for row in _read_csv(path):
        source = row["source"]
        if source.lower().startswith("same"):
            source = f"{full_source}; {source}"
        else:
            full_source = source
        rows.append(
            {
                "region_code": NATIONAL_CODE,
                "period": row["period"],
                "active_total": _millions(row["active_total_millions"]),
                "active_pu": _millions(row["wage_earners_pu_millions"]),
                "active_bpu": _millions(row["non_wage_earners_bpu_millions"]),
                "active_jakon": _millions(row["construction_jakon_millions"]),
                "as_published": row["as_published"],
                "caveat": REPORTED_CAVEATS.get((NATIONAL_CODE, row["period"]), ""),
                "source": source,
            }
        )
    return rows


def _province_rows(path: Path) -> list[dict[str, str]]:
    rows = []
    for row in _read_csv(path):
        code = row["kemendagri_province_code"]
        # "includes present-day Papua Selatan (93), ..." -> the territory the count covers.
        included = re.findall(r"\((\d{2})\)", row["territory_note"])
        rows.append(
            {
                "region_code": code,
                "period": row["period"],
                "active_total": row["active_total"],
                "active_pu": row["active_wage_earners_pu"],
                "active_bpu": row["active_non_wage_earners_bpu"],
                "active_jakon": row["active_construction_jakon"],
                "territory_codes": ",".join([code, *included]) if included else "",
                "territory_note": row["territory_note"],
                "source": REPORTED_PROVINCE_SOURCE,
            }
        )
    return rows


def reported_participants_load(*, data_dir: Path) -> dict[str, int]:
    """Load the shipped official counts (national 2018-2025, provinces December 2023)."""
    national = reported_participants_import(
        rows=_national_rows(data_dir / REPORTED_NATIONAL_FILE), default_source=""
    )
    province = reported_participants_import(
        rows=_province_rows(data_dir / REPORTED_PROVINCE_FILE), default_source=""
    )
    return {"national": national, "province": province}
