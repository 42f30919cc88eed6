import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Visit
from campaigns.services import visit_log
from campaigns.tests.factories import VisitFactory
from employers.models import ComplianceStatusChange
from employers.tests.factories import EmployerFactory


@pytest.fixture
def employer(branch_serang):
    return EmployerFactory(name="PT Kunjungan", branch=branch_serang, compliance_status="pds_tk")


def _log(employer, officer, **overrides):
    fields = {
        "employer": employer,
        "officer": officer,
        "visited_on": timezone.localdate(),
        "purpose": "sosialisasi",
        "outcome": "refused",
    }
    fields.update(overrides)
    return visit_log(**fields)


def test_visit_log_records_the_visit_for_the_employers_branch(employer, branch_user):
    visit = _log(employer, branch_user)
    assert (visit.branch, visit.officer) == (employer.branch, branch_user)


def test_visit_log_changes_the_status_with_the_visit_as_its_reason(employer, branch_user):
    visit = _log(
        employer,
        branch_user,
        outcome="enrolled",
        workers_enrolled=7,
        new_status="registered",
        status_reason="Semua pekerja didaftarkan saat kunjungan",
    )
    change = ComplianceStatusChange.objects.get(visit=visit)
    employer.refresh_from_db()
    assert employer.compliance_status == "registered"
    assert change.reason == "Semua pekerja didaftarkan saat kunjungan"


def test_visit_log_without_a_reason_for_the_status_change_writes_nothing(employer, branch_user):
    with pytest.raises(ValidationError):
        _log(employer, branch_user, new_status="registered", status_reason="")
    assert not Visit.objects.exists()
    employer.refresh_from_db()
    assert employer.compliance_status == "pds_tk"


def test_a_promise_needs_its_date(employer, branch_user):
    with pytest.raises(ValidationError) as error:
        _log(employer, branch_user, outcome="promised")
    assert "promised_by" in error.value.message_dict


def test_another_branch_cannot_log_a_visit(employer, other_branch_user):
    with pytest.raises(PermissionDenied):
        _log(employer, other_branch_user)


def test_visit_form_logs_a_visit_and_returns_to_the_employer(client, employer, branch_user):
    client.force_login(branch_user)
    response = client.post(
        reverse("visits:create"),
        {
            "employer": employer.pk,
            "visited_on": timezone.localdate().isoformat(),
            "purpose": "registration",
            "outcome": "promised",
            "promised_by": (timezone.localdate() + dt.timedelta(days=14)).isoformat(),
            "follow_up_on": (timezone.localdate() + dt.timedelta(days=15)).isoformat(),
            "latitude": "-6.1200001",
            "longitude": "106.1503",
            "notes": "Bertemu HRD",
        },
    )
    assert response.url == reverse("employers:detail", args=[employer.pk])
    visit = Visit.objects.get()
    assert (visit.outcome, str(visit.latitude)) == ("promised", "-6.120000")


def test_visit_form_shows_errors_instead_of_failing(client, employer, branch_user):
    client.force_login(branch_user)
    response = client.post(
        reverse("visits:create"),
        {
            "employer": employer.pk,
            "visited_on": timezone.localdate().isoformat(),
            "purpose": "registration",
            "outcome": "enrolled",
            "new_status": "registered",
        },
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"workers_enrolled", "status_reason"}


def test_visit_form_refuses_an_employer_of_another_branch(client, employer, other_branch_user):
    client.force_login(other_branch_user)
    response = client.post(
        reverse("visits:create"),
        {
            "employer": employer.pk,
            "visited_on": timezone.localdate().isoformat(),
            "purpose": "registration",
            "outcome": "refused",
        },
    )
    assert "employer" in response.context["form"].errors
    assert not Visit.objects.exists()


def test_employer_search_finds_only_the_branchs_employers(
    client, employer, branch_user, branch_tangerang, django_assert_max_num_queries
):
    EmployerFactory(name="PT Kunjungan Lain", branch=branch_tangerang)
    client.force_login(branch_user)
    with django_assert_max_num_queries(4):
        response = client.get(reverse("visits:employer_search"), {"q": "kunjungan"})
    assert [e.name for e in response.context["employers"]] == ["PT Kunjungan"]


def test_visit_form_page_runs_a_bounded_number_of_queries(
    client, employer, branch_user, django_assert_max_num_queries
):
    client.force_login(branch_user)
    with django_assert_max_num_queries(5):
        response = client.get(reverse("visits:create"), {"employer": employer.pk})
    assert response.context["employer"] == employer


def test_visit_list_shows_only_the_branchs_visits(
    client,
    employer,
    branch_user,
    other_branch_user,
    branch_tangerang,
    django_assert_max_num_queries,
):
    VisitFactory(employer=employer, officer=branch_user)
    VisitFactory(employer=EmployerFactory(branch=branch_tangerang), officer=other_branch_user)
    client.force_login(branch_user)
    with django_assert_max_num_queries(5):
        response = client.get(reverse("visits:list"))
    assert [visit.employer for visit in response.context["page"]] == [employer]


def test_follow_up_can_be_marked_done_by_its_branch(client, employer, branch_user):
    visit = VisitFactory(employer=employer, officer=branch_user, follow_up_on=timezone.localdate())
    client.force_login(branch_user)
    client.post(reverse("visits:follow_up_done", args=[visit.pk]))
    visit.refresh_from_db()
    assert visit.follow_up_done


def test_follow_up_of_another_branch_cannot_be_marked_done(client, employer, other_branch_user):
    visit = VisitFactory(
        employer=employer, officer=other_branch_user, follow_up_on=timezone.localdate()
    )
    client.force_login(other_branch_user)
    response = client.post(reverse("visits:follow_up_done", args=[visit.pk]))
    visit.refresh_from_db()
    assert (response.status_code, visit.follow_up_done) == (404, False)


def test_employer_ids_in_search_results_are_not_formatted_as_numbers(
    client, branch_user, branch_serang
):
    # USE_THOUSAND_SEPARATOR would turn 12345 into "12.345", which no form accepts.
    EmployerFactory(pk=12345, name="PT Ribuan", branch=branch_serang)
    client.force_login(branch_user)
    response = client.get(reverse("visits:employer_search"), {"q": "ribuan"})
    assert 'data-employer-id="12345"' in response.text


def test_log_visit_link_on_the_employer_page_carries_a_plain_id(client, branch_user, branch_serang):
    EmployerFactory(pk=12346, branch=branch_serang)
    client.force_login(branch_user)
    response = client.get(reverse("employers:detail", args=[12346]))
    assert "?employer=12346" in response.text


def test_management_cannot_open_the_visit_form(client, management_user):
    client.force_login(management_user)
    assert client.get(reverse("visits:create")).status_code == 403
