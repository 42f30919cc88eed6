"""A list's processing is a lease; failures never destroy committed work; accepting and queuing
cannot diverge; staged uploads live where web and worker both reach them (SQLite and PostgreSQL).
The same faults with real processes are in test_faults.py."""

import datetime as dt
import io

import pytest
from django.db import OperationalError, connection, connections
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import ConnectionError as RedisConnectionError

from worker_lists import services, tasks
from worker_lists.models import (
    EnrollmentLead,
    StagedFileChunk,
    SubmissionStatus,
    WorkerListRow,
    WorkerListSubmission,
)
from worker_lists.services import worker_list_fail, worker_list_process, worker_list_sweep

from .factories import submit_file
from .helpers import csv_bytes, worker

pytestmark = pytest.mark.django_db

URL = "/api/v1/worker-lists/"


def three_workers() -> bytes:
    return csv_bytes([worker(1), worker(2), worker(3)])


@pytest.fixture
def broker_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise BrokerError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.worker_list_process_task, "delay", refuse)
    return monkeypatch


def test_a_run_that_finds_the_list_done_changes_nothing(world, agency):
    submission = submit_file(agency=agency, data=three_workers())
    done = worker_list_process(submission_id=submission.pk)
    row_ids = list(WorkerListRow.objects.filter(submission=done).values_list("pk", flat=True))

    again = worker_list_process(submission_id=submission.pk)

    assert again.status == SubmissionStatus.DONE
    assert (again.count_new_lead, again.finished_at, again.attempts) == (
        3,
        done.finished_at,
        1,
    )
    assert list(WorkerListRow.objects.filter(submission=done).values_list("pk", flat=True)) == (
        row_ids
    )


def test_failing_a_done_list_keeps_its_rows_and_counts(world, agency):
    submission = submit_file(agency=agency, data=three_workers())
    worker_list_process(submission_id=submission.pk)

    changed = worker_list_fail(submission_id=submission.pk, reason="x")

    submission.refresh_from_db()
    assert changed is False
    assert submission.status == SubmissionStatus.DONE
    assert (submission.count_new_lead, WorkerListRow.objects.count()) == (3, 3)


def test_a_broker_outage_when_the_list_is_finished_does_not_fail_it(
    world, agency, monkeypatch, django_capture_on_commit_callbacks
):
    from coverage import tasks as coverage_tasks

    def refuse(*args, **kwargs):
        raise BrokerError("Connection refused.")

    monkeypatch.setattr(coverage_tasks.coverage_compute_task, "delay", refuse)
    submission = submit_file(agency=agency, data=three_workers())

    with django_capture_on_commit_callbacks(execute=True):
        processed = worker_list_process(submission_id=submission.pk)

    assert processed.status == SubmissionStatus.DONE
    assert WorkerListRow.objects.filter(submission=processed).count() == 3


