"""The report and the fix file give the partner's own file back (issue 13): every original
column, the partner's extra ones included, and invalid rows as they were typed, from the cells
kept with the list for WORKER_LIST_SOURCE_CELLS_DAYS (the raw file itself is deleted, issue 9)."""

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from worker_lists.models import WorkerListRow, WorkerListSubmission
from worker_lists.services import (
    worker_list_process,
    worker_list_source_cells_purge,
    worker_list_submit,
)
from worker_lists.tasks import worker_list_rows_purge_task

from .factories import submit_file
from .helpers import INDONESIAN_HEADERS, csv_bytes, nik, worker

pytestmark = pytest.mark.django_db

API = "/api/v1/worker-lists/"
# The partner's order, with a column of their own in the middle.
PARTNER_HEADER = ["nama", "nik", "catatan_opd", "tanggal_lahir", "kode_kabkota"]


def partner_csv(lines: list[list[str]]) -> bytes:
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(PARTNER_HEADER)
    writer.writerows(lines)
    return text.getvalue().encode()


@pytest.fixture
def partner_list(world, agency):
    """Row 2 valid with a note, row 3 a date that is no date (and a note), row 4 valid, no note."""
    data = partner_csv(
        [
            ["Pekerja 1", nik(1), "kontrak 2026", "12/04/1990", "3673"],
            ["Pekerja 2", nik(2), "cek ijazah", "31 Februari 90", "3673"],
            ["Pekerja 3", nik(3), "", "12/04/1990", "3673"],
        ]
    )
    submission = submit_file(agency=agency, data=data, filename="opd.csv")
    return worker_list_process(submission_id=submission.pk)


