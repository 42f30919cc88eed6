"""employer_get answers None outside the user's scope; the pages and the API turn that into 404."""

from django.urls import reverse

from employers.selectors import employer_get
from employers.tests.factories import EmployerFactory


def test_employer_get_returns_the_employer_the_user_may_see(branch_user):
    employer = EmployerFactory(branch=branch_user.branch)
    assert employer_get(user=branch_user, pk=employer.pk) == employer


def test_employer_get_returns_none_for_another_branchs_employer(branch_user, branch_tangerang):
    employer = EmployerFactory(branch=branch_tangerang)
    assert employer_get(user=branch_user, pk=employer.pk) is None


def test_the_page_api_and_case_form_answer_404_outside_the_scope(
    client, branch_user, branch_tangerang
):
    employer = EmployerFactory(branch=branch_tangerang)
    client.force_login(branch_user)
    assert client.get(reverse("employers:detail", args=[employer.pk])).status_code == 404
    assert client.get(reverse("api-employer-detail", args=[employer.pk])).status_code == 404
    assert client.get(reverse("cases:open", args=[employer.pk])).status_code == 404


def test_the_visit_form_ignores_an_employer_outside_the_scope(
    client, branch_user, branch_tangerang
):
    employer = EmployerFactory(branch=branch_tangerang, name="PT Luar Cakupan")
    client.force_login(branch_user)
    response = client.get(reverse("visits:create"), {"employer": employer.pk})
    assert response.status_code == 200
    assert "PT Luar Cakupan" not in response.text
