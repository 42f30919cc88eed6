"""Rows and leads reference their list and agency without database constraints (issue 14, see
WorkerListRow.submission); integrity is kept by the run's locks, the ORM and the admin."""

import pytest
from django.db import OperationalError, connection, connections, transaction
from django.urls import reverse

from regions.models import BranchRegency
from worker_lists import services
from worker_lists.models import (
    EnrollmentLead,
    SubmissionStatus,
    WorkerListRow,
    WorkerListSubmission,
)
from worker_lists.services import _parents_lock, worker_list_process

from .factories import submit_file
from .helpers import csv_bytes, worker

pytestmark = pytest.mark.django_db


def test_deleting_a_finished_list_deletes_its_rows_and_keeps_its_leads(world, agency):
    submission = submit_file(agency=agency, data=csv_bytes([worker(1), worker(2)]))
    worker_list_process(submission_id=submission.pk)

    WorkerListSubmission.objects.get(pk=submission.pk).delete()

    assert not WorkerListRow.objects.exists()
    assert list(EnrollmentLead.objects.values_list("first_submission", flat=True)) == [None, None]


def test_the_admin_refuses_to_delete_a_list_being_processed(world, agency, admin_client):
    submission = submit_file(agency=agency, data=csv_bytes([worker(1)]))
    WorkerListSubmission.objects.filter(pk=submission.pk).update(status=SubmissionStatus.PROCESSING)

    page = admin_client.post(
        reverse("admin:worker_lists_workerlistsubmission_delete", args=[submission.pk]),
        {"post": "yes"},
    )

    assert page.status_code == 403
    assert WorkerListSubmission.objects.filter(pk=submission.pk).exists()


def test_the_admins_bulk_delete_refuses_a_selection_with_a_list_not_finished(
    world, agency, admin_client
):
    waiting = submit_file(agency=agency, data=csv_bytes([worker(1)]))
    finished = submit_file(agency=agency, data=csv_bytes([worker(2)]), reference="dua")
    worker_list_process(submission_id=finished.pk)

    admin_client.post(
        reverse("admin:worker_lists_workerlistsubmission_changelist"),
        {"action": "delete_selected", "_selected_action": [waiting.pk, finished.pk], "post": "yes"},
    )

    assert WorkerListSubmission.objects.count() == 2


@pytest.mark.postgres
def test_a_run_holds_its_list_and_agency_so_neither_can_be_deleted_meanwhile(
    on_postgres, transactional_db, world, agency, monkeypatch
):
    monkeypatch.setattr("worker_lists.services._enqueue", lambda submission_id: True)
    submission = submit_file(agency=agency, data=csv_bytes([worker(1)]))
    other = connections.create_connection("default")
    refused = []
    try:
        with transaction.atomic():
            _parents_lock(submission)
            for table, pk in (
                ("worker_lists_workerlistsubmission", submission.pk),
                ("agencies_partneragency", agency.pk),
            ):
                try:
                    with other.cursor() as cursor:
                        cursor.execute(
                            f"SELECT 1 FROM {table} WHERE id = %s FOR UPDATE NOWAIT", [pk]
                        )
                except OperationalError:
                    refused.append(table)
                    other.rollback()
            # A status update from elsewhere (sweeper, progress) is not blocked.
            with other.cursor() as cursor:
                cursor.execute(
                    "UPDATE worker_lists_workerlistsubmission SET queued_at = now() WHERE id = %s",
                    [submission.pk],
                )
    finally:
        other.close()

    assert refused == ["worker_lists_workerlistsubmission", "agencies_partneragency"]
    assert connection.vendor == "postgresql"


@pytest.mark.postgres
def test_a_run_holds_the_regencies_and_branches_its_new_leads_reference(
    on_postgres, transactional_db, world, agency, monkeypatch
):
    """Lead -> regency and lead -> branch have no database constraint (EnrollmentLead.work_regency):
    the run locks the parents its leads reference, as the constraint check would."""
    branch_id = BranchRegency.objects.get(regency_id="36.73", is_primary=True).branch_id
    other_regency = BranchRegency.objects.exclude(regency_id="36.73").values_list(
        "regency_id", flat=True
    )[0]
    monkeypatch.setattr("worker_lists.services._enqueue", lambda submission_id: True)
    submission = submit_file(agency=agency, data=csv_bytes([worker(1)]))
    other = connections.create_connection("default")
    refused = []
    original = services._lead_parents_lock

    def lock_then_probe():
        original()
        for table, column, key in (
            ("regions_regency", "code", "36.73"),
            ("regions_branchoffice", "id", branch_id),
            ("regions_regency", "code", other_regency),
        ):
            try:
                with other.cursor() as cursor:
                    cursor.execute(
                        f"SELECT 1 FROM {table} WHERE {column} = %s FOR UPDATE NOWAIT", [key]
                    )
                other.rollback()
            except OperationalError:
                refused.append((table, key))
                other.rollback()

    monkeypatch.setattr(services, "_lead_parents_lock", lock_then_probe)
    try:
        worker_list_process(submission_id=submission.pk)
    finally:
        other.close()

    assert refused == [("regions_regency", "36.73"), ("regions_branchoffice", branch_id)]
    lead = EnrollmentLead.objects.get()
    assert (lead.work_regency_id, lead.branch_id) == ("36.73", branch_id)
