import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from agencies.models import AgencyAPIKey, AgencyKind
from agencies.tests.factories import PartnerAgencyFactory
from campaigns.models import CaseState, CaseTransition, EscalationCase
from campaigns.selectors import case_state_durations, case_transitions
from campaigns.services import case_open, case_transition
from campaigns.tests.factories import EscalationCaseFactory
from employers.tests.factories import EmployerFactory


@pytest.fixture
def employer(branch_serang):
    return EmployerFactory(
        name="PT Bandel", branch=branch_serang, compliance_status="not_registered"
    )


@pytest.fixture
def sent_case(employer, disnaker, branch_user):
    return EscalationCaseFactory(employer=employer, agency=disnaker, created_by=branch_user)


@pytest.fixture
def kejari(db):
    return PartnerAgencyFactory(name="Kejari Serang (uji)", kind=AgencyKind.KEJAKSAAN)


def test_case_open_starts_as_a_draft_with_its_first_transition(employer, disnaker, branch_user):
    case = case_open(
        employer=employer,
        agency=disnaker,
        kind="inspection",
        summary="Tidak daftar",
        user=branch_user,
    )
    assert case.state == "draft"
    assert list(case.transitions.values_list("to_state", "by")) == [("draft", branch_user.pk)]


def test_case_open_and_send_records_the_letter_number(employer, disnaker, branch_user):
    case = case_open(
        employer=employer,
        agency=disnaker,
        kind="inspection",
        summary="Tidak daftar",
        user=branch_user,
        send=True,
        letter_number="B/123/2026",
    )
    assert case.state == "sent"
    assert case.transitions.get(to_state="sent").letter_number == "B/123/2026"


def test_an_skk_must_go_to_the_prosecutors_office(employer, disnaker, branch_user):
    with pytest.raises(ValidationError) as error:
        case_open(employer=employer, agency=disnaker, kind="skk", summary="x", user=branch_user)
    assert "agency" in error.value.message_dict
    assert not EscalationCase.objects.exists()


def test_an_skk_to_the_kejari_is_accepted(employer, kejari, branch_user):
    case = case_open(employer=employer, agency=kejari, kind="skk", summary="x", user=branch_user)
    assert case.agency == kejari


def test_the_receiving_agency_moves_a_sent_case_into_progress(sent_case, disnaker_user):
    case_transition(case=sent_case, to_state="in_progress", user=disnaker_user, note="Diperiksa")
    sent_case.refresh_from_db()
    assert sent_case.state == "in_progress"


def test_an_illegal_transition_is_refused(sent_case, disnaker_user):
    with pytest.raises(ValidationError):
        case_transition(case=sent_case, to_state="resolved", user=disnaker_user)
    assert sent_case.transitions.count() == 2


def test_an_open_case_can_be_closed_from_any_state(sent_case, branch_user):
    case_transition(case=sent_case, to_state="closed", user=branch_user, note="Perusahaan tutup")
    sent_case.refresh_from_db()
    assert sent_case.state == "closed"


def test_a_closed_case_cannot_be_reopened(sent_case, branch_user):
    case_transition(case=sent_case, to_state="closed", user=branch_user)
    with pytest.raises(ValidationError):
        case_transition(case=sent_case, to_state="in_progress", user=branch_user)


def test_another_agency_cannot_move_the_case(sent_case, agency_user):
    with pytest.raises(PermissionDenied):
        case_transition(case=sent_case, to_state="in_progress", user=agency_user)


def test_an_agency_cannot_send_a_draft(employer, disnaker, branch_user, disnaker_user):
    case = EscalationCaseFactory(
        employer=employer, agency=disnaker, created_by=branch_user, state=CaseState.DRAFT
    )
    with pytest.raises(PermissionDenied):
        case_transition(case=case, to_state="sent", user=disnaker_user)


def test_time_in_each_state_is_computed_from_the_transitions(sent_case):
    transitions = case_transitions(case=sent_case)
    now = transitions[-1].at + (transitions[-1].at - transitions[0].at) * 2
    durations = {
        d.state: round(d.days, 2) for d in case_state_durations(transitions=transitions, now=now)
    }
    assert durations == {"draft": 1.0, "sent": 2.0}


# --- pages ------------------------------------------------------------------------------------


def test_case_list_of_the_agency_hides_drafts_and_other_agencies_cases(
    client, employer, disnaker, disnaker_user, branch_user, sent_case, kejari
):
    EscalationCaseFactory(employer=employer, agency=disnaker, created_by=branch_user, state="draft")
    EscalationCaseFactory(employer=employer, agency=kejari, created_by=branch_user, kind="skk")
    client.force_login(disnaker_user)
    response = client.get(reverse("cases:list"))
    assert list(response.context["page"]) == [sent_case]


def test_case_list_runs_a_bounded_number_of_queries(
    client, employer, disnaker, branch_user, django_assert_max_num_queries
):
    for _ in range(15):
        EscalationCaseFactory(employer=employer, agency=disnaker, created_by=branch_user)
    client.force_login(branch_user)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("cases:list"))
    assert len(response.context["page"]) == 15


def test_case_page_lets_the_agency_move_the_case_on(
    client, sent_case, disnaker_user, django_assert_max_num_queries
):
    client.force_login(disnaker_user)
    url = reverse("cases:detail", args=[sent_case.pk])
    with django_assert_max_num_queries(8):
        page = client.get(url)
    assert [value for value, _label in page.context["form"].fields["to_state"].choices] == [
        "",
        "in_progress",
        "closed",
    ]
    response = client.post(url, {"to_state": "in_progress", "letter_number": "800/1/2026"})
    assert response.status_code == 302
    last = CaseTransition.objects.filter(case=sent_case).last()
    assert (last.to_state, last.by, last.letter_number) == (
        "in_progress",
        disnaker_user,
        "800/1/2026",
    )


