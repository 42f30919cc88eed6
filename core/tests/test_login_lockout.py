"""Brute force on the login pages: django-axes locks a username, and an address, after 5
failures."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from accounts.tests.factories import UserFactory

PASSWORD = "test-pass-123"


def _fail(client, username, times, url_name="login", **extra):
    for _attempt in range(times):
        response = client.post(
            reverse(url_name), {"username": username, "password": "salah"}, **extra
        )
    return response


def test_five_wrong_passwords_lock_out_even_the_right_one(client, branch_user):
    _fail(client, "serang", 5)
    response = client.post(reverse("login"), {"username": "serang", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_four_wrong_passwords_then_the_right_one_logs_in_and_reset_the_count(client, branch_user):
    _fail(client, "serang", 4)
    response = client.post(reverse("login"), {"username": "serang", "password": PASSWORD})
    assert response.status_code == 302
    client.logout()
    _fail(client, "serang", 4)
    response = client.post(reverse("login"), {"username": "serang", "password": PASSWORD})
    assert response.status_code == 302


def test_one_address_is_locked_out_across_usernames(client, branch_user):
    for number in range(5):
        _fail(client, f"tebakan{number}", 1, REMOTE_ADDR="203.0.113.7")
    response = client.post(
        reverse("login"), {"username": "serang", "password": PASSWORD}, REMOTE_ADDR="203.0.113.7"
    )
    assert response.status_code == 429


def test_a_locked_username_stays_locked_from_another_address(client, branch_user):
    _fail(client, "serang", 5, REMOTE_ADDR="203.0.113.7")
    response = client.post(
        reverse("login"), {"username": "serang", "password": PASSWORD}, REMOTE_ADDR="198.51.100.2"
    )
    assert response.status_code == 429


def test_other_people_on_other_addresses_still_log_in(client, branch_user, other_branch_user):
    _fail(client, "serang", 5, REMOTE_ADDR="203.0.113.7")
    response = client.post(
        reverse("login"),
        {"username": "tangerang", "password": PASSWORD},
        REMOTE_ADDR="198.51.100.2",
    )
    assert response.status_code == 302


def test_the_admin_login_locks_out_too(client, admin_user):
    _fail(client, "admin", 5, url_name="admin:login")
    response = client.post(reverse("admin:login"), {"username": "admin", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lockout_page_explains_in_indonesian(client, branch_user):
    response = _fail(client, "serang", 5)
    assert response.status_code == 429
    text = response.content.decode()
    assert '<html lang="id">' in text
    assert "Terlalu banyak percobaan masuk" in text
    assert "Coba lagi setelah 15 menit" in text


def test_the_lockout_page_speaks_english_when_chosen(client, branch_user):
    client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    response = _fail(client, "serang", 5)
    assert "Too many login attempts" in response.content.decode()


def test_a_wrong_password_names_the_username_once(client, branch_user):
    response = client.post(reverse("login"), {"username": "serang", "password": "salah"})
    text = response.content.decode()
    assert "nama pengguna nama pengguna" not in text.lower()
    assert "Nama pengguna atau kata sandi salah" in text


def test_logging_in_from_code_needs_the_request(db):
    UserFactory(username="kode")
    request = RequestFactory().post("/masuk/")
    from django.contrib.auth import authenticate

    assert authenticate(request=request, username="kode", password=PASSWORD) is not None
    with pytest.raises(Exception, match="request"):
        authenticate(username="kode", password=PASSWORD)
