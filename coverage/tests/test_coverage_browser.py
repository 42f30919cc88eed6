"""The national dashboard in a real browser: the map draws all provinces, tables sort."""

import pytest

from core.tests.browser import SCREENSHOTS, needs_chromium, session_page
from coverage.services import coverage_compute
from coverage.tests.factories import AFTERWARDS

pytestmark = [pytest.mark.browser, needs_chromium, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def dashboard(small_world, branch_bandung):
    coverage_compute(period=small_world, as_of=AFTERWARDS)


def test_map_draws_every_province_with_its_attribution(
    browser, live_server, client, management_user, dashboard
):
    page = session_page(browser, live_server, client, management_user, 1280)
    page.goto(f"{live_server.url}/cakupan/")
    page.wait_for_selector("#coverage-map path.leaflet-interactive")
    assert page.locator("#coverage-map path.leaflet-interactive").count() == 38
    assert "CC BY 4.0" in page.inner_text("#coverage-map .leaflet-control-attribution")
    assert page.csp_violations == []


def test_province_table_sorts_by_active_participants(
    browser, live_server, client, management_user, dashboard
):
    page = session_page(browser, live_server, client, management_user, 1280)
    page.goto(f"{live_server.url}/cakupan/")
    header = page.locator("#table-provinsi thead th").nth(2).locator("button")
    header.click()
    first = page.locator("#table-provinsi tbody tr").first.locator("td").nth(1)
    assert first.inner_text() == "32"  # Jawa Barat: 0 active, ascending first
    header.click()
    assert first.inner_text() == "36"
    assert page.csp_violations == []


def test_dashboard_content_fits_a_phone_screen(
    browser, live_server, client, management_user, dashboard
):
    page = session_page(browser, live_server, client, management_user, 360)
    page.goto(f"{live_server.url}/cakupan/")
    page.wait_for_selector("#coverage-map path.leaflet-interactive")
    # Wide tables scroll inside their .table-responsive box; nothing else may stick out.
    assert page.evaluate("document.querySelector('main').scrollWidth") <= 360
    assert page.csp_violations == []


@pytest.fixture
def real_picture(db):
    """The shipped official figures (BPS Sakernas, published participant counts) and one month
    of a small register."""
    from django.core.management import call_command

    from participants.tests.factories import ParticipantFactory

    call_command("load_regions", verbosity=0)
    call_command("load_reported_participants", verbosity=0)
    from home.demo import _targets_create

    _targets_create()
    for _ in range(3):
        ParticipantFactory(work_regency_id="36.73")
    coverage_compute(period=AFTERWARDS.replace(day=1), as_of=AFTERWARDS)


@pytest.mark.parametrize("width", [1366, 360])
def test_board_sees_national_coverage_in_tens_of_percent_on_a_coloured_map_since_2018(
    browser, live_server, client, management_user, real_picture, width
):
    page = session_page(browser, live_server, client, management_user, width)
    page.goto(f"{live_server.url}/cakupan/")
    page.wait_for_selector("#coverage-map path.leaflet-interactive")
    headline = page.inner_text("[data-testid=official-pct]")
    assert 25 < float(headline.rstrip("%").replace(",", ".")) < 40
    card = page.locator("[data-testid=official-pct]").locator("..").inner_text()
    assert "BPS Sakernas Agustus 2025" in card
    assert "Sumber peserta" in card
    fills = page.eval_on_selector_all(
        "#coverage-map path.leaflet-interactive", "paths => paths.map(p => p.getAttribute('fill'))"
    )
    assert len(set(fills)) >= 4
    years = page.eval_on_selector_all(
        "svg.coverage-chart text.tick", "nodes => nodes.map(n => n.textContent.trim())"
    )
    assert "2018" in years
    assert page.locator("svg.coverage-chart .pt-official").count() == 13
    assert page.evaluate("document.querySelector('main').scrollWidth") <= width
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"coverage-national-{width}.png"), full_page=True)
