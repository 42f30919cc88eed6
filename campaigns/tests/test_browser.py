"""The day's work in a real browser (Debian's chromium driven by Playwright).

Screenshots go to artifacts/screenshots/ for a person to look at.
"""

import datetime as dt

import pytest
from django.utils import timezone

from campaigns.models import EscalationCase, Visit
from campaigns.tests.factories import CampaignFactory, VisitFactory
from core.tests.browser import login_page, needs_chromium, screenshot
from employers.tests.factories import EmployerFactory

pytestmark = [pytest.mark.browser, needs_chromium]


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
    context, page = login_page(browser, live_server, "serang")
    screenshot(page, "01-branch-home")

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
    screenshot(page, "02-visit-form")
    with page.expect_navigation():
        page.click("#visit-form button[type=submit]")
    screenshot(page, "03-employer-with-visit")
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
    screenshot(page, "04-case-sent")
    assert context.csp_violations == []
    context.close()

    context, page = login_page(browser, live_server, "disnaker")
    page.click("[data-testid=agency-cases] a")
    page.select_option("#id_to_state", "in_progress")
    page.fill("#id_letter_number", "560/77/Disnaker")
    page.fill("#id_note", "Pemeriksaan dijadwalkan")
    page.click("form button[type=submit].btn-primary")
    page.wait_for_selector("text=Status kasus diperbarui.")
    assert page.inner_text("[data-testid=case-state]") == "Dalam proses"
    assert "560/77/Disnaker" in page.inner_text("[data-testid=case-transitions]")
    screenshot(page, "05-agency-moved-case")
    assert context.csp_violations == []
    context.close()
    assert EscalationCase.objects.get().state == "in_progress"


def test_pages_fit_a_360_pixel_wide_phone(
    browser, live_server, branch_user, branch_serang, employer
):
    campaign = CampaignFactory(name="Kampanye Serang patuh", branches=[branch_serang])
    due = VisitFactory(employer=employer, officer=branch_user, follow_up_on=timezone.localdate())
    context, page = login_page(
        browser, live_server, "serang", viewport={"width": 360, "height": 740}
    )
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
        screenshot(page, name)
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
