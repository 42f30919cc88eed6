"""Celery entry points of the coverage engine: thin wrappers over coverage.services."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from core.periods import parse_period

from . import services


@shared_task(name="coverage.compute")
def coverage_compute_task(period: str | None = None) -> int:
    """Recompute one month ('YYYY-MM' or 'YYYY-MM-DD', even a closed one: an explicit request).

    Without a period (the nightly job): this month, after closing last month once (its final
    count with the statuses it ended with, then frozen). Idempotent.
    """
    if period:
        return services.coverage_compute(period=parse_period(period), force=True)
    today = timezone.localdate()
    services.coverage_period_close(period=services.period_start(today) - dt.timedelta(days=1))
    return services.coverage_compute(period=today)


def coverage_recompute_later(*, period: dt.date | None = None) -> None:
    """Enqueue a recompute once the caller's transaction commits (e.g. a partner list finished).

    On commit, so the worker sees the rows that triggered it and a rolled-back import
    triggers nothing.
    """
    # Always a named month: only the nightly run (no period) closes last month.
    argument = services.period_start(period or timezone.localdate()).isoformat()
    # Robust: a broker outage at this point logs and skips the recompute (the nightly run
    # catches up) instead of raising into the caller after its COMMIT.
    transaction.on_commit(lambda: coverage_compute_task.delay(argument), robust=True)
