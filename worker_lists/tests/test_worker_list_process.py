"""Processing a submitted list: outcomes, error codes, leads, re-runs (SQLite and PostgreSQL)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from participants.models import ParticipantStatus
from participants.tests.factories import ParticipantFactory
from regions.models import BranchRegency
from regions.tests.factories import BranchOfficeFactory
from worker_lists.models import EnrollmentLead, RowOutcome, SubmissionStatus, WorkerListRow
from worker_lists.services import worker_list_process

from .factories import submit_file
from .helpers import BIRTH, csv_bytes, nik, worker

pytestmark = pytest.mark.django_db


def process(agency, rows, **csv_options):
    submission = submit_file(agency=agency, data=csv_bytes(rows, **csv_options))
    return worker_list_process(submission_id=submission.pk)


def outcomes(submission):
    return dict(
        WorkerListRow.objects.filter(submission=submission).values_list("row_number", "outcome")
    )


def error_codes(submission, row_number):
    row = WorkerListRow.objects.get(submission=submission, row_number=row_number)
    return [error["code"] for error in row.errors]


def test_a_valid_worker_who_is_not_a_participant_becomes_a_new_lead(world, agency):
    submission = process(agency, [worker(1)])

    assert outcomes(submission) == {1: RowOutcome.NEW_LEAD}
    lead = EnrollmentLead.objects.get(nik=nik(1), agency=agency)
    assert (lead.branch, lead.work_regency_id, lead.first_submission) == (
        world["serang"],
        "36.73",
        submission,
    )


def test_the_lead_goes_to_the_primary_branch_of_the_work_regency(world, agency):
    secondary = BranchOfficeFactory(
        code="kc-cilegon", regional_office=world["serang"].regional_office
    )
    BranchRegency.objects.create(branch=secondary, regency_id="36.73", is_primary=False)

    process(agency, [worker(1)])

    assert EnrollmentLead.objects.get(nik=nik(1)).branch == world["serang"]


def test_a_lead_in_a_regency_served_by_another_branch_goes_to_that_branch(world, agency):
    process(agency, [worker(1, work_regency_code="36.71")])

    assert EnrollmentLead.objects.get(nik=nik(1)).branch == world["tangerang"]


def test_an_active_participant_is_already_covered(world, agency):
    participant = ParticipantFactory(work_regency_id="36.73", birth_date=BIRTH)

    submission = process(agency, [worker(1, nik=participant.nik, full_name=participant.full_name)])

    assert outcomes(submission) == {1: RowOutcome.ALREADY_COVERED}
    assert not EnrollmentLead.objects.exists()


def test_an_inactive_participant_is_lapsed(world, agency):
    participant = ParticipantFactory(
        work_regency_id="36.73", birth_date=BIRTH, status=ParticipantStatus.INACTIVE
    )

    submission = process(agency, [worker(1, nik=participant.nik, full_name=participant.full_name)])

    assert outcomes(submission) == {1: RowOutcome.LAPSED}


def test_a_nik_seen_earlier_in_the_same_list_is_a_duplicate(world, agency):
    submission = process(agency, [worker(1), worker(2), worker(1, full_name="Nama Lain")])

    assert outcomes(submission) == {
        1: RowOutcome.NEW_LEAD,
        2: RowOutcome.NEW_LEAD,
        3: RowOutcome.DUPLICATE_IN_LIST,
    }
    assert EnrollmentLead.objects.get(nik=nik(1)).full_name == "Pekerja Sintetis 1"


def test_an_invalid_earlier_row_does_not_make_a_later_valid_row_a_duplicate(world, agency):
    submission = process(agency, [worker(1, full_name=""), worker(1)])

    assert outcomes(submission) == {1: RowOutcome.INVALID, 2: RowOutcome.NEW_LEAD}


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"nik": "36730112049000"}, "nik", "nik_format"),
        ({"nik": "367301120490000A"}, "nik", "nik_format"),
        ({"nik": "3.67301E+15"}, "nik", "nik_spreadsheet_damaged"),
        ({"nik": "3673011204900001.0"}, "nik", "nik_spreadsheet_damaged"),
        ({"nik": "673011204900001"}, "nik", "nik_spreadsheet_damaged"),
        ({"nik": nik(1, district="99.99.99")}, "nik", "nik_region_unknown"),
        ({"nik": "3673013204900001"}, "nik", "nik_birthdate_invalid"),
        ({"birth_date": "12/04/90"}, "birth_date", "birth_date_ambiguous"),
        ({"birth_date": "1990-02-30"}, "birth_date", "birth_date_invalid"),
        ({"birth_date": ""}, "birth_date", "birth_date_invalid"),
        ({"birth_date": "1991-04-12"}, "birth_date", "birth_date_mismatch"),
        ({"full_name": "   "}, "full_name", "name_missing"),
        ({"work_regency_code": "99.99"}, "work_regency_code", "regency_unknown"),
        ({"work_regency_code": "3699"}, "work_regency_code", "regency_unknown"),
    ],
)
def test_each_check_reports_its_error_code_on_the_field(world, agency, overrides, field, code):
    submission = process(agency, [worker(1, **overrides)])

    row = WorkerListRow.objects.get(submission=submission)
    assert row.outcome == RowOutcome.INVALID
    assert {"field": field, "code": code} in row.errors
    assert not EnrollmentLead.objects.exists()


def test_a_damaged_nik_is_kept_as_sent_and_never_repaired(world, agency):
    submission = process(agency, [worker(1, nik="3.67301E+15")])

    assert WorkerListRow.objects.get(submission=submission).nik == "3.67301E+15"


def test_a_row_reports_every_error_it_has(world, agency):
    submission = process(agency, [worker(1, full_name="", work_regency_code="00.00")])

    assert error_codes(submission, 1) == ["name_missing", "regency_unknown"]


def test_counts_add_up_per_outcome(world, agency):
    # A serial of its own: the factory's sequence starts at 1, the NIK of worker(1).
    covered = ParticipantFactory(work_regency_id="36.73", birth_date=BIRTH, serial=9001)
    rows = [
        worker(1),
        worker(1),
        worker(2, nik=covered.nik, full_name=covered.full_name),
        worker(3, full_name=""),
    ]

    submission = process(agency, rows)

    assert submission.status == SubmissionStatus.DONE
    assert submission.counts == {
        "total": 4,
        "invalid": 1,
        "duplicate_in_list": 1,
        "needs_verification": 0,
        "already_covered": 1,
        "lapsed": 0,
        "existing_lead": 0,
        "new_lead": 1,
    }
    assert submission.progress == {"processed": 4, "total": 4}


def test_each_row_is_stored_once_with_its_final_outcome(world, agency):
    # Issue 14: the outcome is settled before a row is stored, not by UPDATEs of stored rows.
    covered = ParticipantFactory(work_regency_id="36.73", birth_date=BIRTH, serial=9001)
    other = ParticipantFactory(work_regency_id="36.73", birth_date=BIRTH, serial=9002)
    EnrollmentLead.objects.create(
        nik=nik(4), full_name="Pekerja Sintetis 4", agency=agency, work_regency_id="36.73"
    )
    rows = [
        worker(1),
        worker(2, nik=covered.nik, full_name=covered.full_name),
        worker(3, nik=other.nik, full_name="Orang Lain"),
        worker(4),
        worker(1),
        worker(6, full_name=""),
    ]
    submission = submit_file(agency=agency, data=csv_bytes(rows))
    row_table = WorkerListRow._meta.db_table

    with CaptureQueriesContext(connection) as queries:
        worker_list_process(submission_id=submission.pk)

    row_updates = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].lstrip().upper().startswith("UPDATE") and row_table in query["sql"]
    ]
    assert row_updates == []
    assert outcomes(submission) == {
        1: RowOutcome.NEW_LEAD,
        2: RowOutcome.ALREADY_COVERED,
        3: RowOutcome.NEEDS_VERIFICATION,
        4: RowOutcome.EXISTING_LEAD,
        5: RowOutcome.DUPLICATE_IN_LIST,
        6: RowOutcome.INVALID,
    }


def test_a_second_list_of_the_same_agency_does_not_duplicate_the_lead(world, agency):
    first = process(agency, [worker(1)])
    second = process(agency, [worker(1), worker(2)])

    assert outcomes(second) == {1: RowOutcome.EXISTING_LEAD, 2: RowOutcome.NEW_LEAD}
    assert EnrollmentLead.objects.filter(nik=nik(1)).count() == 1
    assert EnrollmentLead.objects.get(nik=nik(1)).first_submission == first


def test_another_agency_gets_its_own_lead_for_the_same_worker(world, agency, other_agency):
    process(agency, [worker(1)])
    process(other_agency, [worker(1)])

    assert EnrollmentLead.objects.filter(nik=nik(1)).count() == 2


def test_running_the_task_again_gives_the_same_rows_counts_and_leads(world, agency):
    submission = process(agency, [worker(1), worker(1), worker(2, full_name="")])
    rows_before = list(
        WorkerListRow.objects.filter(submission=submission).values_list(
            "row_number", "nik", "outcome", "errors"
        )
    )
    leads_before = list(EnrollmentLead.objects.values_list("nik", "agency_id", "branch_id"))

    again = worker_list_process(submission_id=submission.pk)

    assert again.counts == submission.counts
    assert (
        list(
            WorkerListRow.objects.filter(submission=submission).values_list(
                "row_number", "nik", "outcome", "errors"
            )
        )
        == rows_before
    )
    assert list(EnrollmentLead.objects.values_list("nik", "agency_id", "branch_id")) == leads_before


def test_a_rerun_after_a_crash_mid_load_cleans_up_the_partial_rows(world, agency):
    submission = submit_file(agency=agency, data=csv_bytes([worker(1), worker(2)]))
    # What a worker killed after the first batch leaves behind.
    WorkerListRow.objects.create(submission=submission, row_number=1, nik=nik(1), outcome="")

    done = worker_list_process(submission_id=submission.pk)

    assert done.counts["new_lead"] == 2
    assert WorkerListRow.objects.filter(submission=submission).count() == 2


def test_a_file_that_cannot_be_read_fails_with_a_reason(world, agency):
    submission = submit_file(agency=agency, data=b"\x00\x01\x02 binary", filename="x.csv")

    failed = worker_list_process(submission_id=submission.pk)

    assert failed.status == SubmissionStatus.FAILED
    assert "biner" in failed.failure_message


def test_a_file_without_the_required_headers_fails_naming_the_missing_columns(world, agency):
    submission = submit_file(agency=agency, data=b"foo,bar\n1,2\n")

    failed = worker_list_process(submission_id=submission.pk)

    assert failed.status == SubmissionStatus.FAILED
    assert "nik, full_name, birth_date, work_regency_code" in failed.failure_message


def test_a_broken_xlsx_fails_with_a_reason(world, agency):
    submission = submit_file(agency=agency, data=b"PK\x03\x04 not really a zip", filename="a.xlsx")

    failed = worker_list_process(submission_id=submission.pk)

    assert failed.status == SubmissionStatus.FAILED
    assert "XLSX" in failed.failure_message


def test_a_birth_date_in_the_future_is_invalid(world, agency):
    tomorrow = dt.date.today() + dt.timedelta(days=1)

    submission = process(agency, [worker(1, birth_date=tomorrow.isoformat())])

    assert "birth_date_invalid" in error_codes(submission, 1)


def test_a_finished_list_refreshes_this_months_coverage_once_it_commits(
    world, agency, django_capture_on_commit_callbacks
):
    from coverage.models import CoverageSnapshot

    with django_capture_on_commit_callbacks(execute=True):
        process(agency, [worker(1)])

    assert CoverageSnapshot.objects.filter(level="regency", code="36.73").exists()


def test_a_failed_list_does_not_trigger_a_coverage_recompute(
    world, agency, django_capture_on_commit_callbacks
):
    from coverage.models import CoverageSnapshot

    submission = submit_file(agency=agency, data=b"\x00\x01 not a table", filename="x.xlsx")
    with django_capture_on_commit_callbacks(execute=True):
        processed = worker_list_process(submission_id=submission.pk)

    assert processed.status == SubmissionStatus.FAILED
    assert not CoverageSnapshot.objects.exists()
