"""Pages and downloads a logged-in user sees, and every API answer, are kept out of caches."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from agencies.models import AgencyAPIKey
from employers.tests.factories import EmployerFactory


@pytest.mark.parametrize(
    "url_name", ["home", "lead-list", "worker-list-index", "employers:list", "cases:list"]
)
def test_pages_for_a_logged_in_user_are_not_stored(client, management_user, url_name):
    client.force_login(management_user)
    response = client.get(reverse(url_name))
    assert response["Cache-Control"] == "no-store, private"


def test_the_employer_page_and_its_export_are_not_stored(client, branch_user):
    employer = EmployerFactory(branch=branch_user.branch)
    client.force_login(branch_user)
    detail = client.get(reverse("employers:detail", args=[employer.pk]))
    export = client.get(reverse("employers:list"), {"export": "csv"})
    assert detail["Cache-Control"] == "no-store, private"
    assert export["Content-Type"].startswith("text/csv")
    assert export["Cache-Control"] == "no-store, private"


def test_api_answers_to_an_api_key_are_not_stored(agency):
    _key, key = AgencyAPIKey.objects.create_key(name="uji", agency=agency)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    assert api.get(reverse("api-case-list"))["Cache-Control"] == "no-store, private"


def test_api_refusals_are_not_stored_either(client, db):
    assert client.get(reverse("api-case-list"))["Cache-Control"] == "no-store, private"


def test_a_page_that_sets_its_own_cache_control_keeps_it(client, db):
    # LoginView is never_cache: Django's stricter header stays as it is.
    assert "no-store" in client.get(reverse("login"))["Cache-Control"]
    assert "max-age=0" in client.get(reverse("login"))["Cache-Control"]


def test_static_files_keep_their_caching(client, db, settings):
    response = client.get("/static/css/app.css")
    assert "no-store" not in response.get("Cache-Control", "")
