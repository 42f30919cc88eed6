from celery import shared_task

from . import services


@shared_task(name="worker_lists.process", acks_late=True)
def worker_list_process_task(submission_id: int) -> str:
    """Thin wrapper: the service is idempotent, so a redelivered message is harmless."""
    return services.worker_list_process(submission_id=submission_id).status
