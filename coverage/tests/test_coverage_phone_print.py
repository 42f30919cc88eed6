"""The dashboards on a phone and on paper (issue 12): on a 360 px screen the region table shows
name, coverage, target and gap without a sideways swipe and the trend chart's labels are legible;
printed, the page is A4 landscape with the legend's colours and the data source line."""

import pytest

from core.tests.browser import SCREENSHOTS, needs_chromium, session_page
from coverage.tests.test_coverage_browser import dashboard  # noqa: F401 (a fixture, used by name)

pytestmark = [pytest.mark.browser, needs_chromium, pytest.mark.django_db(transaction=True)]

# A4 landscape less 10 mm margins, in CSS pixels (96 per inch).
A4_LANDSCAPE_CONTENT_PX = round((297 - 20) / 25.4 * 96)


@pytest.fixture
def page_at(request, live_server, client, management_user):
    request.getfixturevalue("dashboard")
    browser = request.getfixturevalue("browser")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def open_at(width):
        page = session_page(browser, live_server, client, management_user, width)
        page.goto(f"{live_server.url}/cakupan/")
        page.wait_for_selector("#coverage-map path.leaflet-interactive")
        return page

    return open_at


def _left(page, selector):
    return page.evaluate(f"document.querySelector('{selector}').getBoundingClientRect().left")


def _right(page, selector):
    return page.evaluate(f"document.querySelector('{selector}').getBoundingClientRect().right")


def test_a_phone_sees_name_coverage_target_and_gap_without_swiping(page_at):
    page = page_at(360)
    row = "#table-provinsi tbody tr:first-child"
    page.locator("#table-provinsi").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "coverage-phone-360.png"), full_page=True)
    page.locator(".coverage-chart").screenshot(path=str(SCREENSHOTS / "coverage-phone-chart.png"))
    page.locator("#table-provinsi").screenshot(path=str(SCREENSHOTS / "coverage-phone-table.png"))
    lefts = [_left(page, f"{row} td:nth-child({n})") for n in (1, 11, 12, 13)]
    assert lefts == sorted(lefts)
    assert _right(page, f"{row} td:nth-child(13)") <= 360
    header = "#table-provinsi thead tr th:nth-child(13)"
    assert page.evaluate(
        f"(() => {{ const th = document.querySelector('{header}');"
        " return th.scrollWidth <= th.clientWidth && th.getBoundingClientRect().right <= 360; })()"
    ), "the gap's header is cut off"
    # The other columns follow behind the sideways scroll.
    assert _left(page, f"{row} td:nth-child(3)") > _left(page, f"{row} td:nth-child(13)")
    assert page.csp_violations == []


def test_the_trend_chart_labels_are_legible_on_a_phone(page_at):
    page = page_at(360)
    height = page.evaluate(
        "Math.min(...Array.from(document.querySelectorAll('.coverage-chart text.tick'))"
        ".map(t => t.getBoundingClientRect().height))"
    )
    assert height >= 8


def test_the_desktop_table_keeps_its_column_order(page_at):
    page = page_at(1280)
    row = "#table-provinsi tbody tr:first-child"
    assert _left(page, f"{row} td:nth-child(2)") < _left(page, f"{row} td:nth-child(11)")


def test_printing_fits_a4_landscape_with_the_legend_and_the_data_source(page_at):
    page = page_at(A4_LANDSCAPE_CONTENT_PX)
    page.emulate_media(media="print")
    page.screenshot(path=str(SCREENSHOTS / "coverage-print-a4.png"), full_page=True)
    table = page.evaluate(
        "(() => { const t = document.querySelector('#table-provinsi');"
        " return [t.scrollWidth, t.parentElement.clientWidth]; })()"
    )
    assert table[0] <= table[1], f"the table is {table[0]}px in a {table[1]}px page"
    assert (
        page.evaluate(
            "getComputedStyle(document.querySelector('.coverage-legend i')).printColorAdjust"
        )
        == "exact"
    )
    assert page.is_visible("[data-testid=print-source]")
    assert "BPS Sakernas" in page.inner_text("[data-testid=print-source]")
    pdf = page.pdf(prefer_css_page_size=True)
    assert pdf.startswith(b"%PDF")
