"""Defects branch staff met on the employer pages (issue 12), each pinned by a test."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from employers import services
from employers.models import Employer
from employers.selectors import employer_near_duplicates
from employers.tests.factories import EmployerFactory, employer_form_data
from regions.models import Regency

LIST = reverse("employers:list")
CREATE = reverse("employers:create")


def test_the_all_statuses_option_filters_nothing_and_shows_no_error(
    client, branch_user, branch_serang
):
    EmployerFactory(name="PT Alfa", branch=branch_serang, compliance_status="registered")
    client.force_login(branch_user)

    response = client.get(LIST, {"q": "", "compliance_status": ""})

    assert not response.context["filter"].form.errors
    assert [employer.name for employer in response.context["page"]] == ["PT Alfa"]
    assert "Masukkan pilihan yang valid" not in response.content.decode()


def test_a_filter_error_names_the_field_by_its_label_not_its_code(client, branch_user):
    client.force_login(branch_user)
    response = client.get(LIST, {"compliance_status": "bogus"})
    errors = (
        response.content.decode().split('data-testid="filter-errors"')[1].split("</div></div>")[0]
    )
    assert "Status kepatuhan:" in errors
    assert "compliance_status" not in errors


def test_a_failed_submit_shows_an_error_summary_linking_each_invalid_field(
    client, branch_user, branch_serang
):
    client.force_login(branch_user)
    response = client.post(CREATE, employer_form_data(name="", npwp="12-34"))
    html = response.content.decode()
    summary = html.split('data-testid="error-summary"')[1].split("</div>")[0]
    assert 'href="#id_name"' in summary
    assert 'href="#id_npwp"' in summary
    assert "js/form-errors.js" in html
    # The summary comes before the first field.
    assert html.index('data-testid="error-summary"') < html.index('id="id_name"')


def test_a_second_employer_with_the_same_npwp_is_refused(client, branch_user, branch_serang):
    EmployerFactory(name="PT Satu", npwp="012345678901000", branch=branch_serang)
    client.force_login(branch_user)
    response = client.post(CREATE, employer_form_data(name="PT Lain", npwp="01.234.567.8-901.000"))
    assert "npwp" in response.context["form"].errors
    assert Employer.objects.filter(npwp="012345678901000").count() == 1


def test_a_second_employer_with_the_same_nib_is_refused(client, branch_user, branch_serang):
    EmployerFactory(name="PT Satu", nib="1234567890123", branch=branch_serang)
    client.force_login(branch_user)
    response = client.post(CREATE, employer_form_data(name="PT Lain", nib="1234567890123"))
    assert "nib" in response.context["form"].errors


def test_the_database_refuses_a_duplicate_npwp_even_past_the_form(branch_user, branch_serang):
    EmployerFactory(name="PT Satu", npwp="012345678901000", branch=branch_serang)
    with pytest.raises(ValidationError):
        services.employer_create(
            user=branch_user,
            compliance_status="not_registered",
            name="PT Dua",
            npwp="012345678901000",
            sector="trade",
            size_class="small",
            regency=Regency.objects.get(code="36.73"),
            branch=branch_serang,
        )


def test_many_employers_may_have_no_npwp_or_nib(branch_serang):
    EmployerFactory(name="PT Satu", npwp="", nib="", branch=branch_serang)
    EmployerFactory(name="PT Dua", npwp="", nib="", branch=branch_serang)
    assert Employer.objects.filter(npwp="").count() == 2


def test_a_near_duplicate_name_in_the_same_regency_is_warned_about_before_saving(
    client, branch_user, branch_serang
):
    EmployerFactory(name="PT Maju Jaya", branch=branch_serang, regency_id="36.73")
    client.force_login(branch_user)

    response = client.post(CREATE, employer_form_data(name="Maju Jaya, PT"))

    form = response.context["form"]
    assert "PT Maju Jaya" in " ".join(form.errors["confirm_duplicate"])
    assert Employer.objects.count() == 1
    assert 'name="confirm_duplicate"' in response.content.decode()
    assert 'type="checkbox" name="confirm_duplicate"' in response.content.decode()


def test_a_near_duplicate_is_saved_once_the_officer_confirms_it_is_another_employer(
    client, branch_user, branch_serang
):
    EmployerFactory(name="PT Maju Jaya", branch=branch_serang, regency_id="36.73")
    client.force_login(branch_user)
    response = client.post(CREATE, employer_form_data(name="Maju Jaya, PT", confirm_duplicate="on"))
    assert response.status_code == 302
    assert Employer.objects.count() == 2


def test_the_same_name_in_another_regency_is_not_a_near_duplicate(branch_serang):
    EmployerFactory(name="PT Maju Jaya", branch=branch_serang, regency_id="36.04")
    assert employer_near_duplicates(name="PT Maju Jaya", regency="36.73") == []


def test_a_different_name_sharing_a_word_is_not_a_near_duplicate(branch_serang):
    EmployerFactory(name="PT Maju Jaya", branch=branch_serang, regency_id="36.73")
    assert employer_near_duplicates(name="PT Maju Bersama Sentosa", regency="36.73") == []


def test_district_options_name_their_regency_for_the_page_to_filter(
    client, branch_user, branch_serang
):
    client.force_login(branch_user)
    html = client.get(CREATE).content.decode()
    assert 'data-depends-on="id_regency"' in html
    assert 'data-regency="36.04"' in html
    assert "js/dependent-select.js" in html


def test_after_choosing_a_regency_only_its_districts_are_offered(
    client, branch_user, branch_serang
):
    client.force_login(branch_user)
    response = client.post(CREATE, employer_form_data(name="", regency="36.73"))
    offered = {district.pk for district in response.context["form"].fields["district"].queryset}
    assert offered == {"36.73.01", "36.73.02"}


def test_the_worker_counts_start_empty_not_at_zero(client, branch_user, branch_serang):
    client.force_login(branch_user)
    form = client.get(CREATE).context["form"]
    html = str(form["reported_workers"]) + str(form["registered_workers"])
    assert 'value="0"' not in html


def test_empty_worker_counts_are_saved_as_zero(client, branch_user, branch_serang):
    client.force_login(branch_user)
    client.post(CREATE, employer_form_data(reported_workers="", registered_workers=""))
    employer = Employer.objects.get(name="PT Form")
    assert (employer.reported_workers, employer.registered_workers) == (0, 0)
