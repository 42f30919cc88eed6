"""The processing progress in a real browser: htmx polls it and the bar width follows, with no
Content-Security-Policy violation (bar widths are set by static/js/app.js, not style attributes)."""

import threading
import time

import pytest
from django.conf import settings
from playwright.sync_api import Error as PlaywrightError

from core.tests.browser import needs_chromium, screenshot, session_page, watch_csp_violations
from worker_lists.models import SubmissionStatus
from worker_lists.services import _ProgressReporter
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


# Safety nets, so a broken page fails the test instead of blocking the suite.
HOLD_LIMIT_S = 60
FINISH_LIMIT_S = 120


def _bar(page) -> tuple[int, bool] | None:
    """What the server last sent for the bar, read in one go: (width, finished). None while
    htmx reloads the finished page (HX-Refresh)."""
    try:
        return page.eval_on_selector(
            "#progress .progress-bar",
            "bar => [Number(bar.getAttribute('data-progress-width') || 0),"
            " bar.classList.contains('bg-success')]",
        )
    except PlaywrightError:
        return None


@pytest.mark.real_worker
def test_a_100000_row_list_shows_its_real_progress_while_a_real_worker_processes_it(
    browser, live_server, client, real_worker, world, agency, agency_user, settings, monkeypatch
):
    """Production shape (PostgreSQL, Redis, a Celery worker, htmx polling in chromium): what the
    worker reports half way through a 100,000-row list, from its second connection while its
    rows are still uncommitted, reaches the page before the list is done.

    The run is held at half way until the browser has shown a bar between 0 and 100 (at most
    HOLD_LIMIT_S). Without the hold the test raced the worker against htmx's 1 s poll: the
    batches of 100,000 rows take 1-4 s depending on the machine's load (0.5 s of it reading and
    checking on a quiet one), so whether a poll landed inside them was luck (one run here saw a
    single intermediate sample; CI, after the other real-worker tests, saw none: issue 13). The
    earlier tests leave no worker consuming the queue: the run's own pool thread took the list,
    with this test's batch size, and its progress reached every poll made during the run. The
    worker is a thread of this process, so the hold is set here."""
    if real_worker is None:
        pytest.skip("needs PostgreSQL, REDIS_URL and a real Celery worker")
    settings.WORKER_LIST_BATCH_ROWS = 5_000  # twenty progress reports
    shown_mid_run = threading.Event()
    held_at: list[tuple[int, int]] = []
    report = _ProgressReporter.report

    def report_and_hold_half_way(self, *, processed: int, total: int) -> None:
        report(self, processed=processed, total=total)
        if not held_at and total and processed * 2 >= total and processed < total:
            held_at.append((processed, total))
            shown_mid_run.wait(HOLD_LIMIT_S)

    monkeypatch.setattr(_ProgressReporter, "report", report_and_hold_half_way)
    data = csv_bytes([worker(index % 9_999 + 1) for index in range(100_000)])
    page = session_page(browser, live_server, client, agency_user, 1366)

    submission = submit_file(agency=agency, data=data, reference="Honorer 100 ribu")
    page.goto(f"{live_server.url}/daftar-pekerja/{submission.pk}/")
    seen: list[tuple[int, bool]] = []
    deadline = time.monotonic() + FINISH_LIMIT_S
    while not (seen and seen[-1][1]):
        assert time.monotonic() < deadline, f"the list did not finish; the bar showed {seen}"
        state = _bar(page)
        if state is not None:
            seen.append(tuple(state))
            if 0 < state[0] < 100 and not state[1]:
                shown_mid_run.set()
        time.sleep(0.1)

    submission.refresh_from_db()
    assert (submission.status, submission.processed_rows) == (SubmissionStatus.DONE, 100_000)
    assert held_at == [(50_000, 100_000)]
    widths = [width for width, _finished in seen]
    # Shown while the run was under way, and green at 100 only once the list was done.
    assert any(0 < width < 100 for width in widths), widths
    assert seen[-1] == (100, True)
    screenshot(page, "worker-list-progress-100k")
