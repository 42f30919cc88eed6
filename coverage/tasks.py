"""Celery entry points of the coverage engine: thin wrappers over coverage.services."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(name="coverage.compute")
def coverage_compute_task(period: str | None = None) -> int:
    """Recompute one month ('YYYY-MM' or 'YYYY-MM-DD'; default: this month). Idempotent."""
    if period:
        day = dt.date.fromisoformat(period if len(period) > 7 else f"{period}-01")
    else:
        day = timezone.localdate()
    return services.coverage_compute(period=day)


# Old name, kept only because coverage.services.coverage_recompute_later still imports it (that
# module is being changed on another branch); remove once it imports coverage_compute_task.
coverage_compute = coverage_compute_task