def test_a_list_accepted_while_the_broker_is_down_is_answered_202_and_stays_queued(
    world, api_client, broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(URL, {"reference": "uji", "rows": [worker(1)]}, format="json")

    assert response.status_code == 202
    assert WorkerListSubmission.objects.get().status == SubmissionStatus.QUEUED


def test_the_sweeper_queues_a_list_the_broker_never_got(world, agency, broker_down, settings):
    submission = submit_file(agency=agency, data=three_workers())
    settings.WORKER_LIST_REQUEUE_AFTER_S = 0
    broker_down.undo()  # the broker is back

    result = worker_list_sweep()

    submission.refresh_from_db()
    assert result["requeued"] == 1
    assert submission.status == SubmissionStatus.DONE


def test_the_sweeper_leaves_a_recently_queued_list_to_the_broker(
    world, agency, broker_down, settings
):
    submit_file(agency=agency, data=three_workers())
    settings.WORKER_LIST_REQUEUE_AFTER_S = 60

    assert worker_list_sweep()["requeued"] == 0


def test_the_sweeper_queues_again_a_list_whose_run_died(world, agency, broker_down):
    submission = submit_file(agency=agency, data=three_workers())
    long_ago = timezone.now() - dt.timedelta(hours=3)
    WorkerListSubmission.objects.filter(pk=submission.pk).update(
        status=SubmissionStatus.PROCESSING, started_at=long_ago, queued_at=long_ago
    )

    worker_list_sweep()

    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.QUEUED
    assert submission.queued_at > long_ago


def test_a_list_that_keeps_killing_its_runs_fails_with_a_reason(world, agency, settings):
    submission = submit_file(agency=agency, data=three_workers())
    WorkerListSubmission.objects.filter(pk=submission.pk).update(
        attempts=settings.WORKER_LIST_MAX_ATTEMPTS
    )

    processed = worker_list_process(submission_id=submission.pk)

    assert processed.status == SubmissionStatus.FAILED
    assert "Idempotency-Key" in processed.failure_message


def test_a_lost_database_connection_is_retried_not_failed(world, agency, monkeypatch):
    submission = submit_file(agency=agency, data=three_workers())
    real_load = services._rows_load
    calls = []

    def flaky(claimed):
        calls.append(claimed.pk)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real_load(claimed)

    monkeypatch.setattr(services, "_rows_load", flaky)

    tasks.worker_list_process_task.apply(args=[submission.pk], throw=False)

    submission.refresh_from_db()
    assert len(calls) == 2
    assert submission.status == SubmissionStatus.DONE
    assert submission.count_new_lead == 3


def test_an_idempotency_key_replay_of_a_failed_list_queues_it_again(
    world, agency, monkeypatch, django_capture_on_commit_callbacks
):
    data = three_workers()
    first = submit_file(agency=agency, data=data, idempotency_key="k-1")
    monkeypatch.setattr(services, "_rows_load", lambda claimed: 1 / 0)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ZeroDivisionError):
        worker_list_process(submission_id=first.pk)
    failed = WorkerListSubmission.objects.get()
    assert (failed.status, failed.file.name) == (SubmissionStatus.FAILED, "")
    monkeypatch.undo()

    with django_capture_on_commit_callbacks(execute=True):
        replayed = submit_file(agency=agency, data=data, idempotency_key="k-1")

    assert replayed.pk == failed.pk
    replayed.refresh_from_db()
    assert replayed.status == SubmissionStatus.DONE
    assert replayed.count_new_lead == 3


