import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from employers.tests.factories import EmployerFactory


def test_login_page_speaks_indonesian_by_default(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert '<html lang="id">' in response.text
    assert "Kata sandi" in response.text


def test_home_requires_login(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_with_wrong_password_shows_a_form_error(client, branch_user):
    response = client.post(reverse("login"), {"username": "serang", "password": "salah"})
    assert response.status_code == 200
    assert "alert-danger" in response.text


def test_branch_user_logs_in_and_sees_only_their_employer_count(
    client, branch_user, branch_tangerang, django_assert_max_num_queries
):
    EmployerFactory(branch=branch_user.branch)
    EmployerFactory(branch=branch_tangerang)
    assert client.login(
        request=RequestFactory().post("/masuk/"), username="serang", password="test-pass-123"
    )
    # Session, user, counts, follow-ups, leads and their count, proposals, campaigns,
    # sanction steps due.
    with django_assert_max_num_queries(16):
        response = client.get(reverse("home"))
    assert response.status_code == 200
    assert '<div class="fs-4 fw-semibold" data-testid="employer-count">1</div>' in response.text


def test_language_switcher_changes_the_page_language(client, db):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("login")}, follow=True
    )
    assert '<html lang="en">' in response.text


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{% load humanize %}{{ value|intcomma }}", "1.234.567"),
        ('{{ ratio|floatformat:"1g" }}', "45,6"),
    ],
)
def test_numbers_use_indonesian_formatting(template, expected, settings):
    with translation.override("id"):
        rendered = Template(template).render(Context({"value": 1234567, "ratio": 45.61}))
    assert rendered == expected


def test_health_check_answers_ok(client, db):
    assert client.get(reverse("healthz")).json() == {"status": "ok"}


def test_pages_stay_indonesian_when_the_browser_prefers_english(client, db):
    response = client.get(reverse("login"), headers={"accept-language": "en-US,en;q=0.9"})
    assert '<html lang="id">' in response.text


def test_english_chosen_with_the_switcher_sticks_across_pages(client, db):
    client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    response = client.get(reverse("login"))
    assert '<html lang="en">' in response.text
