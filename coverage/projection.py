"""The path to a coverage target: gap, pace needed, pace seen, and when the target is reached.

The method is deliberately simple, and the pages say it in these words:
- Target workers = target % x the latest workforce figure (the workforce is held constant).
- Gap = target workers - active participants at the latest point of the series (never below 0).
- Pace needed = gap / months from this month (or the latest point, if later) to December of the
  target year (at least one month).
- Pace seen = change in active participants between the latest point and the earliest point in
  the 12 months before it, per month (register: monthly snapshots; official: published counts).
- Projected date = latest point + gap / pace seen (months, rounded up); none when the pace is
  zero or negative, or further than a century ("not at this pace"), none needed when the gap is
  already closed.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

WINDOW_MONTHS = 12
# Beyond a century a projected date means nothing to the board: "not at this pace".
HORIZON_MONTHS = 1200


class PathStatus:
    MET = "met"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    NOT_AT_THIS_PACE = "not_at_this_pace"
    NO_PACE = "no_pace"  # a single point: no pace can be measured
    NO_TARGET = "no_target"  # no target or no workforce figure


@dataclass(frozen=True)
class Point:
    period: dt.date  # first day of the month
    active: int


@dataclass(frozen=True)
class TargetPath:
    status: str
    active: int | None = None
    as_of: dt.date | None = None
    target_pct: Decimal | None = None
    target_year: int | None = None
    workforce: int | None = None
    target_workers: int | None = None
    gap: int | None = None
    months_left: int | None = None
    needed_per_month: int | None = None
    pace_per_month: int | None = None
    pace_from: dt.date | None = None
    projected_on: dt.date | None = None


def target_workers_of(target_pct: Decimal, workforce: int) -> int:
    """Rounded as the snapshots' SQL rounds (ROUND, half away from zero), so both agree."""
    return int((Decimal(target_pct) * workforce / 100).quantize(Decimal(1), ROUND_HALF_UP))


def months_between(start: dt.date, end: dt.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def path_project(
    *,
    points: list[Point],
    workforce: int | None,
    target_pct: Decimal | None,
    target_year: int | None,
    today: dt.date,
) -> TargetPath:
    """Where a series stands against a target, and when it gets there at its recent pace."""
    ordered = sorted(points, key=lambda point: point.period)
    if not ordered:
        return TargetPath(status=PathStatus.NO_PACE)
    last = ordered[-1]
    base = next(
        (p for p in ordered if months_between(p.period, last.period) <= WINDOW_MONTHS), last
    )
    span = months_between(base.period, last.period)
    pace = round((last.active - base.active) / span) if span else None
    common = {
        "active": last.active,
        "as_of": last.period,
        "pace_per_month": pace,
        "pace_from": base.period if span else None,
    }
    if target_pct is None or target_year is None or not workforce:
        return TargetPath(status=PathStatus.NO_TARGET, **common)
    target_workers = target_workers_of(target_pct, workforce)
    gap = max(target_workers - last.active, 0)
    deadline = dt.date(target_year, 12, 1)
    start = max(last.period, today.replace(day=1))
    months_left = max(months_between(start, deadline), 1)
    common |= {
        "target_pct": Decimal(target_pct),
        "target_year": target_year,
        "workforce": workforce,
        "target_workers": target_workers,
        "gap": gap,
        "months_left": months_left,
        "needed_per_month": math.ceil(gap / months_left),
    }
    if gap == 0:
        return TargetPath(status=PathStatus.MET, **common)
    if pace is None:
        return TargetPath(status=PathStatus.NO_PACE, **common)
    if pace <= 0 or gap / pace > HORIZON_MONTHS:
        return TargetPath(status=PathStatus.NOT_AT_THIS_PACE, **common)
    projected = add_months(last.period, math.ceil(gap / pace))
    status = PathStatus.ON_TRACK if projected <= deadline else PathStatus.BEHIND
    return TargetPath(status=status, projected_on=projected, **common)
