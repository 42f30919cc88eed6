import datetime as dt

import pytest
from django.conf import settings
from django.db import connection

from bpjs_outreach.celery import app as celery_app
from coverage.models import CoverageSnapshot
from coverage.tasks import coverage_compute_task, coverage_recompute_later

# Starts Celery workers on the shared broker: run apart from the parallel suite (CI).
pytestmark = pytest.mark.real_worker

NOVEMBER = dt.date(2026, 11, 1)


@pytest.mark.django_db
def test_task_computes_the_month_given_as_yyyy_mm(small_world):
    assert coverage_compute_task.delay("2026-11").get() == 9
    assert CoverageSnapshot.objects.filter(period=NOVEMBER).count() == 9


@pytest.mark.django_db
def test_task_is_idempotent(small_world):
    coverage_compute_task.delay("2026-11")
    first = list(
        CoverageSnapshot.objects.filter(period=NOVEMBER)
        .order_by("level", "code")
        .values_list("level", "code", "active_total", "coverage_pct", "gap_to_target")
    )
    coverage_compute_task.delay("2026-11-01")
    second = list(
        CoverageSnapshot.objects.filter(period=NOVEMBER)
        .order_by("level", "code")
        .values_list("level", "code", "active_total", "coverage_pct", "gap_to_target")
    )
    assert first == second


@pytest.mark.django_db
def test_task_without_a_period_computes_the_current_month(small_world):
    from django.utils import timezone

    coverage_compute_task.delay()
    assert CoverageSnapshot.objects.filter(period=timezone.localdate().replace(day=1)).exists()


@pytest.mark.django_db
def test_recompute_later_runs_only_after_the_callers_transaction_commits(
    small_world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        coverage_recompute_later(period=NOVEMBER)
        assert not CoverageSnapshot.objects.exists()
    assert len(callbacks) == 1
    assert CoverageSnapshot.objects.filter(period=NOVEMBER).count() == 9


def test_recompute_is_scheduled_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["coverage-compute-daily"]
    assert entry["task"] == coverage_compute_task.name == "coverage.compute"


@pytest.mark.django_db
def test_admin_action_recomputes_the_selected_periods(client, admin_user, small_world):
    from participants.models import Participant, ParticipantStatus

    coverage_compute_task.delay("2026-11")
    before = CoverageSnapshot.objects.get(period=NOVEMBER, level="national").active_total
    Participant.objects.filter(work_regency_id="36.71", status=ParticipantStatus.ACTIVE).update(
        status=ParticipantStatus.INACTIVE
    )
    client.force_login(admin_user)
    national = CoverageSnapshot.objects.get(period=NOVEMBER, level="national")
    response = client.post(
        "/admin/coverage/coveragesnapshot/",
        {"action": "recompute_periods", "_selected_action": [national.pk]},
    )
    assert response.status_code == 302
    assert CoverageSnapshot.objects.get(period=NOVEMBER, level="national").active_total == (
        before - 3
    )


@pytest.mark.django_db(transaction=True)
def test_task_runs_on_a_real_worker_when_redis_is_configured(small_world):
    """With PostgreSQL and REDIS_URL the task goes through the broker to a worker thread."""
    if not settings.REDIS_URL or connection.vendor != "postgresql":
        assert coverage_compute_task.delay("2026-11").get() == 9
        return
    from celery.contrib.testing.worker import start_worker
    from celery.result import EagerResult

    celery_app.conf.task_always_eager = False
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        result = coverage_compute_task.delay("2026-11")
        assert not isinstance(result, EagerResult)
        assert result.get(timeout=60) == 9
    assert CoverageSnapshot.objects.filter(period=NOVEMBER).count() == 9


@pytest.mark.django_db(transaction=True)
def test_concurrent_recomputes_of_one_month_both_succeed(on_postgres, small_world):
    import threading

    from django.db import connections

    from coverage.services import coverage_compute as compute
    from coverage.tests.factories import AFTERWARDS

    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def recompute():
        try:
            start.wait()
            compute(period=NOVEMBER, as_of=AFTERWARDS)
        except BaseException as error:  # collected, asserted in the main thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=recompute) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert CoverageSnapshot.objects.filter(period=NOVEMBER).count() == 9


# --- closing a month ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_nightly_run_closes_last_month_once_with_the_statuses_it_ended_with(small_world):
    from django.utils import timezone

    from coverage.models import ClosedPeriod

    today = timezone.localdate()
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    coverage_compute_task.delay()
    assert ClosedPeriod.objects.filter(period=last_month).exists()
    frozen_at = CoverageSnapshot.objects.filter(period=last_month).values_list(
        "computed_at", flat=True
    )[0]
    coverage_compute_task.delay()
    again = CoverageSnapshot.objects.filter(period=last_month).values_list("computed_at", flat=True)
    assert set(again) == {frozen_at}
