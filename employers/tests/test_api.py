import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from agencies.models import AgencyAPIKey
from campaigns.models import EscalationCase
from employers.models import ComplianceStatusChange
from employers.tests.factories import EmployerFactory
from regions.tests.factories import RegencyFactory


@pytest.fixture
def serang_employer(branch_serang):
    return EmployerFactory(branch=branch_serang, regency=RegencyFactory(code="36.73"))


@pytest.fixture
def tangerang_employer(branch_tangerang):
    return EmployerFactory(branch=branch_tangerang, regency=RegencyFactory(code="36.71"))


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def detail(employer):
    return reverse("api-employer-detail", args=[employer.pk])


def test_branch_user_reads_own_employer(branch_user, serang_employer):
    response = client_for(branch_user).get(detail(serang_employer))
    assert response.status_code == 200
    assert response.json()["npp"] == serang_employer.npp


def test_branch_user_cannot_read_another_branch_employer(branch_user, tangerang_employer):
    response = client_for(branch_user).get(detail(tangerang_employer))
    assert response.status_code == 404


def test_branch_user_cannot_change_another_branch_employer(branch_user, tangerang_employer):
    response = client_for(branch_user).patch(
        detail(tangerang_employer), {"name": "Diambil alih"}, format="json"
    )
    assert response.status_code == 404
    tangerang_employer.refresh_from_db()
    assert tangerang_employer.name != "Diambil alih"


def test_list_contains_only_the_branch_employers(
    branch_user, serang_employer, tangerang_employer, django_assert_max_num_queries
):
    with django_assert_max_num_queries(5):
        response = client_for(branch_user).get(reverse("api-employer-list"))
    assert [row["id"] for row in response.json()["results"]] == [serang_employer.pk]


def test_status_change_is_recorded_with_reason_and_author(branch_user, serang_employer):
    response = client_for(branch_user).patch(
        detail(serang_employer),
        {"compliance_status": "registered", "reason": "Semua pekerja sudah didaftarkan"},
        format="json",
    )
    assert response.status_code == 200
    change = ComplianceStatusChange.objects.get(employer=serang_employer)
    assert (change.from_status, change.to_status) == ("pds_tk", "registered")
    assert change.changed_by == branch_user
    assert change.reason == "Semua pekerja sudah didaftarkan"


def test_status_change_without_reason_is_a_400_naming_the_field(branch_user, serang_employer):
    response = client_for(branch_user).patch(
        detail(serang_employer), {"compliance_status": "registered"}, format="json"
    )
    assert response.status_code == 400
    assert "reason" in response.json()["errors"]


def test_invalid_npwp_is_a_400_naming_the_field(branch_user, serang_employer):
    response = client_for(branch_user).patch(
        detail(serang_employer), {"npwp": "12345"}, format="json"
    )
    assert response.status_code == 400
    assert "npwp" in response.json()["errors"]


def test_management_can_read_but_not_write(management_user, serang_employer):
    client = client_for(management_user)
    assert client.get(detail(serang_employer)).status_code == 200
    response = client.patch(detail(serang_employer), {"name": "X"}, format="json")
    assert response.status_code == 403


def test_anonymous_request_is_refused(serang_employer):
    assert APIClient().get(detail(serang_employer)).status_code in (401, 403)


@pytest.fixture
def agency_key(agency):
    _, key = AgencyAPIKey.objects.create_key(name="integrasi", agency=agency)
    return key


def test_agency_key_sees_an_employer_only_once_a_case_is_sent_to_it(
    agency, agency_key, branch_user, serang_employer
):
    client = APIClient(HTTP_AUTHORIZATION=f"Api-Key {agency_key}")
    assert client.get(detail(serang_employer)).status_code == 404
    EscalationCase.objects.create(
        employer=serang_employer,
        branch=serang_employer.branch,
        agency=agency,
        kind="inspection",
        state="sent",
        summary="x",
        state_changed_at="2026-11-01T00:00:00Z",
        created_by=branch_user,
    )
    assert client.get(detail(serang_employer)).status_code == 200


def test_unknown_api_key_is_a_401(serang_employer):
    client = APIClient(HTTP_AUTHORIZATION="Api-Key abcdefgh.notarealkey")
    response = client.get(detail(serang_employer))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Api-Key"


def test_revoked_api_key_is_a_401(agency, serang_employer):
    api_key, key = AgencyAPIKey.objects.create_key(name="lama", agency=agency)
    api_key.revoked = True
    api_key.save()
    client = APIClient(HTTP_AUTHORIZATION=f"Api-Key {key}")
    assert client.get(reverse("api-employer-list")).status_code == 401


def test_api_key_use_is_recorded(agency, agency_key):
    APIClient(HTTP_AUTHORIZATION=f"Api-Key {agency_key}").get(reverse("api-employer-list"))
    assert AgencyAPIKey.objects.get(agency=agency).last_used_at is not None


def test_audit_history_records_who_changed_the_employer(branch_user, serang_employer):
    client_for(branch_user).patch(detail(serang_employer), {"name": "PT Baru"}, format="json")
    latest = serang_employer.history.first()
    assert latest.name == "PT Baru"
    assert latest.history_user == branch_user
