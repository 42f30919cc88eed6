"""Lists as a regional HR officer's spreadsheet produces them: Indonesian dates, regency codes
without their dot, stray NULs and quotes, over-long values (issue 13, the officer's side)."""

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from worker_lists.models import EnrollmentLead, RowOutcome, SubmissionStatus, WorkerListRow
from worker_lists.reading import UnreadableFileError, check_header, failure_message
from worker_lists.services import worker_list_process
from worker_lists.validation import RowChecker

from .factories import submit_file
from .helpers import BIRTH, HEADERS, csv_bytes, nik, worker

pytestmark = pytest.mark.django_db


def processed(agency, data, filename="daftar.csv"):
    submission = submit_file(agency=agency, data=data, filename=filename)
    return worker_list_process(submission_id=submission.pk)


def rows_of(submission):
    return list(WorkerListRow.objects.filter(submission=submission).order_by("row_number"))


def codes(row):
    return [error["code"] for error in row.errors]


@pytest.fixture
def checker():
    return RowChecker(
        known_district_codes={"36.73.01"},
        known_regency_codes={"36.73"},
        today=dt.date(2026, 11, 26),
    )


def check(checker, **overrides):
    values = worker(1, **overrides)
    raw = (*(values[field] for field in HEADERS), "", None, None)
    return checker.check(1, raw)


@pytest.mark.parametrize(
    "typed",
    [
        "12/04/1990",
        "12-04-1990",
        "12.04.1990",
        "12/4/1990",
        "1990-04-12",
        "1990/04/12",
        "12 April 1990",
        "12 Apr 1990",
        "12-Agu-1990".replace("Agu", "Apr"),
        "12 april 1990",
        "1990-04-12 00:00:00",
    ],
)
def test_birth_dates_in_the_forms_indonesian_offices_use_are_read_day_first(checker, typed):
    row = check(checker, birth_date=typed)

    assert row.birth_date == BIRTH
    assert row.errors is None


@pytest.mark.parametrize("typed", ["12/04/90", "12-Apr-90", "12 April 90"])
def test_a_two_digit_year_is_refused_as_ambiguous(checker, typed):
    row = check(checker, birth_date=typed)

    assert row.errors == [{"field": "birth_date", "code": "birth_date_ambiguous"}]


@pytest.mark.parametrize("typed", ["04/13/1990", "31/02/1990", "12041990", "kemarin"])
def test_a_date_that_is_not_day_month_year_is_refused_showing_the_expected_form(checker, typed):
    row = check(checker, birth_date=typed)

    assert row.errors == [{"field": "birth_date", "code": "birth_date_invalid"}]


def test_the_birth_date_message_shows_the_expected_form():
    from django.utils import translation

    from worker_lists.validation import error_message

    # In Indonesian whatever language an earlier test's request left active in this thread.
    with translation.override("id"):
        assert "HH/BB/TTTT (mis. 12/04/1990)" in error_message("birth_date_invalid")


def test_an_excel_date_stored_as_its_day_number_is_read(checker):
    row = check(checker, birth_date=32975)

    assert row.birth_date == BIRTH


@pytest.mark.parametrize("typed", ["3673", 3673, 3673.0, "36.73", " 36.73 "])
def test_a_regency_code_without_its_dot_is_read(checker, typed):
    row = check(checker, work_regency_code=typed)

    assert (row.regency_code, row.errors) == ("36.73", None)


@pytest.mark.parametrize(
    ("field", "length", "code"),
    [
        ("full_name", 151, "name_too_long"),
        ("unit", 201, "unit_too_long"),
        ("position", 201, "position_too_long"),
    ],
)
def test_an_over_long_value_is_an_error_not_a_truncation(checker, field, length, code):
    row = check(checker, **{field: "A" * length})

    assert row.errors == [{"field": field, "code": code}]


def test_values_at_their_limit_are_accepted(checker):
    row = check(checker, full_name="A" * 150, unit="U" * 200, position="P" * 200)

    assert row.errors is None


