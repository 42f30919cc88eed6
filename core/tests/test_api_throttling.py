"""Session-authenticated API calls get their own per-user budget, API keys keep theirs."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from rest_framework.test import APIClient

from agencies.models import AgencyAPIKey
from core.throttling import SessionUserRateThrottle


@pytest.fixture(autouse=True)
def _tight_budget(monkeypatch):
    monkeypatch.setattr(SessionUserRateThrottle, "rate", "2/minute", raising=False)
    cache.clear()
    yield
    cache.clear()


def test_a_logged_in_user_calling_the_api_too_often_is_throttled(client, management_user):
    client.force_login(management_user)
    url = reverse("api-case-list")
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 429]


def test_each_user_has_their_own_budget(client, management_user, admin_user):
    url = reverse("api-case-list")
    client.force_login(management_user)
    client.get(url), client.get(url)
    client.force_login(admin_user)
    assert client.get(url).status_code == 200


def test_api_keys_are_not_counted_against_the_session_budget(agency):
    _key, key = AgencyAPIKey.objects.create_key(name="uji", agency=agency)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    url = reverse("api-case-list")
    assert [api.get(url).status_code for _ in range(3)] == [200, 200, 200]


def test_pages_are_not_throttled(client, management_user):
    client.force_login(management_user)
    assert [client.get(reverse("home")).status_code for _ in range(3)] == [200, 200, 200]