def csv_download(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def xlsx_rows(response) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return [list(row) for row in sheet.values]


def test_the_report_keeps_the_files_columns_its_extra_column_and_a_typed_bad_date(
    partner_list, api_client
):
    table = csv_download(api_client.get(f"{API}{partner_list.pk}/report.csv"))

    assert table[0][:6] == ["baris_excel", *PARTNER_HEADER]
    assert table[1][:6] == ["2", "Pekerja 1", nik(1), "kontrak 2026", "1990-04-12", "36.73"]
    assert table[2][:6] == ["3", "Pekerja 2", nik(2), "cek ijazah", "31 Februari 90", "3673"]
    assert (table[2][7], table[3][3]) == ("invalid", "")


def test_the_xlsx_fix_file_keeps_the_extra_column_and_the_bad_date_as_typed(
    partner_list, api_client
):
    rows = xlsx_rows(api_client.get(f"{API}{partner_list.pk}/fix.xlsx"))

    assert rows[0] == [*PARTNER_HEADER, "baris_asal_excel", "kesalahan"]
    assert len(rows) == 2
    assert rows[1][:6] == ["Pekerja 2", nik(2), "cek ijazah", "31 Februari 90", "3673", 3]


def test_the_xlsx_report_keeps_the_extra_column_of_valid_rows(partner_list, api_client):
    rows = xlsx_rows(api_client.get(f"{API}{partner_list.pk}/report.xlsx"))

    assert [row[3] for row in rows[1:]] == ["kontrak 2026", "cek ijazah", None]


def test_a_json_bodys_extra_keys_and_typed_values_come_back_in_the_fix_file(
    world, agency, api_client
):
    submission, _created = worker_list_submit(
        agency=agency,
        reference="json",
        rows=[
            {**worker(1), "nip_pppk": "P-001"},
            {**worker(2, birth_date="kemarin"), "nip_pppk": "P-002"},
        ],
    )
    worker_list_process(submission_id=submission.pk)

    table = csv_download(api_client.get(f"{API}{submission.pk}/fix.csv"))

    assert table[0][:7] == [*INDONESIAN_HEADERS, "nip_pppk"]
    assert table[1][:7] == [
        nik(2),
        "Pekerja Sintetis 2",
        "kemarin",
        "36.73",
        "Dinas Uji",
        "Staf",
        "P-002",
    ]


@pytest.mark.parametrize("download", ["report", "fix"])
def test_typed_niks_are_masked_for_the_board(partner_list, management_user, download):
    client = APIClient()
    client.force_login(management_user)

    table = csv_download(client.get(f"{API}{partner_list.pk}/{download}.csv"))

    text = "\n".join(",".join(row) for row in table)
    assert nik(2) not in text
    assert f"{nik(2)[:4]}********{nik(2)[-4:]}" in text


def test_a_template_file_keeps_no_cells_for_its_valid_rows(world, agency):
    data = csv_bytes([worker(1), worker(2)], headers=INDONESIAN_HEADERS)
    submission = submit_file(agency=agency, data=data)
    worker_list_process(submission_id=submission.pk)

    assert list(
        WorkerListRow.objects.filter(submission=submission).values_list("source_cells", flat=True)
    ) == [None, None]


def test_only_the_extra_columns_of_a_valid_row_are_kept(partner_list):
    kept = dict(
        WorkerListRow.objects.filter(submission=partner_list).values_list(
            "row_number", "source_cells"
        )
    )

    assert kept == {
        1: ["kontrak 2026"],
        2: ["Pekerja 2", nik(2), "cek ijazah", "31 Februari 90", "3673"],
        3: None,
    }


NOW = timezone.make_aware(dt.datetime(2026, 11, 26, 12, 0))


def _submitted(submission, when):
    WorkerListSubmission.objects.filter(pk=submission.pk).update(created_at=when)


def test_the_cells_are_emptied_after_the_window_and_the_report_falls_back_to_the_template(
    partner_list, api_client, settings
):
    settings.WORKER_LIST_SOURCE_CELLS_DAYS = 30
    _submitted(partner_list, NOW - dt.timedelta(days=31))

    assert worker_list_source_cells_purge(now=NOW) == 1

    assert not WorkerListRow.objects.filter(
        submission=partner_list, source_cells__isnull=False
    ).exists()
    fix = csv_download(api_client.get(f"{API}{partner_list.pk}/fix.csv"))
    assert fix[0] == [*INDONESIAN_HEADERS, "baris_asal_excel", "kesalahan"]
    assert fix[1][:3] == [nik(2), "Pekerja 2", ""]


def test_the_cells_are_kept_within_the_window(partner_list, settings):
    settings.WORKER_LIST_SOURCE_CELLS_DAYS = 30
    _submitted(partner_list, NOW - dt.timedelta(days=29))

    assert worker_list_source_cells_purge(now=NOW) == 0

    partner_list.refresh_from_db()
    assert partner_list.source_header == PARTNER_HEADER


def test_the_daily_purge_task_empties_the_cells_past_the_window(partner_list, settings):
    settings.WORKER_LIST_SOURCE_CELLS_DAYS = 0

    worker_list_rows_purge_task.delay()

    partner_list.refresh_from_db()
    assert partner_list.source_header is None
    assert not WorkerListRow.objects.filter(
        submission=partner_list, source_cells__isnull=False
    ).exists()


def test_the_default_window_is_30_days():
    from django.conf import settings

    assert settings.WORKER_LIST_SOURCE_CELLS_DAYS == 30


def test_the_api_documentation_states_the_window(world, api_client):
    schema = api_client.get("/api/v1/schema/").content.decode()

    assert "WORKER_LIST_SOURCE_CELLS_DAYS" in schema
    assert "30 days after submission" in schema


def test_columns_far_to_the_right_of_the_header_are_not_kept(world, agency):
    from worker_lists.reading import SOURCE_MAX_COLUMNS

    header = [*INDONESIAN_HEADERS, *[f"x{n}" for n in range(SOURCE_MAX_COLUMNS)]]
    line = [nik(1), "", "12/04/1990", "3673", "", "", *["y"] * SOURCE_MAX_COLUMNS]
    data = ",".join(header).encode() + b"\r\n" + ",".join(line).encode() + b"\r\n"
    submission = worker_list_process(submission_id=submit_file(agency=agency, data=data).pk)

    assert len(submission.source_header) == SOURCE_MAX_COLUMNS
    assert len(WorkerListRow.objects.get(submission=submission).source_cells) == SOURCE_MAX_COLUMNS


def test_a_json_extra_value_over_several_lines_does_not_make_its_row_invalid(world, agency):
    submission, _created = worker_list_submit(
        agency=agency, reference="json", rows=[{**worker(1), "catatan": "baris satu\nbaris dua"}]
    )
    worker_list_process(submission_id=submission.pk)

    row = WorkerListRow.objects.get(submission=submission)
    assert (row.errors, row.source_cells) == ([], ["baris satu baris dua"])
