"""A server-rendered SVG line chart of a trend: no chart library needed, prints as it shows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from .models import CoverageSnapshot

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 56, 30, 12, 28


def trend_chart(trend: list[CoverageSnapshot], *, target_pct: Decimal | None) -> dict | None:
    """Coverage % over periods when every point has a denominator, else active participants."""
    if not trend:
        return None
    use_pct = all(row.coverage_pct is not None for row in trend)
    values = [float(row.coverage_pct if use_pct else row.active_total) for row in trend]
    target = float(target_pct) if use_pct and target_pct is not None else None
    top = max([*values, target or 0.0]) or 1.0
    top *= 1.1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(values) - 1, 1)

    def y_of(value: float) -> float:
        return round(TOP + plot_h * (1 - value / top), 1)

    points = [
        {
            "x": round(LEFT + index * step, 1),
            "y": y_of(value),
            "value": value,
            "label": row.period.strftime("%m/%Y"),
            "estimate": row.workforce_kind == "estimate",
        }
        for index, (row, value) in enumerate(zip(trend, values, strict=True))
    ]
    ticks = [{"y": y_of(top * share / 1.1), "value": top * share / 1.1} for share in (0, 0.5, 1)]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "bottom": HEIGHT - BOTTOM,
        "label_y": HEIGHT - 8,
        "is_pct": use_pct,
        "polyline": " ".join(f"{p['x']},{p['y']}" for p in points),
        "points": points,
        "ticks": ticks,
        "target_y": y_of(target) if target is not None else None,
        "target": target,
    }


def _month_index(day) -> int:
    return day.year * 12 + day.month - 1


def picture_chart(
    *,
    register: list[CoverageSnapshot],
    official: list,
    targets: list,
    band: tuple[int, int] | None,
) -> dict | None:
    """Coverage % on a time axis: the official series (published counts, from 2018) and the
    register's monthly snapshots as two separate lines, the target path and the 60-80% band.

    `points` are the register's, as in trend_chart; official points are `official_points`.
    """
    register = [row for row in register if row.coverage_pct is not None]
    official = [row for row in official if row.coverage_pct is not None]
    if not register and not official:
        return None
    days = [row.period for row in register] + [row.period for row in official]
    first_year = min(days).year
    last_year = max([*(d.year for d in days), *(t.year for t in targets)])
    start, end = _month_index(dt.date(first_year, 1, 1)), _month_index(dt.date(last_year, 12, 1))
    values = [float(r.coverage_pct) for r in register] + [float(r.coverage_pct) for r in official]
    values += [float(t.target_pct) for t in targets]
    if band:
        values.append(band[1])
    top = max(values) * 1.1 or 1.0
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x_of(day) -> float:
        return round(LEFT + plot_w * (_month_index(day) - start) / max(end - start, 1), 1)

    def y_of(value: float) -> float:
        return round(TOP + plot_h * (1 - value / top), 1)

    def series(rows, estimate_of=lambda row: False):
        return [
            {
                "x": x_of(row.period),
                "y": y_of(float(row.coverage_pct)),
                "value": float(row.coverage_pct),
                "label": row.period.strftime("%m/%Y"),
                "estimate": estimate_of(row),
            }
            for row in rows
        ]

    points = series(register, lambda row: row.workforce_kind == "estimate")
    official_points = series(official)
    target_points = [
        {
            "x": x_of(dt.date(t.year, 12, 1)),
            "y": y_of(float(t.target_pct)),
            "value": float(t.target_pct),
            "label": str(t.year),
        }
        for t in targets
    ]
    step = 10 if top <= 60 else 20 if top <= 130 else 50
    ticks = [{"y": y_of(v), "value": v} for v in range(0, int(top) + 1, step)]
    years = [
        {"x": x_of(dt.date(year, 1, 1)), "label": str(year)}
        for year in range(first_year, last_year + 1)
        if (year - first_year) % (2 if last_year - first_year > 8 else 1) == 0
    ]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "bottom": HEIGHT - BOTTOM,
        "label_y": HEIGHT - 8,
        "is_pct": True,
        "is_picture": True,
        "plot_width": plot_w,
        "points": points,
        "polyline": " ".join(f"{p['x']},{p['y']}" for p in points),
        "official_points": official_points,
        "official_polyline": " ".join(f"{p['x']},{p['y']}" for p in official_points),
        "target_points": target_points,
        "target_polyline": " ".join(f"{p['x']},{p['y']}" for p in target_points),
        "band": {
            "y": y_of(band[1]),
            "height": round(y_of(band[0]) - y_of(band[1]), 1),
            "from": band[0],
            "to": band[1],
        }
        if band
        else None,
        "ticks": ticks,
        "years": years,
        "target_y": None,
        "target": None,
    }