def test_the_staged_file_is_deleted_once_the_list_is_done(
    world, agency, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submission = submit_file(agency=agency, data=three_workers())

    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.DONE
    assert submission.file.name == ""
    assert not StagedFileChunk.objects.exists()


def test_the_staged_file_is_deleted_once_the_list_failed(
    world, agency, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submission = submit_file(agency=agency, data=b"\x00\x01 not a table", filename="x.xlsx")

    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.FAILED
    assert not StagedFileChunk.objects.exists()


def test_the_sweeper_deletes_staged_files_left_by_finished_lists(world, agency):
    submission = submit_file(agency=agency, data=three_workers())
    worker_list_process(submission_id=submission.pk)  # on-commit cleanup never ran here
    assert StagedFileChunk.objects.exists()

    assert worker_list_sweep()["staged_files_deleted"] == 1
    assert not StagedFileChunk.objects.exists()


def test_a_worker_with_another_media_root_reads_the_staged_list(world, agency, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "web-host"
    submission = submit_file(agency=agency, data=three_workers())
    settings.MEDIA_ROOT = tmp_path / "worker-host"

    processed = worker_list_process(submission_id=submission.pk)

    assert processed.status == SubmissionStatus.DONE
    assert processed.count_new_lead == 3
    assert not (tmp_path / "web-host").exists()


def test_a_large_upload_is_staged_in_pieces_and_read_back_whole(world, agency):
    data = csv_bytes([worker(n, unit="u" * 190) for n in range(1, 9001)])
    submission = submit_file(agency=agency, data=data)

    assert StagedFileChunk.objects.count() == len(data) // (1024 * 1024) + 1 > 1
    with submission.file.open("rb") as staged:
        assert staged.read() == data


def test_the_api_answers_503_with_retry_after_when_the_database_is_unreachable(
    world, api_client, monkeypatch
):
    def unreachable(**kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(services, "worker_list_submit", unreachable)

    response = api_client.post(URL, {"reference": "uji", "rows": [worker(1)]}, format="json")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "detail" in response.json()


def test_reads_keep_working_when_the_throttles_cache_is_down(
    world, agency, api_client, monkeypatch
):
    from django.core.cache import cache

    def down(*args, **kwargs):
        raise RedisConnectionError("Connection refused")

    monkeypatch.setattr(cache, "get", down)
    submission = submit_file(agency=agency, data=three_workers())

    response = api_client.get(f"{URL}{submission.pk}/")

    assert response.status_code == 200


def test_liveness_answers_without_the_database(client, monkeypatch):
    monkeypatch.setattr(connection, "cursor", lambda: 1 / 0)

    assert client.get("/healthz").json() == {"status": "ok"}


def test_readiness_reports_the_database_redis_and_the_broker_separately(client, monkeypatch):
    from core import views

    monkeypatch.setattr(views, "_database", lambda: "unavailable")

    response = client.get("/readyz")

    assert response.status_code == 503
    assert set(response.json()["checks"]) == {"database", "redis", "broker"}
    assert response.json()["checks"]["database"] == "unavailable"


def test_readiness_is_200_when_everything_it_needs_answers(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"


@pytest.mark.postgres
def test_a_second_delivery_while_a_run_holds_the_list_does_nothing(
    on_postgres, transactional_db, world, agency, monkeypatch
):
    monkeypatch.setattr(services, "_enqueue", lambda submission_id: True)  # stays queued
    submission = submit_file(agency=agency, data=three_workers())
    holder = connections.create_connection("default")
    try:
        with holder.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_lock(%s, %s)", [services.LOCK_NAMESPACE, submission.pk]
            )
        processed = worker_list_process(submission_id=submission.pk)
    finally:
        holder.close()

    assert processed.status == SubmissionStatus.QUEUED
    assert not WorkerListRow.objects.exists()
    assert not EnrollmentLead.objects.exists()


@pytest.mark.postgres
def test_the_sweeper_leaves_a_list_whose_run_is_alive(
    on_postgres, transactional_db, world, agency, broker_down
):
    submission = submit_file(agency=agency, data=three_workers())
    WorkerListSubmission.objects.filter(pk=submission.pk).update(
        status=SubmissionStatus.PROCESSING, started_at=timezone.now() - dt.timedelta(hours=3)
    )
    holder = connections.create_connection("default")
    try:
        with holder.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_lock(%s, %s)", [services.LOCK_NAMESPACE, submission.pk]
            )
        worker_list_sweep()
    finally:
        holder.close()

    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.PROCESSING


def test_an_idempotency_key_replay_of_a_list_never_started_queues_it_again(
    world, agency, broker_down, settings, django_capture_on_commit_callbacks
):
    data = three_workers()
    submit_file(agency=agency, data=data, idempotency_key="k-2")
    settings.WORKER_LIST_REQUEUE_AFTER_S = 0
    broker_down.undo()

    with django_capture_on_commit_callbacks(execute=True):
        replayed = submit_file(agency=agency, data=data, idempotency_key="k-2")

    replayed.refresh_from_db()
    assert replayed.status == SubmissionStatus.DONE


def test_the_upload_page_accepts_a_list_while_the_broker_is_down(
    world, client, agency_user, broker_down, django_capture_on_commit_callbacks
):
    client.force_login(agency_user)
    upload = io.BytesIO(three_workers())
    upload.name = "daftar.csv"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/daftar-pekerja/", {"reference": "uji", "file": upload})

    assert response.status_code == 302
    assert WorkerListSubmission.objects.get().status == SubmissionStatus.QUEUED


def test_failing_a_list_is_retried_when_the_connection_drops(world, agency, monkeypatch):
    submission = submit_file(agency=agency, data=three_workers())
    WorkerListSubmission.objects.filter(pk=submission.pk).update(status=SubmissionStatus.PROCESSING)
    real_atomic = services.transaction.atomic
    calls = []

    def flaky_atomic(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("terminating connection due to administrator command")
        return real_atomic(*args, **kwargs)

    monkeypatch.setattr(services.transaction, "atomic", flaky_atomic)
    monkeypatch.setattr(services.time, "sleep", lambda seconds: None)

    changed = worker_list_fail(submission_id=submission.pk, reason="alasan")

    submission.refresh_from_db()
    assert changed is True
    assert len(calls) > 1  # the first attempt raised
    assert (submission.status, submission.failure_reason) == (SubmissionStatus.FAILED, "alasan")
