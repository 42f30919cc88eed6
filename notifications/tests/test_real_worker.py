"""End to end with a real Celery worker on Redis and PostgreSQL (as in CI): a case sent in a
committed transaction reaches the agency's inbox at once and its email through the worker,
exactly once even when the task is delivered again. Without PostgreSQL + REDIS_URL the same test
runs with eager tasks."""

import time

import pytest
from celery.signals import task_prerun
from django.core import mail
from django.db import transaction

from campaigns.services import case_transition
from notifications.models import Notification
from notifications.tasks import notification_email_send

# Starts Celery workers on the shared broker: run apart from the parallel suite (CI).
pytestmark = pytest.mark.real_worker

WAIT_LIMIT_S = 60


def _wait_for(condition, message):
    deadline = time.monotonic() + WAIT_LIMIT_S
    while not condition():
        assert time.monotonic() < deadline, message
        time.sleep(0.1)


def test_a_sent_case_is_emailed_once_by_the_worker_after_commit(
    real_worker, draft_case, branch_user, disnaker_reader
):
    runs: list[bool] = []

    def record(sender=None, task=None, **kwargs):
        if task.name == "notifications.email_send":
            runs.append(bool(task.request.is_eager))

    task_prerun.connect(record, weak=False)
    try:
        with transaction.atomic():
            case_transition(case=draft_case, to_state="sent", user=branch_user)
            # Inside the transaction the inbox row exists, but no email has been enqueued.
            assert runs == []
        notification = Notification.objects.get(recipient=disnaker_reader)
        _wait_for(lambda: len(mail.outbox) == 1, "the worker did not send the email")

        # The broker delivers the task again (a worker lost, a retry): nothing more goes out.
        notification_email_send.delay(notification_id=notification.pk)
        _wait_for(lambda: len(runs) == 2, "the second delivery never ran")
    finally:
        task_prerun.disconnect(record)

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["pengawas@disnaker.example"]
    notification.refresh_from_db()
    assert notification.emailed_at is not None
    # Through the broker when there is a worker, in-process otherwise.
    assert runs == [real_worker is None] * 2
