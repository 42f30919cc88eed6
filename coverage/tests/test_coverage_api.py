import pytest
from rest_framework.test import APIClient

from agencies.models import AgencyAPIKey
from agencies.tests.factories import PartnerAgencyFactory
from coverage.services import coverage_compute
from coverage.tests.factories import AFTERWARDS

pytestmark = pytest.mark.django_db

URL = "/api/v1/coverage/"
MAX_QUERIES = 10


@pytest.fixture
def computed(small_world):
    coverage_compute(period=small_world, as_of=AFTERWARDS)
    return small_world


@pytest.fixture
def api():
    return APIClient()


def key_client(agency) -> APIClient:
    _, key = AgencyAPIKey.objects.create_key(name=f"key {agency.name}", agency=agency)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


def codes(response) -> list[str]:
    return [row["code"] for row in response.json()["results"]]


def test_management_reads_province_rows_of_the_latest_period(
    api, management_user, computed, django_assert_max_num_queries
):
    api.force_authenticate(management_user)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = api.get(URL, {"level": "province"})
    assert response.status_code == 200
    body = response.json()
    assert (body["period"], body["count"]) == ("2026-11", 1)
    row = body["results"][0]
    assert (row["code"], row["active_total"], row["workforce_kind"]) == ("36", 13, "estimate")
    assert row["gap_to_target"] == 9987


def test_regency_without_workforce_has_null_coverage_in_the_api(api, management_user, computed):
    api.force_authenticate(management_user)
    rows = {r["code"]: r for r in api.get(URL, {"level": "regency"}).json()["results"]}
    assert rows["36.04"]["coverage_pct"] is None
    assert rows["36.73"]["coverage_pct"] == 0.7


def test_parent_filters_branches_by_kanwil(api, management_user, computed):
    api.force_authenticate(management_user)
    response = api.get(URL, {"level": "branch", "parent": "kw-banten", "period": "2026-11"})
    assert codes(response) == ["kc-serang", "kc-serang-kota", "kc-tangerang"]


def test_period_without_snapshots_returns_no_rows(api, management_user, computed):
    api.force_authenticate(management_user)
    assert api.get(URL, {"level": "national", "period": "2020-01"}).json()["count"] == 0


def test_missing_level_is_a_400_naming_the_field(api, management_user, computed):
    api.force_authenticate(management_user)
    response = api.get(URL)
    assert response.status_code == 400
    assert "level" in response.json()["errors"]


def test_unknown_level_is_a_400_naming_the_field(api, management_user, computed):
    api.force_authenticate(management_user)
    response = api.get(URL, {"level": "planet"})
    assert response.status_code == 400
    assert "level" in response.json()["errors"]


@pytest.mark.parametrize("period", ["2026-13", "2026-1", "November", "2026-11-01"])
def test_malformed_period_is_a_400_naming_the_field(api, management_user, computed, period):
    api.force_authenticate(management_user)
    response = api.get(URL, {"level": "national", "period": period})
    assert response.status_code == 400
    assert "period" in response.json()["errors"]


def test_provincial_agency_key_sees_only_its_province(computed, django_assert_max_num_queries):
    agency = PartnerAgencyFactory(jurisdiction_province_id="36")
    client = key_client(agency)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(URL, {"level": "regency"})
    assert response.status_code == 200
    assert codes(response) == ["36.04", "36.71", "36.73"]
    assert codes(client.get(URL, {"level": "province"})) == ["36"]


def test_provincial_agency_key_sees_nothing_outside_its_province(computed, branch_bandung):
    coverage_compute(period=computed, as_of=AFTERWARDS)
    client = key_client(PartnerAgencyFactory(jurisdiction_province_id="32"))
    assert codes(client.get(URL, {"level": "regency"})) == ["32.73"]
    assert codes(client.get(URL, {"level": "national"})) == []
    assert codes(client.get(URL, {"level": "branch"})) == []


def test_regency_agency_key_sees_only_its_regency(computed):
    agency = PartnerAgencyFactory(jurisdiction_province_id="36", jurisdiction_regency_id="36.73")
    client = key_client(agency)
    assert codes(client.get(URL, {"level": "regency"})) == ["36.73"]
    assert codes(client.get(URL, {"level": "province"})) == []


def test_national_agency_key_sees_everything(computed):
    client = key_client(PartnerAgencyFactory(jurisdiction_province=None))
    assert codes(client.get(URL, {"level": "national"})) == ["ID"]


def test_agency_user_session_is_scoped_like_its_key(api, computed):
    from accounts.tests.factories import UserFactory

    agency = PartnerAgencyFactory(jurisdiction_province_id="36", jurisdiction_regency_id="36.71")
    api.force_authenticate(UserFactory(role="agency", agency=agency))
    assert codes(api.get(URL, {"level": "regency"})) == ["36.71"]


def test_branch_staff_cannot_use_the_coverage_api(api, branch_user, computed):
    api.force_authenticate(branch_user)
    assert api.get(URL, {"level": "regency"}).status_code == 403


def test_anonymous_requests_are_refused(api, computed):
    assert api.get(URL, {"level": "national"}).status_code in (401, 403)


def test_invalid_api_key_is_refused(computed):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Api-Key not-a-key")
    assert client.get(URL, {"level": "national"}).status_code == 401


def test_endpoint_is_documented_in_the_openapi_schema(api, management_user):
    api.force_authenticate(management_user)
    schema = api.get("/api/v1/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/coverage/"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"level", "period", "parent"}
    assert "CoverageList" in schema["components"]["schemas"]


def test_fast_representation_matches_the_documented_fields(computed):
    from rest_framework import serializers

    from coverage.api import CoverageListApi
    from coverage.models import CoverageSnapshot

    output = CoverageListApi.OutputSerializer
    for row in CoverageSnapshot.objects.all():
        fast = output(row).data
        generic = serializers.ModelSerializer.to_representation(output(), row)
        assert dict(fast) == dict(generic), row


def test_a_period_in_year_zero_is_a_400_naming_the_field(api, management_user, computed):
    api.force_authenticate(management_user)
    response = api.get(URL, {"level": "province", "period": "0000-01"})
    assert response.status_code == 400
    assert "period" in response.json()["errors"]
