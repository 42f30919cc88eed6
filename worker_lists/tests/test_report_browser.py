"""A list's report page in a real browser at phone and desktop width (Debian's chromium driven by
Playwright): every outcome's count, the new ones included. Screenshots in artifacts/screenshots/."""

import pytest

from core.tests.browser import login_page, needs_chromium, screenshot
from participants.tests.factories import ParticipantFactory
from worker_lists.services import worker_list_process

from .factories import submit_file
from .helpers import BIRTH, csv_bytes, nik, worker

pytestmark = [pytest.mark.browser, needs_chromium]


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
    context, page = login_page(
        browser, live_server, agency_user.username, viewport={"width": width, "height": 800}
    )

    page.goto(f"{live_server.url}/daftar-pekerja/{submission.pk}/")
    screenshot(page, f"worker-list-outcomes-{width}")

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
