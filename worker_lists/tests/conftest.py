import pytest
from rest_framework.test import APIClient

from agencies.models import AgencyAPIKey
from agencies.tests.factories import PartnerAgencyFactory


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(branch_serang, branch_tangerang):
    """Serang serves 36.73 and 36.04, Tangerang serves 36.71 (both primary)."""
    return {"serang": branch_serang, "tangerang": branch_tangerang}


@pytest.fixture
def api_key(agency):
    _key_obj, key = AgencyAPIKey.objects.create_key(name="uji", agency=agency)
    return key


@pytest.fixture
def api_client(api_key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {api_key}")
    return client


@pytest.fixture
def other_agency(db):
    return PartnerAgencyFactory(name="Disnaker Uji Lain")


@pytest.fixture
def other_api_client(other_agency):
    _key_obj, key = AgencyAPIKey.objects.create_key(name="lain", agency=other_agency)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client
