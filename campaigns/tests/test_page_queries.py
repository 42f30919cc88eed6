"""Every field-work page renders with a bounded number of queries, whatever the data size."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from agencies.models import AgencyAPIKey
from campaigns.tests.factories import CampaignFactory, EscalationCaseFactory, VisitFactory
from employers.tests.factories import EmployerFactory


@pytest.fixture
def world(branch_serang, branch_user, disnaker):
    employers = EmployerFactory.create_batch(12, branch=branch_serang)
    cases = [
        EscalationCaseFactory(employer=employer, agency=disnaker, created_by=branch_user)
        for employer in employers[:6]
    ]
    for employer in employers:
        VisitFactory(employer=employer, officer=branch_user)
    campaigns = [CampaignFactory(branches=[branch_serang]) for _ in range(8)]
    return {"employer": employers[0], "case": cases[0], "campaign": campaigns[0]}


@pytest.mark.parametrize(
    ("username", "url_name", "key", "limit"),
    [
        ("admin", "employers:create", None, 8),
        ("serang", "employers:edit", "employer", 8),
        ("serang", "cases:open", "employer", 6),
        ("serang", "cases:detail", "case", 8),
        ("admin", "campaigns:create", None, 9),
        ("serang", "campaigns:list", None, 5),
        ("serang", "visits:create", None, 4),
    ],
)
def test_page_renders_with_bounded_queries(
    client,
    world,
    admin_user,
    branch_user,
    username,
    url_name,
    key,
    limit,
    django_assert_max_num_queries,
):
    client.force_login(admin_user if username == "admin" else branch_user)
    url = reverse(url_name, args=[world[key].pk] if key else [])
    with django_assert_max_num_queries(limit):
        response = client.get(url)
    assert response.status_code == 200


def test_case_api_detail_runs_a_bounded_number_of_queries(
    world, disnaker, django_assert_max_num_queries
):
    _key, secret = AgencyAPIKey.objects.create_key(name="k", agency=disnaker)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}")
    api.get("/api/v1/cases/")  # records the key's last use (a write), outside the count
    with django_assert_max_num_queries(4):
        response = api.get(f"/api/v1/cases/{world['case'].pk}/")
    assert response.status_code == 200
