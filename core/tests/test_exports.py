"""Every download the app writes goes through core.exports, which defuses spreadsheet formulas."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.cell.cell import TYPE_FORMULA
from rest_framework.test import APIClient

from agencies.models import AgencyAPIKey
from core.exports import export_response
from coverage.services import coverage_compute
from coverage.tests.factories import AFTERWARDS
from employers.tests.factories import EmployerFactory
from worker_lists.tests.helpers import worker

FORMULA_NAME = '=HYPERLINK("http://x","y")'
ESCAPED_NAME = "'" + FORMULA_NAME
DANGEROUS = ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"]


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def _csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(_body(response).decode("utf-8-sig"), newline="")))


def _xlsx_sheet(response):
    return load_workbook(io.BytesIO(_body(response))).active


def _export(file_format: str, rows: list[list[object]]):
    return export_response(header=["value"], rows=rows, file_format=file_format, filename="uji")


@pytest.mark.parametrize("value", DANGEROUS)
def test_csv_cells_starting_like_a_formula_get_an_apostrophe(value):
    assert _csv_rows(_export("csv", [[value]]))[1] == ["'" + value]


@pytest.mark.parametrize("value", DANGEROUS)
def test_xlsx_cells_starting_like_a_formula_are_escaped_text(value):
    cell = _xlsx_sheet(_export("xlsx", [[value]]))["A2"]
    # XML reads a bare CR back as LF; what matters is the apostrophe in front.
    assert cell.value == "'" + value.replace("\r", "\n")
    assert cell.data_type != TYPE_FORMULA


def test_numbers_and_harmless_text_are_left_alone():
    sheet = _xlsx_sheet(_export("xlsx", [[-5, "PT Alfa"]]))
    assert [cell.value for cell in sheet[2]] == [-5, "PT Alfa"]


def test_csv_starts_with_a_bom_and_names_the_file():
    response = _export("csv", [])
    assert _body(response).startswith("\ufeff".encode())
    assert response["Content-Disposition"] == 'attachment; filename="uji.csv"'


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_exports_are_never_cached(file_format):
    response = _export(file_format, [])
    assert response["Cache-Control"] == "no-store, private"
    assert "uji." + file_format in response["Content-Disposition"]


def test_an_unknown_format_is_refused():
    with pytest.raises(ValueError, match="pdf"):
        _export("pdf", [])


@pytest.mark.django_db
def test_employer_list_csv_escapes_a_formula_name(client, branch_user, branch_serang):
    EmployerFactory(name=FORMULA_NAME, branch=branch_serang)
    client.force_login(branch_user)
    response = client.get(reverse("employers:list"), {"export": "csv"})
    assert _csv_rows(response)[1][1] == ESCAPED_NAME
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_employer_list_xlsx_escapes_a_formula_name(client, branch_user, branch_serang):
    EmployerFactory(name=FORMULA_NAME, branch=branch_serang)
    client.force_login(branch_user)
    response = client.get(reverse("employers:list"), {"export": "xlsx"})
    cell = _xlsx_sheet(response)["B2"]
    assert (cell.value, cell.data_type) == (ESCAPED_NAME, "s")


@pytest.fixture
def report_url(settings, tmp_path, agency, branch_serang, django_capture_on_commit_callbacks):
    """The report address of a processed list whose one row has a partner-typed formula name."""
    settings.MEDIA_ROOT = tmp_path / "media"
    _key_obj, key = AgencyAPIKey.objects.create_key(name="uji", agency=agency)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/worker-lists/",
            {"reference": "uji", "rows": [worker(1, full_name=FORMULA_NAME)]},
            format="json",
        )
    return client, response.json()["url"] + "report"


@pytest.mark.django_db
def test_worker_list_report_csv_escapes_a_formula_name(report_url):
    client, url = report_url
    assert _csv_rows(client.get(f"{url}.csv"))[1][2] == ESCAPED_NAME


@pytest.mark.django_db
def test_worker_list_report_xlsx_escapes_a_formula_name(report_url):
    client, url = report_url
    cell = _xlsx_sheet(client.get(f"{url}.xlsx"))["C2"]
    assert (cell.value, cell.data_type) == (ESCAPED_NAME, "s")


@pytest.fixture
def coverage_table_url(client, management_user, branch_serang):
    """A regency page whose non-compliant employer table lists a formula-like employer name."""
    EmployerFactory(name=FORMULA_NAME, regency_id="36.73", branch=branch_serang)
    coverage_compute(period=dt.date(2026, 11, 1), as_of=AFTERWARDS)
    client.force_login(management_user)
    return "/cakupan/kabkota/36.73/?period=2026-11&table=pemberi-kerja-belum-patuh&export="


@pytest.mark.django_db
def test_coverage_table_csv_escapes_a_formula_name(client, coverage_table_url):
    assert _csv_rows(client.get(coverage_table_url + "csv"))[1][0] == ESCAPED_NAME


@pytest.mark.django_db
def test_coverage_table_xlsx_escapes_a_formula_name(client, coverage_table_url):
    cell = _xlsx_sheet(client.get(coverage_table_url + "xlsx"))["A2"]
    assert (cell.value, cell.data_type) == (ESCAPED_NAME, "s")