def test_a_nul_in_one_cell_fails_only_that_row_with_a_field_error(world, agency):
    data = csv_bytes([worker(1, full_name="Budi\x00 Santoso"), worker(2)])

    done = processed(agency, data)

    first, second = rows_of(done)
    assert done.status == SubmissionStatus.DONE
    assert (first.outcome, codes(first), first.full_name) == (
        RowOutcome.INVALID,
        ["control_character"],
        "Budi Santoso",
    )
    assert second.outcome == RowOutcome.NEW_LEAD


def test_a_binary_file_still_fails_as_a_whole(world, agency):
    done = processed(agency, b"\x00\x01\x02\x00 binary\x00\x00")

    assert done.status == SubmissionStatus.FAILED
    assert done.failure_reason == "file_binary"


def test_an_unbalanced_quote_is_reported_and_the_next_rows_are_still_read(world, agency):
    good = csv_bytes([worker(2), worker(3)]).split(b"\r\n", 1)[1]
    broken = f'{nik(1)},"Budi,1990-04-12,36.73,Dinas Uji,Staf\r\n'.encode()
    data = b",".join(h.encode() for h in HEADERS) + b"\r\n" + broken + good

    done = processed(agency, data)

    rows = rows_of(done)
    assert [(row.row_number, row.outcome) for row in rows] == [
        (1, RowOutcome.INVALID),
        (2, RowOutcome.NEW_LEAD),
        (3, RowOutcome.NEW_LEAD),
    ]
    assert {"field": "row", "code": "row_spans_lines"} in rows[0].errors


def test_dates_and_regency_codes_as_an_office_spreadsheet_saves_them_make_leads(world, agency):
    data = csv_bytes(
        [worker(1, birth_date="12/04/1990", work_regency_code="3673")],
        delimiter=";",
        encoding="cp1252",
    )

    done = processed(agency, data)

    assert done.counts["new_lead"] == 1
    assert EnrollmentLead.objects.get(nik=nik(1)).work_regency_id == "36.73"


def test_an_xlsx_with_a_date_cell_and_a_numeric_regency_code_is_read(world, agency):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    sheet.append([nik(1), "Budi", dt.datetime(1990, 4, 12), 3673, "Dinas", "Staf"])
    output = io.BytesIO()
    workbook.save(output)

    done = processed(agency, output.getvalue(), filename="daftar.xlsx")

    assert done.counts["new_lead"] == 1


def test_the_failure_reason_is_stored_as_a_code_and_read_in_the_readers_language(
    world, agency, settings
):
    from django.utils import translation

    done = processed(agency, b"foo,bar\n1,2\n")

    assert done.failure_reason.startswith("header_columns_missing ")
    with translation.override("en"):
        assert "Required columns missing" in failure_message(done.failure_reason)
    with translation.override("id"):
        assert "Kolom wajib tidak ditemukan" in failure_message(done.failure_reason)


@pytest.mark.parametrize(
    ("data", "filename", "code"),
    [
        (b"", "a.csv", "file_empty"),
        (b"\r\n\r\n", "a.csv", "file_empty"),
        (b"foo,bar\n1,2\n", "a.csv", "header_columns_missing"),
        (b"\x00\x01\x02garbage", "a.csv", "file_binary"),
        (b"PK\x03\x04 not a zip", "a.xlsx", "xlsx_unreadable"),
    ],
)
def test_the_header_check_at_submission_names_what_is_wrong(data, filename, code):
    with pytest.raises(UnreadableFileError) as raised:
        check_header(io.BytesIO(data), filename=filename)

    assert raised.value.code == code


def test_the_header_check_accepts_indonesian_headers_with_a_bom_and_semicolons():
    data = "\ufeffnik;nama;tanggal_lahir;kode_kabkota\n".encode()

    check_header(io.BytesIO(data), filename="a.csv")
