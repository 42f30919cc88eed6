"""A list's report page in a real browser at phone and desktop width (Debian's chromium driven by
Playwright): every outcome's count, the new ones included. Screenshots in artifacts/screenshots/."""

import os
from pathlib import Path

import pytest
from django.conf import settings

from participants.tests.factories import ParticipantFactory
from worker_lists.services import worker_list_process

from .factories import submit_file
from .helpers import BIRTH, csv_bytes, nik, worker

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (/usr/bin/chromium)"),
]


@pytest.fixture(scope="module")
def browser():
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    sync_api = pytest.importorskip("playwright.sync_api")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.mark.parametrize("width", [360, 1366])
def test_the_report_shows_every_outcome_count_at_phone_and_desktop_width(
    browser, live_server, transactional_db, world, agency, agency_user, width, monkeypatch
):
    monkeypatch.setattr("worker_lists.services._enqueue", lambda submission_id: True)
    ParticipantFactory(nik=nik(1), full_name="Siti Rahmawati", birth_date=BIRTH)
    worker_list_process(submission_id=submit_file(agency=agency, data=csv_bytes([worker(2)])).pk)
    rows = [worker(1, full_name="Nama Lain"), worker(2), worker(3), worker(3), worker(4, nik="x")]
    submission = submit_file(agency=agency, data=csv_bytes(rows), reference="Honorer tahap 2")
    worker_list_process(submission_id=submission.pk)
    context = browser.new_context(locale="id-ID", viewport={"width": width, "height": 800})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{live_server.url}/masuk/")
    page.fill("#id_username", agency_user.username)
    page.fill("#id_password", "test-pass-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/daftar-pekerja/{submission.pk}/")
    page.screenshot(path=str(SCREENSHOTS / f"worker-list-report-{width}.png"), full_page=True)

    counts = {
        key: page.get_by_test_id(f"count-{key}").inner_text()
        for key in ("needs_verification", "existing_lead", "new_lead", "invalid")
    }
    assert counts == {
        "needs_verification": "1",
        "existing_lead": "1",
        "new_lead": "1",
        "invalid": "1",
    }
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()
