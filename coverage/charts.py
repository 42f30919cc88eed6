"""A server-rendered SVG line chart of a trend: no chart library needed, prints as it shows."""

from __future__ import annotations

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
