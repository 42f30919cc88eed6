"""What a coverage page shows about the target: the official and the register picture, side by side.

Two series, never mixed in one number: *official* = published active-participant counts
(counted where the employer is registered) against BPS Sakernas employed; *register* = this
system's participants (counted where they work) in monthly snapshots. Each gets its own path to
the target (coverage.projection), and the board's list of lagging provinces keeps the two in
separate, labelled columns.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal

from .models import CoverageSnapshot
from .projection import PathStatus, Point, TargetPath, path_project, target_workers_of
from .selectors import ReportedCoverage

# The source article's benchmark: Singapore and Malaysia cover 60-80% of their workers.
BENCHMARK_BAND = (60, 80)

# Map classes: upper bounds in percent with their colour; the breaks follow the story the board
# reads (about 30% nationally, the 60-80% band), and above 100% is a separate, flagged class.
MAP_CLASSES = [
    (10, "#f7fcf5"),
    (20, "#d9f0d3"),
    (30, "#a6dba0"),
    (45, "#5aae61"),
    (60, "#1b7837"),
    (80, "#00441b"),
    (100, "#08306b"),
]
OVER_100_COLOUR = "#b2182b"
NO_DATA_COLOUR = "#d9d9d9"


def map_legend() -> list[dict]:
    legend, lower = [], 0
    for upper, colour in MAP_CLASSES:
        legend.append({"from": lower, "to": upper, "colour": colour})
        lower = upper
    return legend


def _register_points(trend: list[CoverageSnapshot], period: dt.date) -> list[Point]:
    return [Point(row.period, row.active_total) for row in trend if row.period <= period]


def register_path(trend: list[CoverageSnapshot], current: CoverageSnapshot) -> TargetPath:
    return path_project(
        points=_register_points(trend, current.period),
        workforce=current.workforce_employed,
        target_pct=current.target_pct,
        target_year=current.period.year,
        today=current.period,
    )


def official_path(series: list[ReportedCoverage], current: CoverageSnapshot) -> TargetPath:
    """Published counts against this year's target; the workforce is the one the latest count
    is compared with (same territory, latest August at or before it)."""
    shown = [row for row in series if row.period <= current.period]
    points = [Point(row.period, row.active_total) for row in shown]
    return path_project(
        points=points,
        workforce=shown[-1].employed if shown else None,
        target_pct=current.target_pct,
        target_year=current.period.year,
        today=current.period,
    )


@dataclass(frozen=True)
class LaggingProvince:
    code: str
    name: str
    url: str
    target_pct: Decimal | None
    official: ReportedCoverage | None
    official_gap_points: Decimal | None  # target - official coverage, percentage points
    official_gap_workers: int | None  # at the published count's date and territory
    register_pct: Decimal | None
    register: TargetPath


def _official_gap(row: ReportedCoverage | None, target_pct: Decimal | None):
    if row is None or row.coverage_pct is None or target_pct is None:
        return None, None
    points = max(target_pct - row.coverage_pct, Decimal(0))
    workers = max(target_workers_of(target_pct, row.employed) - row.active_total, 0)
    return points, workers


def lagging_provinces(
    *,
    window: dict[dt.date, list[CoverageSnapshot]],
    period: dt.date,
    reported: dict[str, ReportedCoverage],
    link,
) -> list[LaggingProvince]:
    """Every province with its official gap and its register pace, for the board's ranking."""
    series: dict[str, list[CoverageSnapshot]] = {}
    for rows in window.values():
        for row in rows:
            series.setdefault(row.code, []).append(row)
    result = []
    for current in window.get(period, []):
        official = reported.get(current.code)
        # A count covering several of today's provinces is ranked once, under its own code.
        ranked = official if official and official.region_code == current.code else None
        points, workers = _official_gap(ranked, current.target_pct)
        result.append(
            LaggingProvince(
                code=current.code,
                name=current.name,
                url=link(current.code),
                target_pct=current.target_pct,
                official=official,
                official_gap_points=points,
                official_gap_workers=workers,
                register_pct=current.coverage_pct,
                register=register_path(series[current.code], current),
            )
        )
    return result


def worst_by_gap(provinces: list[LaggingProvince], count: int = 5) -> list[LaggingProvince]:
    """Largest official gap to the target in percentage points (over-100% rows never lag)."""
    known = [p for p in provinces if p.official_gap_points is not None]
    return sorted(known, key=lambda p: (-p.official_gap_points, p.code))[:count]


def _pace_shortfall(province: LaggingProvince) -> float:
    # Share of the needed monthly pace the register achieves; 0 when it does not grow at all.
    path = province.register
    if path.status in (PathStatus.MET, PathStatus.NO_TARGET) or not path.needed_per_month:
        return math.inf
    return max(path.pace_per_month or 0, 0) / path.needed_per_month


def worst_by_pace(provinces: list[LaggingProvince], count: int = 5) -> list[LaggingProvince]:
    """Register pace furthest below the pace the target needs (ties: larger gap first)."""
    ranked = [p for p in provinces if _pace_shortfall(p) != math.inf]
    return sorted(ranked, key=lambda p: (_pace_shortfall(p), -(p.register.gap or 0), p.code))[
        :count
    ]
