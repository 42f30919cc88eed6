"""The sanction ladder: order of rungs, deadlines in Indonesian working days, fines, lapses."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from agencies.models import AgencyKind
from agencies.tests.factories import PartnerAgencyFactory
from campaigns.models import SanctionKind, SanctionOutcome, SanctionStep
from campaigns.selectors import sanction_due, sanction_totals_by_kanwil
from campaigns.services import (
    case_open,
    sanction_issue,
    sanction_lapse_overdue,
    sanction_outcome_record,
    sanction_recovery_add,
)
from campaigns.signals import sanction_deadline_lapsed
from employers.tests.factories import EmployerFactory
from regions.tests.factories import ProvinceFactory

# A Thursday before Idulfitri 2025: Nyepi leave, Idulfitri and its leave days and Good Friday
# fall inside the ten working days.
BEFORE_LEBARAN = dt.date(2025, 3, 27)


@pytest.fixture
def employer(branch_serang):
    return EmployerFactory(name="PT Menunggak", branch=branch_serang, regency_id="36.73")


def _issue(employer, user, kind, issued_on=BEFORE_LEBARAN, **extra):
    return sanction_issue(
        employer=employer,
        kind=kind,
        letter_number=f"B/{kind}/2025",
        issued_on=issued_on,
        user=user,
        **extra,
    )


def _lapse(step, user, on=None):
    return sanction_outcome_record(
        step=step,
        outcome=SanctionOutcome.LAPSED,
        user=user,
        on=on or step.deadline + dt.timedelta(days=1),
        note="Tidak ada tanggapan",
    )


def test_a_first_warning_gets_ten_working_days_counting_holidays_and_collective_leave(
    employer, branch_user
):
    step = _issue(employer, branch_user, SanctionKind.WARNING_1, arrears_amount=Decimal(5_000_000))
    assert step.deadline == dt.date(2025, 4, 22)
    assert (step.branch, step.outcome) == (employer.branch, SanctionOutcome.PENDING)


def test_the_ladder_starts_with_a_first_warning(employer, branch_user):
    with pytest.raises(ValidationError) as error:
        _issue(employer, branch_user, SanctionKind.WARNING_2)
    assert "kind" in error.value.message_dict
    assert not SanctionStep.objects.exists()


def test_a_second_warning_waits_for_the_first_to_lapse(employer, branch_user):
    _issue(employer, branch_user, SanctionKind.WARNING_1)
    with pytest.raises(ValidationError):
        _issue(employer, branch_user, SanctionKind.WARNING_2, issued_on=dt.date(2025, 4, 23))


def test_the_ladder_climbs_to_tmp2t_through_both_warnings_and_a_fine(employer, branch_user):
    pemda = PartnerAgencyFactory(
        name="Pemkot Serang (uji)",
        kind=AgencyKind.PEMDA,
        jurisdiction_province=ProvinceFactory(code="36"),
    )
    first = _issue(employer, branch_user, SanctionKind.WARNING_1)
    _lapse(first, branch_user)
    second = _issue(employer, branch_user, SanctionKind.WARNING_2, issued_on=dt.date(2025, 4, 24))
    _lapse(second, branch_user)
    fine = _issue(
        employer,
        branch_user,
        SanctionKind.FINE,
        issued_on=dt.date(2025, 5, 20),
        arrears_amount=Decimal(12_000_000),
        months_late=3,
    )
    sanction_outcome_record(
        step=fine,
        outcome=SanctionOutcome.LAPSED,
        user=branch_user,
        on=dt.date(2025, 6, 30),
        note="Denda tidak dibayar",
    )
    tmp2t = _issue(
        employer,
        branch_user,
        SanctionKind.TMP2T,
        issued_on=dt.date(2025, 7, 1),
        agency=pemda,
        public_services=["tender", "business"],
    )
    assert fine.fine_amount == Decimal(36_000)  # 0.1% x 12,000,000 x 3 months
    assert (tmp2t.agency, tmp2t.public_services, tmp2t.deadline) == (
        pemda,
        ["business", "tender"],
        None,
    )


def test_a_fine_needs_the_contributions_due_and_the_months_late(employer, branch_user):
    first = _issue(employer, branch_user, SanctionKind.WARNING_1)
    _lapse(first, branch_user)
    second = _issue(employer, branch_user, SanctionKind.WARNING_2, issued_on=dt.date(2025, 4, 24))
    _lapse(second, branch_user)
    with pytest.raises(ValidationError) as error:
        _issue(employer, branch_user, SanctionKind.FINE, issued_on=dt.date(2025, 5, 20))
    assert {"arrears_amount", "months_late"} <= set(error.value.message_dict)


def test_tmp2t_is_asked_only_of_a_government_covering_the_employer(employer, branch_user):
    jabar = PartnerAgencyFactory(
        name="Pemprov Jabar (uji)",
        kind=AgencyKind.PEMDA,
        jurisdiction_province=ProvinceFactory(code="32"),
    )
    step = _issue(employer, branch_user, SanctionKind.WARNING_1)
    _lapse(step, branch_user)
    step = _issue(employer, branch_user, SanctionKind.WARNING_2, issued_on=dt.date(2025, 4, 24))
    _lapse(step, branch_user)
    step = _issue(
        employer,
        branch_user,
        SanctionKind.FINE,
        issued_on=dt.date(2025, 5, 20),
        arrears_amount=Decimal(1_000_000),
        months_late=1,
    )
    sanction_outcome_record(
        step=step, outcome="lapsed", user=branch_user, on=dt.date(2025, 6, 30), note="x"
    )
    with pytest.raises(ValidationError) as error:
        _issue(
            employer,
            branch_user,
            SanctionKind.TMP2T,
            issued_on=dt.date(2025, 7, 1),
            agency=jabar,
            public_services=["tender"],
        )
    assert "agency" in error.value.message_dict


def test_a_warning_cannot_be_marked_lapsed_before_its_deadline(employer, branch_user):
    step = _issue(employer, branch_user, SanctionKind.WARNING_1)
    with pytest.raises(ValidationError):
        _lapse(step, branch_user, on=step.deadline)


def test_compliance_ends_the_round_and_the_next_starts_again_at_the_first_warning(
    employer, branch_user
):
    step = _issue(employer, branch_user, SanctionKind.WARNING_1, arrears_amount=Decimal(900_000))
    sanction_outcome_record(
        step=step,
        outcome="complied",
        user=branch_user,
        on=dt.date(2025, 4, 10),
        recovered_amount=Decimal(900_000),
    )
    step.refresh_from_db()
    again = _issue(employer, branch_user, SanctionKind.WARNING_1, issued_on=dt.date(2025, 9, 1))
    assert (step.recovered_amount, again.kind) == (Decimal(900_000), SanctionKind.WARNING_1)


def test_another_branch_cannot_issue_a_sanction(employer, other_branch_user):
    with pytest.raises(PermissionDenied):
        _issue(employer, other_branch_user, SanctionKind.WARNING_1)


def test_overdue_warnings_lapse_once_and_are_announced_once(employer, branch_user):
    step = _issue(employer, branch_user, SanctionKind.WARNING_1)
    heard = []

    def listen(sender, step, **kwargs):
        heard.append(step.pk)

    sanction_deadline_lapsed.connect(listen)
    try:
        first = sanction_lapse_overdue(today=dt.date(2025, 4, 23))
        second = sanction_lapse_overdue(today=dt.date(2025, 4, 24))
    finally:
        sanction_deadline_lapsed.disconnect(listen)
    step.refresh_from_db()
    assert (first, second, heard) == ([step.pk], [], [step.pk])
    assert step.outcome == SanctionOutcome.LAPSED


def test_a_warning_on_its_deadline_day_has_not_lapsed(employer, branch_user):
    step = _issue(employer, branch_user, SanctionKind.WARNING_1)
    assert sanction_lapse_overdue(today=step.deadline) == []


def test_due_this_week_lists_pending_deadlines_and_the_rung_due_after_a_lapse(
    employer, branch_user, branch_serang
):
    other = EmployerFactory(name="PT Lain", branch=branch_serang, regency_id="36.73")
    pending = _issue(employer, branch_user, SanctionKind.WARNING_1)  # deadline 22 April 2025
    lapsed = _issue(other, branch_user, SanctionKind.WARNING_1)
    _lapse(lapsed, branch_user, on=dt.date(2025, 4, 23))

    items = sanction_due(user=branch_user, today=dt.date(2025, 4, 21))  # Monday

    assert [(i.employer_name, i.kind, i.pending, i.overdue) for i in items] == [
        ("PT Menunggak", SanctionKind.WARNING_1, True, False),
        ("PT Lain", SanctionKind.WARNING_2, False, False),
    ]
    assert items[0].step_id == pending.pk


def test_the_fine_is_due_within_thirty_days_after_the_second_warning_lapses(employer, branch_user):
    step = _issue(employer, branch_user, SanctionKind.WARNING_1)
    _lapse(step, branch_user)
    step = _issue(employer, branch_user, SanctionKind.WARNING_2, issued_on=dt.date(2025, 4, 24))
    _lapse(step, branch_user, on=dt.date(2025, 5, 12))
    items = sanction_due(user=branch_user, today=dt.date(2025, 5, 12), until=dt.date(2025, 6, 30))
    assert [(i.kind, i.due_on) for i in items] == [(SanctionKind.FINE, dt.date(2025, 6, 11))]


def test_another_branch_does_not_see_the_steps_due(employer, branch_user, other_branch_user):
    _issue(employer, branch_user, SanctionKind.WARNING_1)
    assert sanction_due(user=other_branch_user, today=dt.date(2025, 4, 21)) == []


def test_the_board_sees_arrears_escalated_and_recovered_per_kanwil(
    employer, branch_user, kanwil_banten
):
    step = _issue(employer, branch_user, SanctionKind.WARNING_1, arrears_amount=Decimal(5_000_000))
    sanction_recovery_add(step=step, amount=Decimal(1_500_000), user=branch_user)
    assert sanction_totals_by_kanwil() == [
        {
            "kanwil": kanwil_banten.name,
            "escalated": Decimal(5_000_000),
            "recovered": Decimal(1_500_000),
            "employers": 1,
            "open_steps": 1,
        }
    ]


def test_a_case_opened_after_a_sanction_records_the_rung_it_followed(
    employer, branch_user, disnaker
):
    step = _issue(employer, branch_user, SanctionKind.WARNING_1)
    case = case_open(
        employer=employer, agency=disnaker, kind="inspection", summary="x", user=branch_user
    )
    assert case.sanction_step == step


def test_branch_staff_issue_a_first_warning_from_the_ladder_page(client, employer, branch_user):
    client.force_login(branch_user)
    url = reverse("cases:sanctions", args=[employer.pk])
    page = client.get(url)
    assert page.context["next_kind"] == SanctionKind.WARNING_1
    response = client.post(
        url,
        {
            "letter_number": "B/100/2026",
            "issued_on": timezone.localdate().isoformat(),
            "arrears_amount": "2500000",
        },
    )
    assert response.status_code == 302
    step = SanctionStep.objects.get()
    assert (step.letter_number, step.arrears_amount) == ("B/100/2026", Decimal(2_500_000))


def test_the_ladder_page_refuses_a_warning_without_a_letter_number(client, employer, branch_user):
    client.force_login(branch_user)
    response = client.post(
        reverse("cases:sanctions", args=[employer.pk]),
        {"letter_number": "", "issued_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 400
    assert 'data-testid="error-summary"' in response.content.decode()
    assert not SanctionStep.objects.exists()


def test_partner_agencies_do_not_see_the_ladder_page(client, employer, disnaker_user):
    client.force_login(disnaker_user)
    assert client.get(reverse("cases:sanctions", args=[employer.pk])).status_code == 403


def test_branch_home_lists_the_sanction_steps_due_this_week(client, employer, branch_user):
    today = timezone.localdate()
    step = _issue(employer, branch_user, SanctionKind.WARNING_1, issued_on=today)
    SanctionStep.objects.filter(pk=step.pk).update(deadline=today)
    client.force_login(branch_user)
    html = client.get(reverse("home")).content.decode()
    assert "PT Menunggak" in html.split('data-testid="sanctions-due"')[1].split("</ul>")[0]


def test_the_board_home_shows_the_sanction_totals_per_kanwil(
    client, employer, branch_user, management_user, kanwil_banten
):
    _issue(employer, branch_user, SanctionKind.WARNING_1, arrears_amount=Decimal(5_000_000))
    client.force_login(management_user)
    html = client.get(reverse("home")).content.decode()
    table = html.split('data-testid="sanction-totals"')[1].split("</table>")[0]
    assert kanwil_banten.name in table
    assert "5.000.000" in table


def test_the_case_page_names_the_rung_the_case_followed(client, employer, branch_user, disnaker):
    _issue(employer, branch_user, SanctionKind.WARNING_1)
    case = case_open(
        employer=employer, agency=disnaker, kind="inspection", summary="x", user=branch_user
    )
    client.force_login(branch_user)
    html = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "B/warning_1/2025" in html.split('data-testid="case-sanction-step"')[1][:200]
