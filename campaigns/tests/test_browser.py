"""The day's work in a real browser (Debian's chromium driven by Playwright).

Screenshots go to artifacts/screenshots/ for a person to look at.
"""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from campaigns.models import EscalationCase, Visit
from campaigns.tests.factories import CampaignFactory, VisitFactory
from core.tests.browser import watch_csp_violations
from employers.tests.factories import EmployerFactory

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (/usr/bin/chromium)"),
]


@pytest.fixture(scope="module")
def browser():
    # Playwright's sync API runs an event loop; Django refuses ORM calls inside one otherwise.
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


def _login(browser, live_server, username, **context_options):
    context = browser.new_context(locale="id-ID", **context_options)
    context.csp_violations = watch_csp_violations(context)
    page = context.new_page()
    # Generous: the CI machine may be busy with other suites.
    page.set_default_timeout(30_000)
    page.goto(f"{live_server.url}/masuk/")
    page.fill("#id_username", username)
    page.fill("#id_password", "test-pass-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    return context, page


def _shot(page, name):
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def employer(branch_serang):
    return EmployerFactory(
        name="PT Sumber Makmur",
        branch=branch_serang,
        compliance_status="not_registered",
        reported_workers=48,
        registered_workers=0,
    )


def test_branch_staff_log_a_visit_open_a_case_and_the_agency_moves_it_on(
    browser, live_server, branch_user, disnaker_user, disnaker, employer
):
    context, page = _login(browser, live_server, "serang")
    _shot(page, "01-branch-home")

    with page.expect_navigation():
        page.click("[data-testid=home-log-visit]")
    # htmx binds the search box once the page has loaded; typing earlier sends nothing.
    page.wait_for_load_state("load")
    page.fill("#employer-search", "sumber")
    page.click("[data-employer-id]")
    assert page.inner_text("[data-testid=employer-selected]") == "PT Sumber Makmur"
    page.select_option("#id_purpose", "registration")
    page.select_option("#id_outcome", "promised")
    promised = timezone.localdate() + dt.timedelta(days=14)
    page.fill("#id_promised_by", promised.isoformat())
    page.fill("#id_finding", "48 pekerja, belum ada yang terdaftar")
    page.fill("#id_follow_up_on", promised.isoformat())
    _shot(page, "02-visit-form")
    with page.expect_navigation():
        page.click("#visit-form button[type=submit]")
    _shot(page, "03-employer-with-visit")
    assert page.url == f"{live_server.url}/pemberi-kerja/{employer.pk}/", page.inner_text("main")
    assert "48 pekerja, belum ada yang terdaftar" in page.inner_text("[data-testid=visit-timeline]")
    assert Visit.objects.get().outcome == "promised"

    page.click("text=Buka kasus")
    page.select_option("#id_kind", "inspection")
    page.select_option("#id_agency", str(disnaker.pk))
    page.fill("#id_summary", "Menolak mendaftarkan 48 pekerja setelah dua kali kunjungan")
    page.check("#id_send")
    page.fill("#id_letter_number", "B/100/KC-SRG/2026")
    page.click("button[type=submit].btn-danger")
    page.wait_for_url(f"{live_server.url}/kasus/*/")
    assert page.inner_text("[data-testid=case-state]") == "Terkirim"
    _shot(page, "04-case-sent")
    assert context.csp_violations == []
    context.close()

    context, page = _login(browser, live_server, "disnaker")
    page.click("[data-testid=agency-cases] a")
    page.select_option("#id_to_state", "in_progress")
    page.fill("#id_letter_number", "560/77/Disnaker")
    page.fill("#id_note", "Pemeriksaan dijadwalkan")
    page.click("form button[type=submit].btn-primary")
    page.wait_for_selector("text=Status kasus diperbarui.")
    assert page.inner_text("[data-testid=case-state]") == "Dalam proses"
    assert "560/77/Disnaker" in page.inner_text("[data-testid=case-transitions]")
    _shot(page, "05-agency-moved-case")
    assert context.csp_violations == []
    context.close()
    assert EscalationCase.objects.get().state == "in_progress"


def test_pages_fit_a_360_pixel_wide_phone(
    browser, live_server, branch_user, branch_serang, employer
):
    campaign = CampaignFactory(name="Kampanye Serang patuh", branches=[branch_serang])
    due = VisitFactory(employer=employer, officer=branch_user, follow_up_on=timezone.localdate())
    context, page = _login(browser, live_server, "serang", viewport={"width": 360, "height": 740})
    pages = {
        "mobile-home": "/",
        "mobile-employers": "/pemberi-kerja/",
        "mobile-employer": f"/pemberi-kerja/{employer.pk}/",
        "mobile-visit-form": f"/kunjungan/baru/?employer={employer.pk}",
        "mobile-cases": "/kasus/",
        "mobile-campaign": f"/kampanye/{campaign.pk}/",
    }
    for name, path in pages.items():
        page.goto(f"{live_server.url}{path}")
        _shot(page, name)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{path} is {width}px wide"

    # The follow-up is ticked off from the home page without leaving it (htmx).
    page.goto(f"{live_server.url}/")
    page.click(f"#follow-up-{due.pk} button")
    page.wait_for_selector(f"#follow-up-{due.pk}", state="detached")
    assert context.csp_violations == []
    context.close()
    due.refresh_from_db()
    assert due.follow_up_done
