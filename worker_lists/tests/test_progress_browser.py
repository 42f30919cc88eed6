"""The processing progress in a real browser: htmx polls it and the bar width follows, with no
Content-Security-Policy violation (bar widths are set by static/js/app.js, not style attributes)."""

import time

import pytest
from django.conf import settings

from core.tests.browser import needs_chromium, screenshot, session_page, watch_csp_violations
from worker_lists.models import SubmissionStatus
from worker_lists.tests.factories import WorkerListSubmissionFactory, submit_file
from worker_lists.tests.helpers import csv_bytes, worker

pytestmark = [pytest.mark.browser, needs_chromium, pytest.mark.django_db(transaction=True)]


def test_the_progress_bar_follows_the_processing_as_htmx_polls(
    browser, live_server, client, agency, agency_user
):
    submission = WorkerListSubmissionFactory(
        agency=agency, status=SubmissionStatus.PROCESSING, total_rows=10, processed_rows=3
    )
    client.force_login(agency_user)
    context = browser.new_context()
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    violations = watch_csp_violations(page)
    page.goto(f"{live_server.url}/daftar-pekerja/{submission.pk}/")
    bar = page.locator("#progress .progress-bar")
    assert bar.evaluate("el => el.style.width") == "30%"

    submission.processed_rows = 6
    submission.save(update_fields=["processed_rows"])
    page.wait_for_function(
        "() => document.querySelector('#progress .progress-bar').style.width === '60%'"
    )
    assert violations == []
    context.close()


@pytest.mark.real_worker
def test_a_100000_row_list_shows_its_real_progress_while_a_real_worker_processes_it(
    browser, live_server, client, real_worker, world, agency, agency_user, settings
):
    """Production shape (PostgreSQL, Redis, a Celery worker): the bar moves through the
    processing, not from 0 straight to 100. The rows repeat 9,999 workers (NIK serials run out);
    the reading, checking and writing of 100,000 rows is what the bar follows."""
    if real_worker is None:
        pytest.skip("needs PostgreSQL, REDIS_URL and a real Celery worker")
    settings.WORKER_LIST_BATCH_ROWS = 5_000  # twenty progress reports
    data = csv_bytes([worker(index % 9_999 + 1) for index in range(100_000)])
    page = session_page(browser, live_server, client, agency_user, 1366)

    submission = submit_file(agency=agency, data=data, reference="Honorer 100 ribu")
    page.goto(f"{live_server.url}/daftar-pekerja/{submission.pk}/")
    widths = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        bar = page.locator("#progress .progress-bar")
        # What the server said (app.js turns it into the bar's width after each htmx swap).
        widths.append(int(bar.get_attribute("data-progress-width") or 0))
        # Finished (committed), not merely every row read: the bar turns green.
        if "bg-success" in (bar.get_attribute("class") or ""):
            break
        time.sleep(0.1)

    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.DONE
    assert widths[-1] == 100
    assert any(0 < width < 100 for width in widths), widths
    screenshot(page, "worker-list-progress-100k")
