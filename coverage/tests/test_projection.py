"""The path to a target on hand-made series: steady growth, flat, decline, target already met."""

import datetime as dt
from decimal import Decimal

from coverage.projection import PathStatus, Point, add_months, path_project

TODAY = dt.date(2026, 11, 15)


def monthly(start: dt.date, values: list[int]) -> list[Point]:
    return [Point(add_months(start, index), value) for index, value in enumerate(values)]


def project(points, *, workforce=1000, target_pct=Decimal("50"), target_year=2026):
    return path_project(
        points=points,
        workforce=workforce,
        target_pct=target_pct,
        target_year=target_year,
        today=TODAY,
    )


def test_steady_growth_projects_the_month_the_gap_closes():
    # 10 more participants a month; 300 now, 500 needed: 20 months after November 2026.
    points = monthly(dt.date(2025, 11, 1), [180 + 10 * i for i in range(13)])
    path = project(points)
    assert (path.gap, path.pace_per_month) == (200, 10)
    assert path.projected_on == dt.date(2028, 7, 1)
    assert path.status == PathStatus.BEHIND


def test_pace_is_measured_over_the_last_twelve_months_only():
    # A burst two years ago does not count; the last 12 months grew by 24.
    points = monthly(dt.date(2024, 11, 1), [0, *[400] * 12, *[402 + 2 * i for i in range(12)]])
    path = project(points)
    assert path.pace_from == dt.date(2025, 11, 1)
    assert path.pace_per_month == 2


def test_growth_fast_enough_is_on_track():
    points = [Point(dt.date(2026, 10, 1), 300), Point(dt.date(2026, 11, 1), 450)]
    path = project(points)
    assert path.projected_on == dt.date(2026, 12, 1)
    assert path.status == PathStatus.ON_TRACK


def test_needed_pace_spreads_the_gap_over_the_months_left_in_the_target_year():
    path = project([Point(dt.date(2026, 1, 1), 100), Point(dt.date(2026, 11, 1), 200)])
    assert (path.gap, path.months_left, path.needed_per_month) == (300, 1, 300)
    later = project(
        [Point(dt.date(2026, 1, 1), 100), Point(dt.date(2026, 11, 1), 200)], target_year=2027
    )
    assert (later.months_left, later.needed_per_month) == (13, 24)


def test_flat_series_is_not_at_this_pace():
    path = project(monthly(dt.date(2026, 1, 1), [300] * 11))
    assert path.pace_per_month == 0
    assert path.projected_on is None
    assert path.status == PathStatus.NOT_AT_THIS_PACE


def test_declining_series_is_not_at_this_pace():
    path = project(monthly(dt.date(2026, 1, 1), [400 - 10 * i for i in range(11)]))
    assert path.pace_per_month == -10
    assert path.status == PathStatus.NOT_AT_THIS_PACE


def test_target_already_met_has_no_gap_and_needs_no_date():
    path = project(monthly(dt.date(2026, 9, 1), [480, 500, 520]))
    assert (path.gap, path.needed_per_month, path.projected_on) == (0, 0, None)
    assert path.status == PathStatus.MET


def test_yearly_official_points_give_a_monthly_pace():
    # Published counts: December 2024 45.2 M, December 2025 48.64 M.
    points = [Point(dt.date(2024, 12, 1), 45_200_000), Point(dt.date(2025, 12, 1), 48_640_000)]
    path = project(points, workforce=146_542_264, target_pct=Decimal("60"))
    assert path.pace_per_month == 286_667
    assert path.gap == 87_925_358 - 48_640_000  # 60% of 146,542,264 = 87,925,358.4
    # 39,285,358 / 286,667 = 137.04 -> 138 months after December 2025.
    assert path.projected_on == dt.date(2037, 6, 1)


def test_a_single_point_has_no_pace():
    path = project([Point(dt.date(2023, 12, 1), 100)])
    assert (path.gap, path.pace_per_month, path.status) == (400, None, PathStatus.NO_PACE)


def test_without_target_or_workforce_there_is_no_gap():
    points = monthly(dt.date(2026, 9, 1), [1, 2, 3])
    assert project(points, target_pct=None).status == PathStatus.NO_TARGET
    assert project(points, workforce=None).gap is None


def test_a_pace_that_needs_more_than_a_century_is_not_at_this_pace():
    points = [Point(dt.date(2026, 10, 1), 0), Point(dt.date(2026, 11, 1), 1)]
    path = project(points, workforce=10_000_000)
    assert (path.pace_per_month, path.projected_on) == (1, None)
    assert path.status == PathStatus.NOT_AT_THIS_PACE
