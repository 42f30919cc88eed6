"""The processing progress in a real browser: htmx polls it and the bar width follows, with no
Content-Security-Policy violation (bar widths are set by static/js/app.js, not style attributes)."""

import pytest
from django.conf import settings

from core.tests.browser import needs_chromium, watch_csp_violations
from worker_lists.models import SubmissionStatus
from worker_lists.tests.factories import WorkerListSubmissionFactory

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
