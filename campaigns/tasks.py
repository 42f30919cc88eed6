"""Celery tasks of field work (thin: the services do the work)."""

from celery import shared_task

from . import services


@shared_task(name="campaigns.sanction_lapse_overdue")
def sanction_lapse_overdue() -> int:
    """Nightly: warnings past their deadline lapse (idempotent: a lapsed step is not pending)."""
    return len(services.sanction_lapse_overdue())
