"""Uploaded lists are not kept forever (issue 9, finding 7): the staged file goes once the list is
processed (test_reliability.py), the rows after WORKER_LIST_RETENTION_MONTHS."""

import datetime as dt

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from worker_lists.models import EnrollmentLead, WorkerListRow, WorkerListSubmission
from worker_lists.services import worker_list_process, worker_list_rows_purge
from worker_lists.tasks import worker_list_rows_purge_task

from .factories import submit_file
from .helpers import csv_bytes, worker

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(dt.datetime(2026, 11, 26, 12, 0))


def list_submitted_at(agency, when, serials):
    submission = submit_file(agency=agency, data=csv_bytes([worker(n) for n in serials]))
    worker_list_process(submission_id=submission.pk)
    WorkerListSubmission.objects.filter(pk=submission.pk).update(created_at=when)
    return submission


def test_rows_of_a_list_older_than_the_retention_are_deleted_and_its_counts_kept(world, agency):
    old = list_submitted_at(agency, NOW - dt.timedelta(days=2 * 365 + 30), [1, 2])

    assert worker_list_rows_purge(now=NOW) == 1

    old.refresh_from_db()
    assert not WorkerListRow.objects.filter(submission=old).exists()
    assert (old.count_new_lead, old.rows_purged_at) == (2, NOW)
    assert EnrollmentLead.objects.count() == 2


def test_rows_of_a_list_within_the_retention_are_kept(world, agency):
    recent = list_submitted_at(agency, NOW - dt.timedelta(days=700), [1])

    assert worker_list_rows_purge(now=NOW) == 0
    assert WorkerListRow.objects.filter(submission=recent).count() == 1


def test_the_retention_is_a_setting(world, agency, settings):
    settings.WORKER_LIST_RETENTION_MONTHS = 1
    two_months = list_submitted_at(agency, NOW - dt.timedelta(days=62), [1])

    worker_list_rows_purge(now=NOW)

    assert not WorkerListRow.objects.filter(submission=two_months).exists()


def test_the_default_retention_is_24_months():
    assert django_settings.WORKER_LIST_RETENTION_MONTHS == 24


def test_a_purged_list_says_so_in_the_api(world, agency, api_client):
    old = list_submitted_at(agency, NOW - dt.timedelta(days=800), [1])
    worker_list_rows_purge(now=NOW)

    detail = api_client.get(f"/api/v1/worker-lists/{old.pk}/").json()
    rows = api_client.get(f"/api/v1/worker-lists/{old.pk}/rows/").json()

    assert detail["rows_purged_at"] is not None
    assert detail["counts"]["new_lead"] == 1
    assert rows["count"] == 0


def test_the_purge_runs_daily_from_beat(world, agency):
    entry = django_settings.CELERY_BEAT_SCHEDULE["worker-lists-purge"]
    old = list_submitted_at(agency, timezone.now() - dt.timedelta(days=800), [1])

    worker_list_rows_purge_task.delay()

    assert entry["task"] == worker_list_rows_purge_task.name
    assert not WorkerListRow.objects.filter(submission=old).exists()


def test_the_api_documentation_states_the_retention(world, api_client):
    schema = api_client.get("/api/v1/schema/").content.decode()

    assert "24 months after submission" in schema
    assert "WORKER_LIST_RETENTION_MONTHS" in schema
