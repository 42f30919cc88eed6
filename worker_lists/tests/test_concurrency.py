"""Lists processed at the same time, by threads and by a real Celery worker (PostgreSQL + Redis)."""

import threading
import time

import pytest
from celery.signals import task_prerun
from django.db import connection, connections, transaction

from worker_lists.models import (
    EnrollmentLead,
    SubmissionStatus,
    WorkerListRow,
    WorkerListSubmission,
)
from worker_lists.services import _ProgressReporter, worker_list_process

from .factories import submit_file
from .helpers import csv_bytes, worker

# Starts Celery workers on the shared broker: run apart from the parallel suite (CI).
pytestmark = pytest.mark.real_worker

WAIT_LIMIT_S = 60  # a safety net so a hang fails the test instead of blocking the suite


def _process_in_thread(submission_id, errors):
    try:
        worker_list_process(submission_id=submission_id)
    except Exception as error:  # surfaced by the assertion in the test
        errors.append(error)
    finally:
        connections.close_all()


@pytest.fixture
def held_in_queue(monkeypatch):
    """Lists stay queued after submission (no eager run on commit): the test runs them."""
    monkeypatch.setattr("worker_lists.services._enqueue", lambda submission_id: True)


def _overlapping_lists(agency):
    first = submit_file(agency=agency, data=csv_bytes([worker(n) for n in range(1, 1501)]))
    second = submit_file(agency=agency, data=csv_bytes([worker(n) for n in range(1001, 2501)]))
    return first, second


@pytest.mark.postgres
def test_two_overlapping_lists_processed_in_parallel_make_each_lead_once(
    on_postgres, transactional_db, world, agency, settings, held_in_queue
):
    settings.WORKER_LIST_BATCH_ROWS = 200
    first, second = _overlapping_lists(agency)
    errors: list[Exception] = []
    threads = [
        threading.Thread(target=_process_in_thread, args=(submission.pk, errors))
        for submission in (first, second)
    ]

    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT_LIMIT_S)

    assert errors == []
    assert EnrollmentLead.objects.filter(agency=agency).count() == 2500
    assert EnrollmentLead.objects.values("nik").distinct().count() == 2500
    first.refresh_from_db()
    second.refresh_from_db()
    # The 500 NIKs both lists share are a new lead in whichever list inserted them first and an
    # existing lead in the other.
    assert first.count_new_lead + second.count_new_lead == 2500
    assert first.count_existing_lead + second.count_existing_lead == 500


def _backend_waits_on_a_lock(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return row is not None and row[0] == "Lock"


def _first_list_leads_insert(submission):
    """The leads a run of this list inserts, left uncommitted in the caller's transaction."""
    EnrollmentLead.objects.bulk_create(
        EnrollmentLead(
            nik=row.nik,
            full_name=row.full_name,
            birth_date=row.birth_date,
            agency_id=submission.agency_id,
            work_regency_id=row.regency_code,
            first_submission=submission,
        )
        for row in WorkerListRow.objects.filter(submission=submission, outcome="new_lead")
    )


@pytest.mark.postgres
def test_a_list_waits_for_an_uncommitted_overlapping_list_then_skips_its_leads(
    on_postgres, transactional_db, world, agency, held_in_queue
):
    first, second = _overlapping_lists(agency)
    # Load the first list, then hold its lead insertion open in this thread's transaction.
    worker_list_process(submission_id=first.pk)
    EnrollmentLead.objects.all().delete()
    second_pid: list[int] = []
    errors: list[Exception] = []

    def run_second():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            second_pid.append(cursor.fetchone()[0])
        _process_in_thread(second.pk, errors)

    with transaction.atomic():
        _first_list_leads_insert(first)
        thread = threading.Thread(target=run_second)
        thread.start()
        deadline = time.monotonic() + WAIT_LIMIT_S
        while not (second_pid and _backend_waits_on_a_lock(second_pid[0])):
            assert time.monotonic() < deadline, "the second list never met the first one's leads"
            time.sleep(0.05)
    thread.join(WAIT_LIMIT_S)

    assert errors == []
    assert EnrollmentLead.objects.count() == 2500
    assert EnrollmentLead.objects.filter(first_submission=first).count() == 1500
    assert EnrollmentLead.objects.filter(first_submission=second).count() == 1000


def test_lists_sent_through_the_api_are_processed_by_a_real_worker(
    real_worker, world, agency, api_client
):
    eager_flags: list[bool] = []

    def record(sender=None, task=None, **kwargs):
        # Finished lists also enqueue a coverage recompute; this test follows the lists.
        if task.name == "worker_lists.process":
            eager_flags.append(bool(task.request.is_eager))

    task_prerun.connect(record, weak=False)
    urls = [
        api_client.post(
            "/api/v1/worker-lists/",
            {"reference": f"daftar {part}", "rows": [worker(n) for n in numbers]},
            format="json",
        ).json()["url"]
        for part, numbers in (("a", range(1, 801)), ("b", range(401, 1201)))
    ]

    deadline = time.monotonic() + WAIT_LIMIT_S
    while WorkerListSubmission.objects.exclude(
        status__in=[SubmissionStatus.DONE, SubmissionStatus.FAILED]
    ).exists():
        assert time.monotonic() < deadline, "the worker did not finish the lists"
        time.sleep(0.1)

    task_prerun.disconnect(record)
    assert [api_client.get(url).json()["status"] for url in urls] == ["done", "done"]
    assert EnrollmentLead.objects.filter(agency=agency).count() == 1200
    # Through the broker when there is a worker, in-process otherwise.
    assert eager_flags == [real_worker is None] * 2


@pytest.mark.postgres
def test_progress_is_visible_to_pollers_while_the_rows_are_still_uncommitted(
    on_postgres, transactional_db, world, agency, held_in_queue
):
    submission = submit_file(agency=agency, data=csv_bytes([worker(1), worker(2)]))
    WorkerListSubmission.objects.filter(pk=submission.pk).update(status=SubmissionStatus.PROCESSING)
    reporter = _ProgressReporter(submission.pk)
    poller = connections.create_connection("default")
    try:
        with transaction.atomic():
            # What worker_list_process holds open while it writes the rows.
            WorkerListRow.objects.create(submission=submission, row_number=3, outcome="")
            reporter.report(processed=1, total=2)
            with poller.cursor() as cursor:
                cursor.execute(
                    "SELECT processed_rows, total_rows FROM worker_lists_workerlistprogress "
                    "WHERE submission_id = %s",
                    [submission.pk],
                )
                seen = cursor.fetchone()
            transaction.set_rollback(True)
    finally:
        reporter.close()
        poller.close()

    assert seen == (1, 2)
    assert WorkerListSubmission.objects.get(pk=submission.pk).progress == {
        "processed": 1,
        "total": 2,
    }


@pytest.mark.postgres
def test_reporting_progress_leaves_the_lists_own_row_alone(
    on_postgres, transactional_db, world, agency, held_in_queue
):
    submission = submit_file(agency=agency, data=csv_bytes([worker(1), worker(2)]))

    def row_version():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT xmin::text FROM worker_lists_workerlistsubmission WHERE id = %s",
                [submission.pk],
            )
            return cursor.fetchone()[0]

    before = row_version()
    reporter = _ProgressReporter(submission.pk)
    try:
        reporter.report(processed=1, total=2)
        reporter.report(processed=2, total=2)
    finally:
        reporter.close()

    assert row_version() == before
