"""An HR officer of a regional government in a real browser (Debian's chromium via Playwright):
downloads the template, uploads a list as their spreadsheet saved it (dd/mm/yyyy dates, regency
codes without the dot, a column of the office's own), reads the report and downloads the rows to
fix, which keep that column and the cells as typed. Screenshots go to artifacts/screenshots/."""

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from core.tests.browser import SCREENSHOTS, needs_chromium

from .helpers import INDONESIAN_HEADERS, nik

pytestmark = [pytest.mark.browser, needs_chromium]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def office_list(path: Path) -> Path:
    """As a regional office's spreadsheet saves CSV: semicolons, Windows-1252, day-first dates,
    and a column of the office's own (keterangan)."""
    text = io.StringIO(newline="")
    writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
    office = ["Dinas Pendidikan"]
    writer.writerow([*INDONESIAN_HEADERS, "keterangan"])
    writer.writerow([nik(1), "Siti Müller", "12/04/1990", "3673", *office, "Guru", "SK 12"])
    writer.writerow([nik(2), "Budi Santoso", "31/02/1990", "3673", *office, "Staf", "SK 13"])
    writer.writerow([nik(1), "Siti Müller", "12/04/1990", "3673", *office, "Guru", "SK 12"])
    writer.writerow([nik(3), "Ani Lestari", "12-04-1990", "3671", "Satpol PP", "Anggota", ""])
    path.write_bytes(text.getvalue().encode("cp1252"))
    return path


def _download(page, selector) -> bytes:
    with page.expect_download() as download:
        page.click(selector)
    return Path(download.value.path()).read_bytes()


@pytest.mark.parametrize(("width", "height"), [(360, 800), (1366, 900)])
def test_an_hr_officer_uploads_an_office_list_and_downloads_the_rows_to_fix(
    browser, live_server, world, agency_user, tmp_path, width, height
):
    context = browser.new_context(
        locale="id-ID", viewport={"width": width, "height": height}, accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{live_server.url}/masuk/")
    page.fill("#id_username", agency_user.username)
    page.fill("#id_password", "test-pass-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/daftar-pekerja/")
    page.screenshot(path=str(SCREENSHOTS / f"worker-list-upload-{width}.png"), full_page=True)

    template = load_workbook(io.BytesIO(_download(page, "[data-testid=template-xlsx]")))
    assert [c.value for c in template.active[1]] == INDONESIAN_HEADERS
    assert template.sheetnames[1] == "petunjuk"

    page.fill("#id_reference", "Honorer Kota Serang 2026")
    page.set_input_files("#id_file", str(office_list(tmp_path / "daftar-honorer.csv")))
    page.click("form[enctype] button[type=submit]")
    page.wait_for_url(f"{live_server.url}/daftar-pekerja/*/")
    page.screenshot(path=str(SCREENSHOTS / f"worker-list-after-upload-{width}.png"), full_page=True)
    page.wait_for_selector("[data-testid=count-new_lead]")
    page.screenshot(path=str(SCREENSHOTS / f"worker-list-report-{width}.png"), full_page=True)
    assert page.inner_text("[data-testid=count-new_lead]") == "2"
    assert page.inner_text("[data-testid=count-invalid]") == "1"
    assert page.inner_text("[data-testid=count-duplicate_in_list]") == "1"

    report = load_workbook(io.BytesIO(_download(page, "text=Unduh laporan (XLSX)"))).active
    rows = [[cell.value for cell in row] for row in report.iter_rows()]
    assert rows[0][:8] == ["baris_excel", *INDONESIAN_HEADERS, "keterangan"]
    assert rows[1][0] == 2
    # Valid rows read back as the list was understood: dd/mm/yyyy and 3673 became a date and
    # 36.73; the office's own column is there.
    assert rows[1][3:5] == ["1990-04-12", "36.73"]
    assert rows[1][7] == "SK 12"
    assert rows[3][9:11] == ["duplicate_in_list", 2]

    fix = load_workbook(io.BytesIO(_download(page, "[data-testid=fix-xlsx]"))).active
    fix_rows = [[cell.value for cell in row] for row in fix.iter_rows()]
    assert fix_rows[0][:7] == [*INDONESIAN_HEADERS, "keterangan"]
    assert len(fix_rows) == 2
    # As the officer typed it, to correct: 31/02/1990 is no date; the extra column survives.
    assert fix_rows[1][:7] == [
        nik(2),
        "Budi Santoso",
        "31/02/1990",
        "3673",
        "Dinas Pendidikan",
        "Staf",
        "SK 13",
    ]
    context.close()
