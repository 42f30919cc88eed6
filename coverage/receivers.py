"""Coverage reacts to what other apps report: a finished partner list changes the month's leads."""

from __future__ import annotations

from .tasks import coverage_recompute_later


def recompute_after_worker_list(sender, **kwargs) -> None:
    coverage_recompute_later()
