import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from campaigns.tests.factories import EscalationCaseFactory, VisitFactory
from employers.models import ComplianceStatus, Employer
from employers.tests.factories import EmployerFactory, employer_form_data
from participants.tests.factories import ParticipantFactory
from regions.models import Regency
from worker_lists.models import EnrollmentLead

LIST = reverse("employers:list")


@pytest.fixture
def serang_employers(branch_serang):
    return [
        EmployerFactory(name="PT Alfa", branch=branch_serang, compliance_status="pds_tk"),
        EmployerFactory(name="PT Beta", branch=branch_serang, compliance_status="registered"),
        EmployerFactory(
            name="CV Gamma",
            branch=branch_serang,
            compliance_status="not_registered",
            regency=Regency.objects.get(code="36.04"),
        ),
    ]


@pytest.fixture
def tangerang_employer(branch_tangerang):
    return EmployerFactory(
        name="PT Tangerang",
        branch=branch_tangerang,
        regency=Regency.objects.get(code="36.71"),
    )


def _names(response) -> list[str]:
    return [employer.name for employer in response.context["page"]]


def test_branch_staff_see_only_their_branchs_employers(
    client, branch_user, serang_employers, tangerang_employer
):
    client.force_login(branch_user)
    response = client.get(LIST)
    assert _names(response) == ["CV Gamma", "PT Alfa", "PT Beta"]


def test_employer_list_filters_by_compliance_status(client, branch_user, serang_employers):
    client.force_login(branch_user)
    response = client.get(LIST, {"compliance_status": "registered"})
    assert _names(response) == ["PT Beta"]


def test_employer_list_searches_name_and_npp(client, branch_user, serang_employers):
    client.force_login(branch_user)
    assert _names(client.get(LIST, {"q": "alf"})) == ["PT Alfa"]
    assert _names(client.get(LIST, {"q": serang_employers[1].npp.lower()})) == ["PT Beta"]


def test_employer_list_filters_by_regency(client, branch_user, serang_employers):
    client.force_login(branch_user)
    assert _names(client.get(LIST, {"regency": "36.04"})) == ["CV Gamma"]


def test_employer_list_rejects_a_regency_outside_the_users_scope(
    client, branch_user, serang_employers, tangerang_employer
):
    client.force_login(branch_user)
    response = client.get(LIST, {"regency": "36.71"})
    assert "regency" in response.context["filter"].form.errors


def test_no_visit_in_90_days_leaves_out_recently_visited_employers(
    client, branch_user, serang_employers
):
    alfa, beta, _gamma = serang_employers
    today = timezone.localdate()
    VisitFactory(employer=alfa, officer=branch_user, visited_on=today - dt.timedelta(days=10))
    VisitFactory(employer=beta, officer=branch_user, visited_on=today - dt.timedelta(days=120))
    client.force_login(branch_user)
    assert _names(client.get(LIST, {"no_recent_visit": "true"})) == ["CV Gamma", "PT Beta"]


def test_employer_list_sorts_by_registered_workers(client, branch_user, branch_serang):
    EmployerFactory(name="Kecil", branch=branch_serang, registered_workers=3)
    EmployerFactory(name="Besar", branch=branch_serang, registered_workers=300)
    client.force_login(branch_user)
    assert _names(client.get(LIST, {"sort": "-registered"})) == ["Besar", "Kecil"]


def test_employer_list_paginates_25_per_page(client, branch_user, branch_serang):
    EmployerFactory.create_batch(30, branch=branch_serang)
    client.force_login(branch_user)
    response = client.get(LIST, {"page": 2})
    assert len(response.context["page"]) == 5


def test_employer_list_runs_a_bounded_number_of_queries(
    client, branch_user, branch_serang, django_assert_max_num_queries
):
    employers = EmployerFactory.create_batch(40, branch=branch_serang)
    for employer in employers[:20]:
        VisitFactory(employer=employer, officer=branch_user)
    client.force_login(branch_user)
    with django_assert_max_num_queries(8):
        response = client.get(LIST, {"no_recent_visit": "false", "sort": "name"})
    assert response.status_code == 200


