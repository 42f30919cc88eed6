"""The report, the "fix these rows" file and the templates: what an HR officer downloads to
correct a list and send it again (issue 13)."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from worker_lists.models import SubmissionStatus, WorkerListRow
from worker_lists.reading import check_header
from worker_lists.services import worker_list_process

from .factories import submit_file
from .helpers import INDONESIAN_HEADERS, nik, worker

pytestmark = pytest.mark.django_db

API = "/api/v1/worker-lists/"


def office_csv(lines: list[list[str]]) -> bytes:
    """A list as an Indonesian office saves it: semicolons, Windows-1252, an extra column."""
    text = io.StringIO(newline="")
    writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
    writer.writerow([*INDONESIAN_HEADERS, "keterangan"])
    writer.writerows(lines)
    return text.getvalue().encode("cp1252")


def line(serial: int, *, name=None, birth="12/04/1990", regency="3673", note="") -> list[str]:
    return [nik(serial), name or f"Pekerja {serial}", birth, regency, "Dinas Uji", "Staf", note]


@pytest.fixture
def processed_list(world, agency):
    data = office_csv(
        [
            line(1, note="honorer"),
            line(2, birth="31/02/1990"),
            line(1, note="ganda"),
            line(3, name="Siti Müller"),
        ]
    )
    submission = submit_file(agency=agency, data=data, filename="daftar.csv")
    return worker_list_process(submission_id=submission.pk)


def csv_download(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def xlsx_download(response):
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def test_the_report_shows_labels_codes_errors_and_the_row_a_duplicate_repeats(
    processed_list, api_client
):
    table = csv_download(api_client.get(f"{API}{processed_list.pk}/report.csv"))

    invalid, duplicate = table[2], table[3]
    assert (invalid[0], invalid[8], invalid[9]) == ("3", "Tidak valid", "invalid")
    assert invalid[11] == "birth_date_invalid"
    assert (duplicate[0], duplicate[8], duplicate[9], duplicate[10]) == (
        "4",
        "Ganda dalam daftar",
        "duplicate_in_list",
        "2",
    )


def test_the_report_answers_in_english_when_asked(processed_list, api_client):
    table = csv_download(
        api_client.get(f"{API}{processed_list.pk}/report.csv", headers={"Accept-Language": "en"})
    )

    assert table[0][0] == "excel_row"
    assert table[1][8] == "New lead"


def test_the_fix_file_holds_only_the_invalid_rows(processed_list, api_client):
    table = csv_download(api_client.get(f"{API}{processed_list.pk}/fix.csv"))

    assert table[0] == [*INDONESIAN_HEADERS, "keterangan", "baris_asal_excel", "kesalahan"]
    assert len(table) == 2
    assert table[1][7] == "3"
    assert "birth_date" in table[1][8]


def test_the_fix_file_corrected_can_be_sent_again_as_it_is(processed_list, api_client, agency):
    workbook = xlsx_download(api_client.get(f"{API}{processed_list.pk}/fix.xlsx"))
    sheet = workbook.active
    sheet["C2"] = "12/04/1990"
    corrected = io.BytesIO()
    workbook.save(corrected)
    check_header(io.BytesIO(corrected.getvalue()), filename="perbaiki.xlsx")

    resent = submit_file(agency=agency, data=corrected.getvalue(), filename="perbaiki.xlsx")
    done = worker_list_process(submission_id=resent.pk)

    assert (done.status, done.counts["new_lead"], done.counts["invalid"]) == (
        SubmissionStatus.DONE,
        1,
        0,
    )


def test_the_xlsx_report_of_an_xlsx_list_keeps_its_cells(world, agency, api_client):
    from .helpers import xlsx_bytes

    submission = submit_file(
        agency=agency, data=xlsx_bytes([worker(1), worker(2, full_name="")]), filename="a.xlsx"
    )
    worker_list_process(submission_id=submission.pk)

    sheet = xlsx_download(api_client.get(f"{API}{submission.pk}/report.xlsx")).active

    assert [cell.value for cell in sheet[3]][:3] == [3, nik(2), None]
    assert sheet["B2"].data_type == "s"


def test_the_report_shows_the_stored_rows_under_the_templates_headers(processed_list, api_client):
    table = csv_download(api_client.get(f"{API}{processed_list.pk}/report.csv"))

    assert table[0][1:7] == INDONESIAN_HEADERS
    assert table[1][:4] == ["2", nik(1), "Pekerja 1", "1990-04-12"]


def test_the_report_reads_in_a_fixed_number_of_queries(
    processed_list, api_client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        response = api_client.get(f"{API}{processed_list.pk}/report.csv")
        b"".join(response.streaming_content)


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_template_has_the_headers_and_an_example_row(client, agency_user, file_format):
    client.force_login(agency_user)

    response = client.get(reverse("worker-list-template", args=[file_format]))

    content = b"".join(response.streaming_content)
    if file_format == "csv":
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    else:
        rows = [list(r) for r in load_workbook(io.BytesIO(content)).active.values]
    assert rows[0] == INDONESIAN_HEADERS
    assert rows[1][2:4] == ["12/04/1990", "3673"]


def test_the_xlsx_template_has_a_notes_sheet(client, agency_user):
    client.force_login(agency_user)

    response = client.get(reverse("worker-list-template", args=["xlsx"]))

    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["daftar", "petunjuk"]
    notes = " ".join(row[0] for row in workbook["petunjuk"].values)
    assert "HH/BB/TTTT" in notes
    assert "Teks" in notes


def test_the_template_as_downloaded_is_a_valid_list(world, agency, client, agency_user):
    client.force_login(agency_user)
    content = b"".join(client.get(reverse("worker-list-template", args=["xlsx"])).streaming_content)

    done = worker_list_process(
        submission_id=submit_file(agency=agency, data=content, filename="t.xlsx").pk
    )

    assert WorkerListRow.objects.get(submission=done).errors == []


def test_the_detail_page_offers_the_fix_file_when_rows_are_invalid(
    processed_list, client, agency_user
):
    client.force_login(agency_user)

    page = client.get(reverse("worker-list-detail", args=[processed_list.pk])).content.decode()

    assert reverse("api-worker-list-fix-rows", args=[processed_list.pk, "xlsx"]) in page
