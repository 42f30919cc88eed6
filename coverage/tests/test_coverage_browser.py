"""The national dashboard in a real browser: the map draws all provinces, tables sort."""

import shutil

import pytest
from django.conf import settings

from core.tests.browser import watch_csp_violations
from coverage.services import coverage_compute
from coverage.tests.factories import AFTERWARDS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_page(monkeypatch):
    # Playwright's sync API keeps an event loop in this thread; the database calls of the test
    # and its teardown are still plain synchronous code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.skip("chromium is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable)
        yield browser
        browser.close()


def logged_in_page(browser, live_server, client, user, width):
    client.force_login(user)
    context = browser.new_context(viewport={"width": width, "height": 800})
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
    page.csp_violations = watch_csp_violations(page)
    return page


@pytest.fixture
def dashboard(small_world, branch_bandung):
    coverage_compute(period=small_world, as_of=AFTERWARDS)


def test_map_draws_every_province_with_its_attribution(
    browser_page, live_server, client, management_user, dashboard
):
    page = logged_in_page(browser_page, live_server, client, management_user, 1280)
    page.goto(f"{live_server.url}/cakupan/")
    page.wait_for_selector("#coverage-map path.leaflet-interactive")
    assert page.locator("#coverage-map path.leaflet-interactive").count() == 38
    assert "CC BY 4.0" in page.inner_text("#coverage-map .leaflet-control-attribution")
    assert page.csp_violations == []


def test_province_table_sorts_by_active_participants(
    browser_page, live_server, client, management_user, dashboard
):
    page = logged_in_page(browser_page, live_server, client, management_user, 1280)
    page.goto(f"{live_server.url}/cakupan/")
    header = page.locator("#table-provinsi thead th").nth(2).locator("button")
    header.click()
    first = page.locator("#table-provinsi tbody tr").first.locator("td").nth(1)
    assert first.inner_text() == "32"  # Jawa Barat: 0 active, ascending first
    header.click()
    assert first.inner_text() == "36"
    assert page.csp_violations == []


def test_dashboard_content_fits_a_phone_screen(
    browser_page, live_server, client, management_user, dashboard
):
    page = logged_in_page(browser_page, live_server, client, management_user, 360)
    page.goto(f"{live_server.url}/cakupan/")
    page.wait_for_selector("#coverage-map path.leaflet-interactive")
    # Wide tables scroll inside their .table-responsive box; nothing else may stick out.
    assert page.evaluate("document.querySelector('main').scrollWidth") <= 360
    assert page.csp_violations == []
