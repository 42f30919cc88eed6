"""The file dialects partners really send, processed end to end through the service."""

import pytest

from worker_lists.models import EnrollmentLead, RowOutcome, SourceFormat, WorkerListRow
from worker_lists.services import worker_list_process

from .factories import submit_file
from .helpers import INDONESIAN_HEADERS, csv_bytes, nik, worker, xlsx_bytes

pytestmark = pytest.mark.django_db


def processed(agency, data, filename="daftar.csv"):
    submission = submit_file(agency=agency, data=data, filename=filename)
    return worker_list_process(submission_id=submission.pk)


def test_utf8_csv_with_a_bom_reads_the_first_header(world, agency):
    done = processed(agency, csv_bytes([worker(1)], bom=True))

    assert done.counts["new_lead"] == 1


def test_semicolon_csv_with_indonesian_headers_is_read(world, agency):
    data = csv_bytes([worker(1), worker(2)], delimiter=";", headers=INDONESIAN_HEADERS)

    done = processed(agency, data)

    assert done.counts["new_lead"] == 2
    assert EnrollmentLead.objects.get(nik=nik(2)).position == "Staf"


def test_windows_1252_csv_keeps_accented_names(world, agency):
    data = csv_bytes([worker(1, full_name="Siti Müller Ñoño")], encoding="cp1252", delimiter=";")

    processed(agency, data)

    assert EnrollmentLead.objects.get(nik=nik(1)).full_name == "Siti Müller Ñoño"


def test_blank_lines_are_skipped_but_still_counted_in_row_numbers(world, agency):
    data = csv_bytes([worker(1), worker(2)], blank_lines_after=(1,))

    done = processed(agency, data)

    assert done.counts["total"] == 2
    assert list(
        WorkerListRow.objects.filter(submission=done).values_list("row_number", flat=True)
    ) == [1, 3]


def test_xlsx_with_the_nik_stored_as_a_number_is_accepted(world, agency):
    data = xlsx_bytes([worker(1, nik=int(nik(1)))])

    done = processed(agency, data, filename="daftar.xlsx")

    assert done.source_format == SourceFormat.XLSX
    assert WorkerListRow.objects.get(submission=done).outcome == RowOutcome.NEW_LEAD


def test_xlsx_nik_pasted_in_scientific_notation_is_reported_damaged(world, agency):
    data = xlsx_bytes([worker(1, nik="3.67301E+15")])

    done = processed(agency, data, filename="daftar.xlsx")

    row = WorkerListRow.objects.get(submission=done)
    assert {"field": "nik", "code": "nik_spreadsheet_damaged"} in row.errors


def test_xlsx_date_cells_are_read_as_birth_dates(world, agency):
    import datetime as dt

    data = xlsx_bytes([worker(1, birth_date=dt.datetime(1990, 4, 12))], headers=INDONESIAN_HEADERS)

    done = processed(agency, data, filename="daftar.xlsx")

    assert done.counts["new_lead"] == 1


def test_xlsx_blank_rows_are_skipped(world, agency):
    data = xlsx_bytes([worker(1), {}, worker(2)])

    done = processed(agency, data, filename="daftar.xlsx")

    assert done.counts["total"] == 2


def test_a_csv_without_the_optional_columns_reads_them_as_empty(world, agency):
    data = (f"nik,nama,tanggal_lahir,kode_kabkota\r\n{nik(1)},Ani,1990-04-12,36.73\r\n").encode()

    processed(agency, data)

    lead = EnrollmentLead.objects.get(nik=nik(1))
    assert (lead.full_name, lead.unit, lead.position) == ("Ani", "", "")


def test_a_short_csv_row_reads_its_missing_cells_as_empty(world, agency):
    data = (
        "jabatan,nik,nama,tanggal_lahir,kode_kabkota,unit_kerja\r\n"
        f"Guru,{nik(1)},Ani,1990-04-12,36.73\r\n"
    ).encode()

    processed(agency, data)

    lead = EnrollmentLead.objects.get(nik=nik(1))
    assert (lead.position, lead.work_regency_id, lead.unit) == ("Guru", "36.73", "")


def test_a_short_xlsx_row_reads_its_missing_cells_as_empty(world, agency):
    data = xlsx_bytes([{**worker(1), "unit": None, "position": None}])

    processed(agency, data, filename="daftar.xlsx")

    lead = EnrollmentLead.objects.get(nik=nik(1))
    assert (lead.unit, lead.position) == ("", "")
