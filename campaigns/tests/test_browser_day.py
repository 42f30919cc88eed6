"""A branch officer's day on a 360 px phone and a Disnaker officer's day on a 1366 px desktop
(issue 12), in a real browser. Screenshots go to artifacts/screenshots/day-*.png."""

import datetime as dt
import time
from decimal import Decimal

import pytest
from django.utils import timezone

from campaigns.models import EscalationCase, SanctionStep
from campaigns.services import case_open, case_transition, sanction_issue
from core.tests.browser import login_page, needs_chromium, screenshot
from employers.models import Employer, StatusProposal
from employers.tests.factories import EmployerFactory
from notifications.models import Notification
from worker_lists.models import EnrollmentLead

pytestmark = [pytest.mark.browser, needs_chromium]

PHONE = {"width": 360, "height": 740}


DESKTOP = {"width": 1366, "height": 900}


def _wait_until(page, expression: str, timeout_s: float = 30) -> None:
    """Poll from Python: page.wait_for_function evaluates strings in the page, which the
    Content Security Policy (no 'unsafe-eval') refuses."""
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"never true: {expression}"
        time.sleep(0.05)


def _fits(page, width=360):
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url} is {scroll}px wide"


@pytest.fixture
def employer(branch_serang):
    return EmployerFactory(
        name="PT Sumber Makmur",
        branch=branch_serang,
        regency_id="36.73",
        compliance_status="not_registered",
        reported_workers=48,
        registered_workers=0,
    )


def test_a_branch_officers_day_on_a_phone(
    browser, live_server, branch_user, branch_serang, employer, agency
):
    for serial in range(1, 4):
        EnrollmentLead.objects.create(
            nik=f"367301010190000{serial}",
            full_name=f"Honorer Sintetis {serial}",
            agency=agency,
            work_regency_id="36.73",
            branch=branch_serang,
        )
    sanction_issue(
        employer=employer,
        kind="warning_1",
        letter_number="B/01/KC-SRG/2026",
        issued_on=timezone.localdate() - dt.timedelta(days=1),
        user=branch_user,
        arrears_amount=Decimal(12_500_000),
    )
    SanctionStep.objects.update(deadline=timezone.localdate())
    context, page = login_page(
        browser,
        live_server,
        "serang",
        viewport=PHONE,
        geolocation={"latitude": -6.1201, "longitude": 106.1503},
        permissions=["geolocation"],
    )
    assert page.inner_text("[data-testid=new-lead-count]") == "3"
    assert "PT Sumber Makmur" in page.inner_text("[data-testid=sanctions-due]")
    screenshot(page, "day-01-branch-home-360")
    _fits(page)

    # A failed submit: the summary is on top and the first invalid field has the focus.
    with page.expect_navigation():
        page.click("[data-testid=home-log-visit]")
    page.select_option("#id_outcome", "enrolled")
    with page.expect_navigation():
        page.click("#visit-form button[type=submit]")
    _wait_until(page, "document.activeElement && document.activeElement.id !== ''")
    assert page.is_visible("[data-testid=error-summary]")
    assert page.evaluate("document.activeElement.id") == "employer-search"
    screenshot(page, "day-02-visit-errors-360")

    page.wait_for_load_state("load")
    page.fill("#employer-search", "sumber")
    page.click("[data-employer-id]")
    page.select_option("#id_purpose", "registration")
    page.select_option("#id_outcome", "enrolled")
    page.fill("#id_workers_enrolled", "12")
    page.click("#use-location")
    _wait_until(page, "document.getElementById('id_latitude').value !== ''")
    with page.expect_navigation():
        page.click("#visit-form button[type=submit]")
    page.wait_for_selector("#visit-map[data-outlined=true]")
    screenshot(page, "day-03-employer-map-360")
    _fits(page)
    employer.refresh_from_db()
    assert employer.registered_workers == 12

    # The ladder: the first warning is waiting for its deadline.
    page.click("[data-testid=sanction-summary] a")
    assert "B/01/KC-SRG/2026" in page.inner_text("[data-testid=sanction-steps]")
    screenshot(page, "day-04-sanction-ladder-360")
    _fits(page)

    # A new employer: districts follow the regency, the worker count starts empty.
    page.goto(f"{live_server.url}/pemberi-kerja/baru/")
    page.select_option("#id_regency", "36.04")
    offered = page.evaluate(
        "Array.from(document.querySelectorAll('#id_district option'))"
        ".filter(o => o.value && !o.hidden).map(o => o.value)"
    )
    assert offered == ["36.04.01"]
    page.fill("#id_reported_workers", "15")
    assert page.input_value("#id_reported_workers") == "15"
    page.fill("#id_name", "Sumber Makmur, PT")
    page.select_option("#id_regency", "36.73")
    page.select_option("#id_sector", "trade")
    page.select_option("#id_size_class", "small")
    page.select_option("#id_compliance_status", "not_registered")
    with page.expect_navigation():
        page.click("form button[type=submit].btn-success")
    assert "PT Sumber Makmur" in page.inner_text("[data-testid=error-summary]")
    _wait_until(page, "document.activeElement.id === 'id_confirm_duplicate'")
    screenshot(page, "day-05-near-duplicate-360")
    _fits(page)
    assert Employer.objects.count() == 1

    # Leads: found by name, none preselected.
    page.goto(f"{live_server.url}/prospek/")
    page.fill("#id_q", "Sintetis 2")
    with page.expect_navigation():
        page.click("[data-testid=lead-search] button[type=submit]")
    assert "Sintetis 2" in page.inner_text("main")
    assert "3673010101900002" not in page.url
    screenshot(page, "day-06-leads-search-360")
    _fits(page)
    context.close()