def test_csv_export_holds_the_filtered_rows_only(client, branch_user, serang_employers):
    client.force_login(branch_user)
    response = client.get(LIST, {"compliance_status": "pds_tk", "export": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:2] == ["NPP", "Nama"]
    assert [row[1] for row in rows[1:]] == ["PT Alfa"]


def test_xlsx_export_keeps_npp_as_text_and_respects_scope(
    client, branch_user, serang_employers, tangerang_employer
):
    client.force_login(branch_user)
    response = client.get(LIST, {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == ["CV Gamma", "PT Alfa", "PT Beta"]


def test_employer_page_shows_visits_cases_leads_and_history(
    client, branch_user, branch_serang, disnaker, django_assert_max_num_queries
):
    employer = EmployerFactory(branch=branch_serang, reported_workers=40, registered_workers=12)
    VisitFactory(employer=employer, officer=branch_user, finding="Gudang baru ditemukan")
    EscalationCaseFactory(employer=employer, agency=disnaker, created_by=branch_user)
    ParticipantFactory(employer=employer, work_regency=employer.regency)
    EnrollmentLead.objects.create(
        nik="3673010101900001",
        full_name="Calon Peserta",
        agency=disnaker,
        work_regency=employer.regency,
        branch=branch_serang,
        employer=employer,
    )
    client.force_login(branch_user)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("employers:detail", args=[employer.pk]))
    content = response.content.decode()
    assert "Gudang baru ditemukan" in content
    assert "Calon Peserta" in content
    assert disnaker.name in content
    assert response.context["active_participant_count"] == 1


def test_employer_page_of_another_branch_is_not_found(client, branch_user, tangerang_employer):
    client.force_login(branch_user)
    response = client.get(reverse("employers:detail", args=[tangerang_employer.pk]))
    assert response.status_code == 404


def test_branch_staff_create_an_employer_in_their_branch(client, branch_user, branch_serang):
    client.force_login(branch_user)
    response = client.post(
        reverse("employers:create"), employer_form_data(npwp="01.234.567.8-901.000")
    )
    employer = Employer.objects.get(name="PT Form")
    assert response.status_code == 302
    assert (employer.branch, employer.npwp) == (branch_serang, "012345678901000")


def test_create_form_shows_an_error_for_a_bad_npwp(client, branch_user, branch_serang):
    client.force_login(branch_user)
    response = client.post(reverse("employers:create"), employer_form_data(npwp="12-34"))
    assert response.status_code == 200
    assert "npwp" in response.context["form"].errors
    assert not Employer.objects.exists()


def test_create_form_shows_an_error_for_a_duplicate_npp(client, branch_user, branch_serang):
    EmployerFactory(npp="NPP123", branch=branch_serang)
    client.force_login(branch_user)
    response = client.post(reverse("employers:create"), employer_form_data(npp="npp123"))
    assert "npp" in response.context["form"].errors


def test_create_form_rejects_a_district_of_another_regency(client, branch_user, branch_serang):
    client.force_login(branch_user)
    response = client.post(reverse("employers:create"), employer_form_data(district="36.04.01"))
    assert "district" in response.context["form"].errors


def test_edit_form_saves_changes_but_not_the_status(client, branch_user, branch_serang):
    employer = EmployerFactory(branch=branch_serang, compliance_status=ComplianceStatus.PDS_TK)
    client.force_login(branch_user)
    client.post(
        reverse("employers:edit", args=[employer.pk]),
        employer_form_data(
            name="PT Ganti Nama", compliance_status="registered", regency=employer.regency_id
        ),
    )
    employer.refresh_from_db()
    assert (employer.name, employer.compliance_status) == ("PT Ganti Nama", "pds_tk")


def test_other_branch_cannot_edit_an_employer(client, other_branch_user, branch_serang):
    employer = EmployerFactory(branch=branch_serang)
    client.force_login(other_branch_user)
    response = client.post(reverse("employers:edit", args=[employer.pk]), employer_form_data())
    assert response.status_code == 404


def test_status_form_without_reason_is_a_form_error(client, branch_user, branch_serang):
    employer = EmployerFactory(branch=branch_serang)
    client.force_login(branch_user)
    response = client.post(
        reverse("employers:status", args=[employer.pk]), {"to_status": "registered"}
    )
    assert response.status_code == 400
    assert "reason" in response.context["status_form"].errors


def test_csv_export_defuses_a_name_that_looks_like_a_formula(client, branch_user, branch_serang):
    EmployerFactory(name="=HYPERLINK(1)", branch=branch_serang)
    client.force_login(branch_user)
    response = client.get(LIST, {"export": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text)))[1][1] == "'=HYPERLINK(1)"


def test_regional_staff_create_an_employer_for_a_branch_of_their_kanwil(
    client, regional_user, branch_serang
):
    client.force_login(regional_user)
    client.post(reverse("employers:create"), employer_form_data(branch=branch_serang.pk))
    assert Employer.objects.get().branch == branch_serang


def test_regional_staff_must_choose_a_branch(client, regional_user, branch_serang):
    client.force_login(regional_user)
    response = client.post(reverse("employers:create"), employer_form_data())
    assert "branch" in response.context["form"].errors


def test_management_cannot_open_the_create_form(client, management_user):
    client.force_login(management_user)
    assert client.get(reverse("employers:create")).status_code == 403


@pytest.mark.parametrize("name", ["regency", "district", "q"])
def test_a_filter_value_with_a_nul_is_not_a_server_error(
    client, branch_user, serang_employers, name
):
    client.force_login(branch_user)
    response = client.get(LIST, {name: "36\x0073"})
    assert response.status_code == 200
