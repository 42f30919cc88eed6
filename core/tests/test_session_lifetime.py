"""Staff sessions end after 60 minutes idle and 8 hours after login."""

import time

import pytest
from django.conf import settings
from django.urls import reverse

from core.middleware import LOGIN_AT_KEY, SEEN_AT_KEY


@pytest.fixture
def logged_in(client, branch_user):
    client.force_login(branch_user)
    return client


def _age(client, **seconds_ago):
    session = client.session
    now = int(time.time())
    for key, ago in seconds_ago.items():
        session[key] = now - ago
    session.save()


def test_sessions_expire_after_an_hour_without_requests(logged_in):
    assert settings.SESSION_COOKIE_AGE == 60 * 60
    assert 59 * 60 < logged_in.session.get_expiry_age() <= 60 * 60


def test_login_starts_both_clocks(logged_in):
    session = logged_in.session
    assert abs(session[LOGIN_AT_KEY] - time.time()) < 5
    assert session[SEEN_AT_KEY] == session[LOGIN_AT_KEY]


def test_a_request_after_a_quiet_minute_moves_the_idle_expiry_forward(logged_in):
    _age(logged_in, _seen_at=5 * 60)
    before = logged_in.session.get_expiry_date()
    logged_in.get(reverse("home"))
    assert logged_in.session.get_expiry_date() > before
    assert abs(logged_in.session[SEEN_AT_KEY] - time.time()) < 5


def test_a_session_idle_for_over_an_hour_is_gone(logged_in):
    session = logged_in.session
    session.set_expiry(-1)
    session.save()
    response = logged_in.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_busy_session_ends_eight_hours_after_login(logged_in):
    _age(logged_in, _login_at=8 * 60 * 60 + 1, _seen_at=10)
    response = logged_in.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in logged_in.session


def test_a_session_just_under_eight_hours_old_still_works(logged_in):
    _age(logged_in, _login_at=8 * 60 * 60 - 60, _seen_at=10)
    assert logged_in.get(reverse("home")).status_code == 200


def test_the_api_refuses_a_session_past_eight_hours(logged_in):
    _age(logged_in, _login_at=8 * 60 * 60 + 1)
    assert logged_in.get(reverse("api-case-list")).status_code == 401
