"""Writes for regions, offices, workforce figures and targets. Each function is one transaction."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction

from .models import (
    NATIONAL_CODE,
    BranchOffice,
    BranchRegency,
    CoverageTarget,
    District,
    Province,
    Regency,
    RegionalOffice,
    RegionLevel,
    WorkforceFigure,
)

NATIONAL_WORKFORCE_FILE = "workforce_national.csv"
ESTIMATE_SOURCE = (
    "Estimasi: penduduk bekerja nasional (BPS Sakernas {period}) x pangsa penduduk wilayah "
    "(Kepmendagri 2025, data cahyadsn/wilayah)"
)


class ImportRowError(ValueError):
    """Rejects a whole import: `errors` lists (row number, field, message) for every bad row."""

    def __init__(self, errors: list[tuple[int, str, str]]):
        self.errors = errors
        super().__init__(
            "; ".join(f"row {row}: {field}: {message}" for row, field, message in errors)
        )


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def _decimal_or_none(value: str) -> Decimal | None:
    return Decimal(value) if value else None


@transaction.atomic
def regions_load(*, data_dir: Path) -> dict[str, int]:
    """Upsert provinces, regencies and districts from the reference CSVs (idempotent)."""
    provinces = [
        Province(
            code=row["code"],
            name=row["name"],
            population=int(row["population"] or 0),
            area_km2=_decimal_or_none(row["area_km2"]),
        )
        for row in _read_csv(data_dir / "provinces.csv")
    ]
    regencies = [
        Regency(
            code=row["code"],
            province_id=row["province_code"],
            name=row["name"],
            kind=row["kind"],
            population=int(row["population"] or 0),
            area_km2=_decimal_or_none(row["area_km2"]),
        )
        for row in _read_csv(data_dir / "regencies.csv")
    ]
    districts = [
        District(code=row["code"], regency_id=row["regency_code"], name=row["name"])
        for row in _read_csv(data_dir / "districts.csv")
    ]
    Province.objects.bulk_create(
        provinces,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "population", "area_km2"],
    )
    Regency.objects.bulk_create(
        regencies,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["province", "name", "kind", "population", "area_km2"],
        batch_size=1000,
    )
    District.objects.bulk_create(
        districts,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["regency", "name"],
        batch_size=2000,
    )
    return {
        "provinces": len(provinces),
        "regencies": len(regencies),
        "districts": len(districts),
    }


@transaction.atomic
def offices_import(*, rows: Iterable[Mapping[str, str]]) -> dict[str, int]:
    """Import a Kanwil -> branch -> regency mapping.

    Columns: regional_office_code, regional_office_name, branch_code, branch_name, regency_code,
    is_primary (1/0, optional, default 1). Upserts offices; replaces each listed branch's regencies.
    """
    rows = list(rows)
    known_regencies = set(Regency.objects.values_list("code", flat=True))
    errors: list[tuple[int, str, str]] = []
    required = (
        "regional_office_code",
        "regional_office_name",
        "branch_code",
        "branch_name",
    )
    for number, row in enumerate(rows, start=1):
        for field in required:
            if not row.get(field):
                errors.append((number, field, "required"))
        if row.get("regency_code") not in known_regencies:
            errors.append((number, "regency_code", f"unknown regency {row.get('regency_code')!r}"))
    if errors:
        raise ImportRowError(errors)

    kanwil_by_code: dict[str, RegionalOffice] = {}
    branch_by_code: dict[str, BranchOffice] = {}
    for row in rows:
        code = row["regional_office_code"]
        if code not in kanwil_by_code:
            kanwil_by_code[code], _ = RegionalOffice.objects.update_or_create(
                code=code, defaults={"name": row["regional_office_name"]}
            )
        branch_code = row["branch_code"]
        if branch_code not in branch_by_code:
            branch_by_code[branch_code], _ = BranchOffice.objects.update_or_create(
                code=branch_code,
                defaults={
                    "name": row["branch_name"],
                    "regional_office": kanwil_by_code[code],
                },
            )
    BranchRegency.objects.filter(branch__in=branch_by_code.values()).delete()
    links = [
        BranchRegency(
            branch=branch_by_code[row["branch_code"]],
            regency_id=row["regency_code"],
            is_primary=row.get("is_primary", "1") not in ("0", "false", "False", "tidak"),
        )
        for row in rows
    ]
    BranchRegency.objects.bulk_create(links)
    for kanwil in kanwil_by_code.values():
        province_codes = {
            link.regency_id[:2] for link in links if link.branch.regional_office_id == kanwil.pk
        }
        kanwil.provinces.add(*province_codes)
    return {
        "regional_offices": len(kanwil_by_code),
        "branches": len(branch_by_code),
        "links": len(links),
    }


def _level_of(code: str) -> str | None:
    if code.upper() in (NATIONAL_CODE, "NASIONAL", "INDONESIA"):
        return RegionLevel.NATIONAL
    if re.fullmatch(r"\d{2}", code):
        return RegionLevel.PROVINCE
    if re.fullmatch(r"\d{2}\.\d{2}", code):
        return RegionLevel.REGENCY
    return None


def _parse_period(value: str) -> dt.date:
    """'2024-08' or '2024-08-01' -> 2024-08-01."""
    match = re.fullmatch(r"(\d{4})-(\d{1,2})(?:-\d{1,2})?", value)
    if not match:
        raise ValueError("expected YYYY-MM")
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


def _parse_count(value: str) -> int | None:
    cleaned = value.replace(".", "").replace(",", "").replace(" ", "")
    if not cleaned:
        return None
    if not cleaned.isdigit():
        raise ValueError("not a whole number")
    return int(cleaned)


@transaction.atomic
def workforce_import(*, rows: Iterable[Mapping[str, str]], default_source: str) -> int:
    """Import official BPS figures: region_code (ID, 36 or 36.73), period (YYYY-MM), employed,
    labour_force (optional), source (optional). Any bad row rejects the whole file."""
    known = {RegionLevel.PROVINCE: set(Province.objects.values_list("code", flat=True))}
    known[RegionLevel.REGENCY] = set(Regency.objects.values_list("code", flat=True))
    figures: list[WorkforceFigure] = []
    errors: list[tuple[int, str, str]] = []
    for number, row in enumerate(rows, start=1):
        code = row.get("region_code", "")
        level = _level_of(code)
        if level is None or (level != RegionLevel.NATIONAL and code not in known[level]):
            errors.append((number, "region_code", f"unknown region {code!r}"))
            continue
        try:
            period = _parse_period(row.get("period", ""))
        except ValueError as error:
            errors.append((number, "period", str(error)))
            continue
        try:
            employed = _parse_count(row.get("employed", ""))
            labour_force = _parse_count(row.get("labour_force", ""))
        except ValueError as error:
            errors.append((number, "employed", str(error)))
            continue
        if employed is None:
            errors.append((number, "employed", "required"))
            continue
        figures.append(
            WorkforceFigure(
                level=level,
                region_code=NATIONAL_CODE if level == RegionLevel.NATIONAL else code,
                period=period,
                employed=employed,
                labour_force=labour_force,
                kind=WorkforceFigure.Kind.OFFICIAL,
                source=row.get("source") or default_source,
            )
        )
    if errors:
        raise ImportRowError(errors)
    WorkforceFigure.objects.bulk_create(
        figures,
        update_conflicts=True,
        unique_fields=["level", "region_code", "period", "kind"],
        update_fields=["employed", "labour_force", "source", "updated_at"],
    )
    return len(figures)


@transaction.atomic
def workforce_estimate(*, data_dir: Path) -> int:
    """Record the national BPS figure and derive estimates for every province and regency.

    Estimate = national employed x the region's share of national population (SOURCES.md allows
    this until official regional Sakernas figures are imported; it is labelled "estimate").
    """
    national = _read_csv(data_dir / NATIONAL_WORKFORCE_FILE)[-1]
    period = _parse_period(national["period"])
    employed = int(national["employed"])
    labour_force = int(national["labour_force"])
    provinces = list(Province.objects.values_list("code", "population"))
    regencies = list(Regency.objects.values_list("code", "population"))
    national_population = sum(population for _, population in provinces)
    source = ESTIMATE_SOURCE.format(period=national["period"])

    def estimate(level: str, code: str, population: int) -> WorkforceFigure:
        share = population / national_population
        return WorkforceFigure(
            level=level,
            region_code=code,
            period=period,
            employed=round(employed * share),
            labour_force=round(labour_force * share),
            kind=WorkforceFigure.Kind.ESTIMATE,
            source=source,
        )

    figures = [
        WorkforceFigure(
            level=RegionLevel.NATIONAL,
            region_code=NATIONAL_CODE,
            period=period,
            employed=employed,
            labour_force=labour_force,
            kind=WorkforceFigure.Kind.OFFICIAL,
            source=national["source"],
        )
    ]
    figures += [estimate(RegionLevel.PROVINCE, code, pop) for code, pop in provinces]
    figures += [estimate(RegionLevel.REGENCY, code, pop) for code, pop in regencies]
    WorkforceFigure.objects.bulk_create(
        figures,
        update_conflicts=True,
        unique_fields=["level", "region_code", "period", "kind"],
        update_fields=["employed", "labour_force", "source", "updated_at"],
        batch_size=1000,
    )
    return len(figures)


@transaction.atomic
def coverage_target_set(
    *, level: str, region_code: str, year: int, target_pct: Decimal
) -> CoverageTarget:
    try:
        target_pct = Decimal(target_pct)
    except InvalidOperation:
        raise ValueError("target_pct must be a number") from None
    target, _ = CoverageTarget.objects.update_or_create(
        level=level,
        region_code=region_code,
        year=year,
        defaults={"target_pct": target_pct},
    )
    return target