def test_case_page_of_another_branch_is_not_found(client, sent_case, other_branch_user):
    client.force_login(other_branch_user)
    assert client.get(reverse("cases:detail", args=[sent_case.pk])).status_code == 404


def test_management_reads_a_case_but_cannot_move_it(client, sent_case, management_user):
    client.force_login(management_user)
    url = reverse("cases:detail", args=[sent_case.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"to_state": "closed"}).status_code == 403


def test_case_open_page_creates_a_sent_case(client, employer, disnaker, branch_user):
    client.force_login(branch_user)
    response = client.post(
        reverse("cases:open", args=[employer.pk]),
        {"kind": "inspection", "agency": disnaker.pk, "summary": "PWBD 50 TK", "send": "on"},
    )
    case = EscalationCase.objects.get()
    assert response.url == reverse("cases:detail", args=[case.pk])
    assert case.state == "sent"


def test_case_open_page_shows_an_error_for_the_wrong_agency_kind(
    client, employer, disnaker, branch_user
):
    client.force_login(branch_user)
    response = client.post(
        reverse("cases:open", args=[employer.pk]),
        {"kind": "skk", "agency": disnaker.pk, "summary": "x"},
    )
    assert response.status_code == 400
    assert "agency" in response.context["form"].errors


# --- API --------------------------------------------------------------------------------------


@pytest.fixture
def disnaker_api(disnaker):
    _key, secret = AgencyAPIKey.objects.create_key(name="sistem disnaker", agency=disnaker)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}")
    return client


def test_api_lists_only_the_cases_sent_to_the_keys_agency(
    disnaker_api, sent_case, employer, kejari, branch_user, disnaker, django_assert_max_num_queries
):
    EscalationCaseFactory(employer=employer, agency=kejari, created_by=branch_user, kind="skk")
    EscalationCaseFactory(employer=employer, agency=disnaker, created_by=branch_user, state="draft")
    with django_assert_max_num_queries(6):
        response = disnaker_api.get("/api/v1/cases/")
    assert [row["id"] for row in response.json()["results"]] == [sent_case.pk]
    assert response.json()["results"][0]["allowed_states"] == ["in_progress", "closed"]


def test_api_patch_moves_the_case_and_records_the_key(disnaker_api, sent_case):
    response = disnaker_api.patch(
        f"/api/v1/cases/{sent_case.pk}/",
        {"state": "in_progress", "letter_number": "560/77", "note": "Pemeriksaan dijadwalkan"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["state"] == "in_progress"
    transition = sent_case.transitions.last()
    assert (transition.by, transition.by_api_key.name) == (None, "sistem disnaker")


def test_api_patch_with_an_illegal_transition_is_a_400_naming_the_field(disnaker_api, sent_case):
    response = disnaker_api.patch(
        f"/api/v1/cases/{sent_case.pk}/", {"state": "resolved"}, format="json"
    )
    assert response.status_code == 400
    assert "state" in response.json()["errors"]


def test_api_patch_with_an_unknown_state_is_a_400(disnaker_api, sent_case):
    response = disnaker_api.patch(
        f"/api/v1/cases/{sent_case.pk}/", {"state": "done"}, format="json"
    )
    assert response.status_code == 400


def test_api_hides_another_agencys_case(disnaker_api, employer, kejari, branch_user):
    case = EscalationCaseFactory(
        employer=employer, agency=kejari, created_by=branch_user, kind="skk"
    )
    assert disnaker_api.get(f"/api/v1/cases/{case.pk}/").status_code == 404
    assert (
        disnaker_api.patch(
            f"/api/v1/cases/{case.pk}/", {"state": "closed"}, format="json"
        ).status_code
        == 404
    )


def test_api_detail_shows_transitions_and_time_in_state(disnaker_api, sent_case):
    data = disnaker_api.get(f"/api/v1/cases/{sent_case.pk}/").json()
    assert [t["to_state"] for t in data["transitions"]] == ["draft", "sent"]
    assert set(data["time_in_state_days"]) == {"draft", "sent"}


def test_api_without_a_key_is_refused(sent_case):
    assert APIClient().get("/api/v1/cases/").status_code in (401, 403)


def test_openapi_schema_documents_the_case_api(client, db):
    schema = client.get(reverse("schema"), {"format": "json"}).json()
    assert {"/api/v1/cases/", "/api/v1/cases/{id}/"} <= set(schema["paths"])
    # Request components carry a "Request" suffix (COMPONENT_SPLIT_REQUEST).
    assert "PatchedCaseTransitionInputRequest" in schema["components"]["schemas"]


def test_branch_staff_cannot_take_up_a_case_for_the_agency(sent_case, branch_user):
    with pytest.raises(PermissionDenied):
        case_transition(case=sent_case, to_state="in_progress", user=branch_user)


def test_api_list_for_branch_staff_runs_a_bounded_number_of_queries(
    client, employer, disnaker, branch_user, django_assert_max_num_queries
):
    for _ in range(10):
        EscalationCaseFactory(employer=employer, agency=disnaker, created_by=branch_user)
    client.force_login(branch_user)
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/cases/")
    assert response.json()["results"][0]["allowed_states"] == ["closed"]