def test_a_disnaker_officers_day_on_a_desktop(
    browser, live_server, branch_user, employer, disnaker, disnaker_user
):
    disnaker_user.email = "pengawas@disnaker.example"
    disnaker_user.save()
    case = case_open(
        employer=employer,
        agency=disnaker,
        kind="inspection",
        summary="Menolak mendaftarkan 48 pekerja",
        user=branch_user,
        send=True,
        letter_number="B/100/KC-SRG/2026",
        arrears_amount=Decimal(48_000_000),
    )
    case_transition(case=case, to_state="in_progress", user=disnaker_user)
    context, page = login_page(browser, live_server, "disnaker", viewport=DESKTOP)
    page.wait_for_selector("[data-testid=unread-count]")
    assert page.inner_text("[data-testid=unread-count]") == "1"
    assert not page.is_visible("[data-testid=active-participant-count]")
    assert not page.is_visible("[data-testid=recent-visits]")
    screenshot(page, "day-11-agency-home-1366")

    page.click("[data-testid=nav-notifications]")
    screenshot(page, "day-12-agency-inbox-1366")
    with page.expect_navigation():
        page.click("[data-testid=inbox] button")
    assert page.url.endswith(f"/kasus/{case.pk}/")

    page.goto(f"{live_server.url}/kasus/")
    assert "48.000.000" in page.inner_text("[data-testid=case-arrears]")
    assert "Cabang Serang Raya" in page.inner_text("[data-testid=case-branch]")
    screenshot(page, "day-13-agency-cases-1366")

    # Resolving needs the letter and a note; the status is proposed to the branch.
    page.goto(f"{live_server.url}/kasus/{case.pk}/")
    page.select_option("#id_to_state", "resolved")
    with page.expect_navigation():
        page.click("form button[type=submit].btn-primary")
    assert page.is_visible("[data-testid=error-summary]")
    screenshot(page, "day-14-agency-resolve-errors-1366")
    page.select_option("#id_to_state", "resolved")
    page.fill("#id_letter_number", "560/88/Disnaker/2026")
    page.fill("#id_note", "Seluruh 48 pekerja didaftarkan")
    with page.expect_navigation():
        page.click("form button[type=submit].btn-primary")
    assert page.inner_text("[data-testid=case-state]") == "Selesai (patuh)"
    screenshot(page, "day-15-agency-resolved-1366")
    context.close()
    assert EscalationCase.objects.get().state == "resolved"
    assert StatusProposal.objects.get().to_status == "registered"
    assert Notification.objects.filter(recipient=disnaker_user).count() == 1

    # The branch decides on the proposal from the employer's page.
    context, page = login_page(browser, live_server, "serang", viewport=DESKTOP)
    page.goto(f"{live_server.url}/pemberi-kerja/{employer.pk}/")
    screenshot(page, "day-16-branch-proposal-1366")
    with page.expect_navigation():
        page.click("[data-testid=status-proposals] button[value=accept]")
    context.close()
    employer.refresh_from_db()
    assert employer.compliance_status == "registered"
