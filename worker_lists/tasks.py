"""Celery entry points for worker lists: thin wrappers over worker_lists.services."""

from __future__ import annotations

from celery import Task, shared_task
from django.conf import settings
from django.utils.translation import gettext as _

from . import services


class _WorkerListTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:
        """Retries exhausted on connection errors: the list fails with a reason it can be sent
        again for (other errors already failed it inside the service)."""
        if isinstance(exc, services.TRANSIENT_DB_ERRORS) and args:
            services.worker_list_fail(
                submission_id=args[0],
                reason=_(
                    "Basis data tidak dapat dihubungi saat memproses daftar. Kirim ulang dengan "
                    "Idempotency-Key yang sama untuk mencoba lagi."
                ),
            )


@shared_task(
    base=_WorkerListTask,
    name="worker_lists.process",
    acks_late=True,
    ignore_result=True,
    # A lost database connection rolls the run back; try again shortly (1, 2, 4... s, capped).
    autoretry_for=services.TRANSIENT_DB_ERRORS,
    retry_backoff=1,
    retry_backoff_max=30,
    retry_jitter=False,
    max_retries=5,
    soft_time_limit=settings.WORKER_LIST_TASK_TIME_LIMIT_S - 30,
    time_limit=settings.WORKER_LIST_TASK_TIME_LIMIT_S,
)
def worker_list_process_task(submission_id: int) -> str | None:
    """The service is idempotent and leased: a redelivered message is harmless."""
    submission = services.worker_list_process(submission_id=submission_id)
    return None if submission is None else submission.status


@shared_task(name="worker_lists.sweep", ignore_result=True)
def worker_list_sweep_task() -> dict[str, int]:
    return services.worker_list_sweep()


@shared_task(name="worker_lists.purge_expired", ignore_result=True)
def worker_list_rows_purge_task() -> dict[str, int]:
    """Daily retention: rows past WORKER_LIST_RETENTION_MONTHS, cells as typed past
    WORKER_LIST_SOURCE_CELLS_DAYS."""
    return {
        "rows": services.worker_list_rows_purge(),
        "source_cells": services.worker_list_source_cells_purge(),
    }
