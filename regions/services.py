"""Writes for regions, offices, workforce figures and targets. Each function is one transaction."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction

from core.periods import parse_period

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
    WorkforceFlag,
)

NATIONAL_WORKFORCE_FILE = "workforce_national.csv"
SAKERNAS_PROVINCE_FILE = "workforce_province_sakernas_aug_2018_2025.csv"
SAKERNAS_REGENCY_FILE = "workforce_regency_sakernas_aug_2018_2025.csv"
REGENCY_CROSSWALK_FILE = "crosswalk_bps_kemendagri_regency.csv"
SAKERNAS_SOURCE = (
    "BPS Sakernas Agustus {year} (dipublikasikan ulang Kemnaker, "
    "github baniadamtampubolon/dashboard-tenaga-kerja)"
)
# Provinces formed in 2022: their 2018-2022 Sakernas rows are back-cast by the source.
NEW_PAPUA_PROVINCES = frozenset({"93", "94", "95", "96"})
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


def parse_count(value: str) -> int | None:
    cleaned = value.replace(".", "").replace(",", "").replace(" ", "")
    if not cleaned:
        return None
    if not cleaned.isdigit():
        raise ValueError("not a whole number")
    return int(cleaned)


@transaction.atomic
def workforce_import(*, rows: Iterable[Mapping[str, str]], default_source: str) -> int:
    """Import official BPS figures: region_code (ID, 36 or 36.73), period (YYYY-MM), employed,
    labour_force, formal_employed and source (optional). Any bad row rejects the whole file."""
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
            period = parse_period(row.get("period", ""))
        except ValueError as error:
            errors.append((number, "period", str(error)))
            continue
        try:
            employed = parse_count(row.get("employed", ""))
            labour_force = parse_count(row.get("labour_force", ""))
        except ValueError as error:
            errors.append((number, "employed", str(error)))
            continue
        try:
            formal_employed = parse_count(row.get("formal_employed", ""))
        except ValueError as error:
            errors.append((number, "formal_employed", str(error)))
            continue
        if employed is None:
            errors.append((number, "employed", "required"))
            continue
        if formal_employed is not None and formal_employed > employed:
            errors.append((number, "formal_employed", "more than employed"))
            continue
        figures.append(
            WorkforceFigure(
                level=level,
                region_code=NATIONAL_CODE if level == RegionLevel.NATIONAL else code,
                period=period,
                employed=employed,
                labour_force=labour_force,
                formal_employed=formal_employed,
                kind=WorkforceFigure.Kind.OFFICIAL,
                source=row.get("source") or default_source,
            )
        )
    if errors:
        raise ImportRowError(errors)
    _upsert_figures(figures)
    return len(figures)


def _sakernas_flags(row: Mapping[str, str], *, province_code: str, year: int) -> str:
    flags = []
    if row.get("status_sta1_sta3_swapped_in_source") == "1":
        flags.append(WorkforceFlag.STATUS_SWAPPED)
    if row.get("ak_file_row_misaligned") == "1":
        flags.append(WorkforceFlag.ROW_MISALIGNED)
    if row.get("working_age_population_suspect") == "1":
        flags.append(WorkforceFlag.WORKING_AGE_SUSPECT)
    if province_code in NEW_PAPUA_PROVINCES and year <= 2022:
        flags.append(WorkforceFlag.BACKCAST)
    return ",".join(flags)


def _sakernas_figure(row: Mapping[str, str], *, level: str, code: str) -> WorkforceFigure:
    period = parse_period(row["period"])
    return WorkforceFigure(
        level=level,
        region_code=code,
        period=period,
        labour_force=int(row["labour_force"]),
        employed=int(row["employed"]),
        formal_employed=int(row["formal_employed"]),
        kind=WorkforceFigure.Kind.OFFICIAL,
        source=SAKERNAS_SOURCE.format(year=period.year),
        flags=_sakernas_flags(row, province_code=code[:2], year=period.year),
    )


def _upsert_figures(figures: list[WorkforceFigure]) -> None:
    WorkforceFigure.objects.bulk_create(
        figures,
        update_conflicts=True,
        unique_fields=["level", "region_code", "period", "kind"],
        update_fields=[
            "employed",
            "labour_force",
            "formal_employed",
            "source",
            "flags",
            "updated_at",
        ],
        batch_size=1000,
    )


@transaction.atomic
def workforce_sakernas_load(*, data_dir: Path) -> dict[str, int]:
    """Load official BPS Sakernas August figures for the nation, provinces and regencies.

    Regency rows carry BPS codes, which differ from Kemendagri's (BPS 1101 Simeulue = 11.09):
    they are matched through the crosswalk, and a row whose crosswalk code disagrees with the
    file's own Kemendagri code, or names no known regency, rejects the whole load. Idempotent.
    """
    crosswalk = {
        row["bps_code"]: row["kemendagri_code"]
        for row in _read_csv(data_dir / REGENCY_CROSSWALK_FILE)
    }
    provinces = set(Province.objects.values_list("code", flat=True))
    regencies = set(Regency.objects.values_list("code", flat=True))
    figures: list[WorkforceFigure] = []
    errors: list[tuple[int, str, str]] = []
    for number, row in enumerate(_read_csv(data_dir / SAKERNAS_PROVINCE_FILE), start=1):
        if row["level"] == "national":
            figures.append(_sakernas_figure(row, level=RegionLevel.NATIONAL, code=NATIONAL_CODE))
        elif row["kemendagri_code"] in provinces:
            figures.append(
                _sakernas_figure(row, level=RegionLevel.PROVINCE, code=row["kemendagri_code"])
            )
        else:
            unknown = row["kemendagri_code"]
            errors.append((number, "kemendagri_code", f"unknown province {unknown!r}"))
    counts = {"national": 0, "province": 0, "regency": 0}
    for number, row in enumerate(_read_csv(data_dir / SAKERNAS_REGENCY_FILE), start=1):
        code = crosswalk.get(row["bps_code"])
        if code is None or code not in regencies:
            errors.append((number, "bps_code", f"no Kemendagri regency for {row['bps_code']!r}"))
        elif row.get("kemendagri_code") and row["kemendagri_code"] != code:
            errors.append((number, "kemendagri_code", f"crosswalk says {code!r}"))
        else:
            figures.append(_sakernas_figure(row, level=RegionLevel.REGENCY, code=code))
    if errors:
        raise ImportRowError(errors)
    _upsert_figures(figures)
    for figure in figures:
        counts[figure.level] += 1
    return counts


@transaction.atomic
def workforce_estimate(*, data_dir: Path) -> int:
    """Population-share estimates, only for regions that have no official figure at all.

    Estimate = national employed x the region's share of national population (SOURCES.md allows
    this as a fallback; it is labelled "estimate" wherever shown). The national figure is the
    latest official one loaded, else workforce_national.csv (recorded as official).
    """
    official = WorkforceFigure.objects.filter(kind=WorkforceFigure.Kind.OFFICIAL)
    latest = official.filter(level=RegionLevel.NATIONAL).order_by("-period").first()
    if latest is not None:
        national = {
            "period": f"{latest.period:%Y-%m}",
            "employed": str(latest.employed),
            "labour_force": str(latest.labour_force or 0),
            "source": latest.source,
        }
    else:
        national = _read_csv(data_dir / NATIONAL_WORKFORCE_FILE)[-1]
    period = parse_period(national["period"])
    employed = int(national["employed"])
    labour_force = int(national["labour_force"])
    covered = set(official.values_list("region_code", flat=True))
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

    figures = []
    if latest is None:
        figures.append(
            WorkforceFigure(
                level=RegionLevel.NATIONAL,
                region_code=NATIONAL_CODE,
                period=period,
                employed=employed,
                labour_force=labour_force,
                kind=WorkforceFigure.Kind.OFFICIAL,
                source=national["source"],
            )
        )
    figures += [
        estimate(RegionLevel.PROVINCE, code, pop) for code, pop in provinces if code not in covered
    ]
    figures += [
        estimate(RegionLevel.REGENCY, code, pop) for code, pop in regencies if code not in covered
    ]
    # An estimate made before the official figures arrived is no longer a fallback: drop it.
    WorkforceFigure.objects.filter(
        kind=WorkforceFigure.Kind.ESTIMATE, region_code__in=covered
    ).delete()
    _upsert_figures(figures)
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
