"""Defects met in the field (issue 12): visits, cases and the home page, each pinned by a test."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from agencies.models import AgencyKind
from agencies.tests.factories import PartnerAgencyFactory
from campaigns.services import case_open, case_transition, visit_log
from campaigns.tests.factories import EscalationCaseFactory, VisitFactory
from employers.models import StatusProposal
from employers.services import status_proposal_decide
from employers.tests.factories import EmployerFactory
from regions.tests.factories import ProvinceFactory


@pytest.fixture
def employer(branch_serang):
    return EmployerFactory(
        name="PT Lapangan",
        branch=branch_serang,
        compliance_status="not_registered",
        regency_id="36.73",
        registered_workers=5,
        reported_workers=40,
    )


@pytest.fixture
def disnaker_jabar(db):
    return PartnerAgencyFactory(
        name="Disnaker Jawa Barat (uji)",
        kind=AgencyKind.DISNAKER,
        jurisdiction_province=ProvinceFactory(code="32"),
    )


@pytest.fixture
def disnaker_banten(db):
    return PartnerAgencyFactory(
        name="Disnaker Banten (uji)",
        kind=AgencyKind.DISNAKER,
        jurisdiction_province=ProvinceFactory(code="36"),
    )


@pytest.fixture
def in_progress_case(employer, disnaker, branch_user):
    return EscalationCaseFactory(
        employer=employer, agency=disnaker, created_by=branch_user, state="in_progress"
    )


# Visits ----------------------------------------------------------------------------------------


def test_logging_the_follow_up_visit_clears_the_overdue_follow_up(client, employer, branch_user):
    today = timezone.localdate()
    earlier = VisitFactory(
        employer=employer,
        officer=branch_user,
        visited_on=today - dt.timedelta(days=10),
        follow_up_on=today - dt.timedelta(days=3),
    )
    visit_log(
        employer=employer,
        officer=branch_user,
        visited_on=today,
        purpose="follow_up",
        outcome="refused",
    )
    earlier.refresh_from_db()
    assert earlier.follow_up_done
    client.force_login(branch_user)
    assert f'id="follow-up-{earlier.pk}"' not in client.get(reverse("home")).content.decode()


def test_a_visit_before_the_earlier_one_does_not_clear_its_follow_up(employer, branch_user):
    today = timezone.localdate()
    later = VisitFactory(
        employer=employer, officer=branch_user, visited_on=today, follow_up_on=today
    )
    visit_log(
        employer=employer,
        officer=branch_user,
        visited_on=today - dt.timedelta(days=5),
        purpose="sosialisasi",
        outcome="refused",
    )
    later.refresh_from_db()
    assert not later.follow_up_done


def test_workers_enrolled_during_a_visit_join_the_registered_count(employer, branch_user):
    visit_log(
        employer=employer,
        officer=branch_user,
        visited_on=timezone.localdate(),
        purpose="registration",
        outcome="enrolled",
        workers_enrolled=12,
    )
    employer.refresh_from_db()
    assert employer.registered_workers == 17


# Cases -----------------------------------------------------------------------------------------


def test_the_case_form_preselects_no_move(client, in_progress_case, branch_user):
    client.force_login(branch_user)
    html = client.get(reverse("cases:detail", args=[in_progress_case.pk])).content.decode()
    select = html.split('name="to_state"')[1].split("</select>")[0]
    assert 'value="closed" selected' not in select
    assert 'value="resolved" selected' not in select
    assert '<option value="" selected>' in select


def test_a_case_move_must_be_chosen(client, in_progress_case, branch_user):
    client.force_login(branch_user)
    response = client.post(reverse("cases:detail", args=[in_progress_case.pk]), {"to_state": ""})
    assert response.status_code == 400
    in_progress_case.refresh_from_db()
    assert in_progress_case.state == "in_progress"


def test_a_serang_branch_is_not_offered_an_agency_of_another_province(
    client, employer, branch_user, disnaker_jabar, disnaker_banten
):
    client.force_login(branch_user)
    form = client.get(reverse("cases:open", args=[employer.pk])).context["form"]
    offered = set(form.fields["agency"].queryset)
    assert disnaker_banten in offered
    assert disnaker_jabar not in offered


def test_a_case_to_an_agency_outside_the_employers_province_is_refused(
    employer, branch_user, disnaker_jabar
):
    with pytest.raises(ValidationError) as error:
        case_open(
            employer=employer,
            agency=disnaker_jabar,
            kind="inspection",
            summary="x",
            user=branch_user,
        )
    assert "agency" in error.value.message_dict


@pytest.mark.parametrize(
    ("letter_number", "note", "missing"),
    [("", "Sudah daftar", "letter_number"), ("560/1", "", "note")],
)
def test_resolving_a_case_needs_the_letter_number_and_a_note(
    in_progress_case, disnaker_user, letter_number, note, missing
):
    with pytest.raises(ValidationError) as error:
        case_transition(
            case=in_progress_case,
            to_state="resolved",
            user=disnaker_user,
            letter_number=letter_number,
            note=note,
        )
    assert missing in error.value.message_dict
    in_progress_case.refresh_from_db()
    assert in_progress_case.state == "in_progress"


def test_resolving_a_case_proposes_the_status_to_the_branch_without_setting_it(
    in_progress_case, disnaker_user, employer, disnaker
):
    case_transition(
        case=in_progress_case,
        to_state="resolved",
        user=disnaker_user,
        letter_number="560/9/2026",
        note="Seluruh pekerja didaftarkan",
    )
    employer.refresh_from_db()
    proposal = StatusProposal.objects.get(employer=employer)
    assert employer.compliance_status == "not_registered"
    assert (proposal.to_status, proposal.proposed_by, proposal.proposed_by_agency) == (
        "registered",
        disnaker_user,
        disnaker,
    )
    assert proposal.reason == "Seluruh pekerja didaftarkan"


def test_the_branch_accepting_a_proposal_changes_the_status_citing_who_and_why(
    client, in_progress_case, disnaker_user, branch_user, employer
):
    case_transition(
        case=in_progress_case,
        to_state="resolved",
        user=disnaker_user,
        letter_number="560/9/2026",
        note="Seluruh pekerja didaftarkan",
    )
    proposal = StatusProposal.objects.get()
    client.force_login(branch_user)
    assert 'data-testid="home-status-proposals"' in client.get(reverse("home")).content.decode()

    client.post(
        reverse("employers:proposal_decide", args=[employer.pk, proposal.pk]),
        {"decision": "accept"},
    )

    employer.refresh_from_db()
    change = employer.status_changes.first()
    proposal.refresh_from_db()
    assert employer.compliance_status == "registered"
    assert "Seluruh pekerja didaftarkan" in change.reason
    assert (proposal.accepted, proposal.decided_by, change.changed_by) == (
        True,
        branch_user,
        branch_user,
    )


def test_an_agency_cannot_decide_its_own_proposal(in_progress_case, disnaker_user, employer):
    case_transition(
        case=in_progress_case,
        to_state="resolved",
        user=disnaker_user,
        letter_number="560/9/2026",
        note="Patuh",
    )
    with pytest.raises(PermissionDenied):
        status_proposal_decide(
            proposal=StatusProposal.objects.get(), accept=True, user=disnaker_user
        )


def test_the_agencys_case_list_shows_location_sending_branch_and_arrears(
    client, employer, disnaker, disnaker_user, branch_user, branch_serang
):
    EscalationCaseFactory(
        employer=employer,
        agency=disnaker,
        created_by=branch_user,
        arrears_amount=Decimal("12500000"),
    )
    client.force_login(disnaker_user)
    html = client.get(reverse("cases:list")).content.decode()
    assert employer.regency.name in html.split('data-testid="case-location"')[1][:200]
    assert branch_serang.name in html.split('data-testid="case-branch"')[1][:200]
    assert "12.500.000" in html.split('data-testid="case-arrears"')[1][:100]


def test_an_skk_case_records_its_arrears(employer, branch_user):
    kejari = PartnerAgencyFactory(name="Kejari uji", kind=AgencyKind.KEJAKSAAN)
    case = case_open(
        employer=employer,
        agency=kejari,
        kind="skk",
        summary="Tunggakan",
        user=branch_user,
        arrears_amount=Decimal("3000000"),
    )
    case.refresh_from_db()
    assert case.arrears_amount == Decimal("3000000")


# Home ------------------------------------------------------------------------------------------


def test_the_agency_home_leaves_out_participant_and_visit_cards(client, disnaker_user):
    client.force_login(disnaker_user)
    html = client.get(reverse("home")).content.decode()
    assert 'data-testid="active-participant-count"' not in html
    assert 'data-testid="recent-visits"' not in html
    assert 'data-testid="agency-cases"' in html


def test_branch_home_keeps_its_participant_and_visit_cards(client, branch_user):
    client.force_login(branch_user)
    html = client.get(reverse("home")).content.decode()
    assert 'data-testid="active-participant-count"' in html
    assert 'data-testid="recent-visits"' in html


# Employer page ---------------------------------------------------------------------------------


def test_the_employer_page_maps_the_visits_gps(client, employer, branch_user):
    VisitFactory(
        employer=employer,
        officer=branch_user,
        latitude=Decimal("-6.120000"),
        longitude=Decimal("106.150000"),
    )
    client.force_login(branch_user)
    html = client.get(reverse("employers:detail", args=[employer.pk])).content.decode()
    assert 'data-testid="visit-map"' in html
    assert '"lat": -6.12' in html
    assert "js/visit-map.js" in html


def test_an_employer_without_gps_visits_shows_no_map(client, employer, branch_user):
    VisitFactory(employer=employer, officer=branch_user)
    client.force_login(branch_user)
    html = client.get(reverse("employers:detail", args=[employer.pk])).content.decode()
    assert 'data-testid="visit-map"' not in html


def test_a_service_error_marks_its_field_invalid_for_the_page_to_focus(
    client, in_progress_case, disnaker_user
):
    client.force_login(disnaker_user)
    response = client.post(
        reverse("cases:detail", args=[in_progress_case.pk]), {"to_state": "resolved"}
    )
    field = str(response.context["form"]["letter_number"])
    assert 'aria-invalid="true"' in field
    assert "is-invalid" in field


def test_the_case_api_gives_the_agency_location_and_arrears(
    employer, disnaker, branch_user, disnaker_user
):
    from rest_framework.test import APIClient

    EscalationCaseFactory(
        employer=employer, agency=disnaker, created_by=branch_user, arrears_amount=Decimal(7)
    )
    client = APIClient()
    client.force_login(disnaker_user)
    row = client.get("/api/v1/cases/").json()["results"][0]
    assert (row["employer"]["regency_code"], row["arrears_amount"]) == ("36.73", "7")
    assert row["branch"] == employer.branch.name
