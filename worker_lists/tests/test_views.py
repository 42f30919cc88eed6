"""Browser pages: upload and report for agencies, leads for branch staff."""

import io

import pytest
from django.urls import reverse

from worker_lists.models import EnrollmentLead, LeadStatus, WorkerListSubmission
from worker_lists.services import worker_list_process

from .factories import submit_file
from .helpers import csv_bytes, nik, worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def processed(world, agency):
    submission = submit_file(
        agency=agency,
        data=csv_bytes([worker(1), worker(2, work_regency_code="36.71"), worker(3, full_name="")]),
    )
    return worker_list_process(submission_id=submission.pk)


def test_an_agency_user_uploads_a_file_and_lands_on_its_page(
    world, client, agency_user, django_capture_on_commit_callbacks
):
    client.force_login(agency_user)
    upload = io.BytesIO(csv_bytes([worker(1)]))
    upload.name = "daftar.csv"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("worker-list-index"), {"reference": "Honorer 2026", "file": upload}
        )

    submission = WorkerListSubmission.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("worker-list-detail", args=[submission.pk])
    page = client.get(response["Location"])
    assert 'data-testid="count-new_lead">1<' in page.content.decode()


def test_the_upload_form_refuses_a_file_over_the_limit(world, client, agency_user, settings):
    settings.WORKER_LIST_MAX_UPLOAD_BYTES = 10
    client.force_login(agency_user)
    upload = io.BytesIO(csv_bytes([worker(1)]))
    upload.name = "daftar.csv"

    response = client.post(reverse("worker-list-index"), {"reference": "x", "file": upload})

    assert response.status_code == 200
    assert "terlalu besar" in response.content.decode()
    assert not WorkerListSubmission.objects.exists()


def test_branch_staff_cannot_upload_lists(world, client, branch_user):
    client.force_login(branch_user)

    response = client.post(reverse("worker-list-index"), {"reference": "x"})

    assert response.status_code == 403


def test_the_progress_partial_polls_while_queued(world, client, agency_user, agency):
    submission = submit_file(agency=agency, data=csv_bytes([worker(1)]))
    client.force_login(agency_user)

    response = client.get(reverse("worker-list-progress", args=[submission.pk]))

    assert 'hx-trigger="every 1s"' in response.content.decode()


def test_the_progress_partial_asks_htmx_to_reload_when_done(world, client, agency_user, processed):
    client.force_login(agency_user)

    response = client.get(
        reverse("worker-list-progress", args=[processed.pk]), headers={"HX-Request": "true"}
    )

    assert response["HX-Refresh"] == "true"
    assert "every 1s" not in response.content.decode()


def test_an_agency_user_cannot_open_another_agencys_list(world, client, other_agency, agency_user):
    theirs = submit_file(agency=other_agency, data=csv_bytes([worker(1)]))
    client.force_login(agency_user)

    assert client.get(reverse("worker-list-detail", args=[theirs.pk])).status_code == 404


def test_the_report_page_shows_error_messages_in_indonesian(
    world, client, agency_user, processed, django_assert_max_num_queries
):
    client.force_login(agency_user)

    with django_assert_max_num_queries(8):
        response = client.get(
            reverse("worker-list-detail", args=[processed.pk]), {"outcome": "invalid"}
        )

    content = response.content.decode()
    assert "Nama wajib diisi." in content
    assert nik(1) not in content


def test_branch_staff_see_only_their_branchs_leads(world, client, branch_user, processed):
    client.force_login(branch_user)

    content = client.get(reverse("lead-list")).content.decode()

    assert nik(1) in content
    assert nik(2) not in content


def test_leads_can_be_filtered_by_status(world, client, branch_user, processed):
    EnrollmentLead.objects.filter(nik=nik(1)).update(status=LeadStatus.ENROLLED)
    client.force_login(branch_user)

    content = client.get(reverse("lead-list"), {"status": "new"}).content.decode()

    assert nik(1) not in content


def test_the_leads_page_answers_in_a_fixed_number_of_queries(
    world, client, regional_user, processed, django_assert_max_num_queries
):
    client.force_login(regional_user)

    with django_assert_max_num_queries(10):
        response = client.get(reverse("lead-list"))

    assert nik(1) in response.content.decode()
    assert nik(2) in response.content.decode()


def test_branch_staff_mark_a_lead_enrolled(world, client, branch_user, processed):
    lead = EnrollmentLead.objects.get(nik=nik(1))
    client.force_login(branch_user)

    response = client.post(
        reverse("lead-status-update", args=[lead.pk]),
        {"status": "enrolled"},
        headers={"HX-Request": "true"},
    )

    lead.refresh_from_db()
    assert (lead.status, lead.status_changed_by) == (LeadStatus.ENROLLED, branch_user)
    assert 'data-testid="lead-status">Sudah didaftarkan<' in response.content.decode()


def test_another_branch_cannot_change_the_lead(world, client, other_branch_user, processed):
    lead = EnrollmentLead.objects.get(nik=nik(1))
    client.force_login(other_branch_user)

    response = client.post(reverse("lead-status-update", args=[lead.pk]), {"status": "enrolled"})

    assert response.status_code == 404
    lead.refresh_from_db()
    assert lead.status == LeadStatus.NEW


def test_the_agency_sees_its_leads_but_cannot_change_them(world, client, agency_user, processed):
    lead = EnrollmentLead.objects.get(nik=nik(1))
    client.force_login(agency_user)

    response = client.post(reverse("lead-status-update", args=[lead.pk]), {"status": "enrolled"})

    assert response.status_code == 403


def test_new_cannot_be_set_by_hand(world, client, branch_user, processed):
    lead = EnrollmentLead.objects.get(nik=nik(1))
    client.force_login(branch_user)

    response = client.post(reverse("lead-status-update", args=[lead.pk]), {"status": "new"})

    assert response.status_code == 400


def test_leads_can_be_filtered_by_agency_and_regency(
    world, client, regional_user, processed, other_agency
):
    theirs = submit_file(agency=other_agency, data=csv_bytes([worker(4)]))
    worker_list_process(submission_id=theirs.pk)
    client.force_login(regional_user)

    content = client.get(
        reverse("lead-list"), {"agency": other_agency.pk, "regency": "36.73"}
    ).content.decode()

    assert nik(4) in content
    assert nik(1) not in content
    assert nik(2) not in content


def test_the_upload_page_lists_only_the_agencys_own_lists(
    world, client, agency_user, other_agency, processed, django_assert_max_num_queries
):
    theirs = submit_file(agency=other_agency, data=csv_bytes([worker(1)]), reference="Milik lain")
    client.force_login(agency_user)

    with django_assert_max_num_queries(6):
        content = client.get(reverse("worker-list-index")).content.decode()

    assert reverse("worker-list-detail", args=[processed.pk]) in content
    assert reverse("worker-list-detail", args=[theirs.pk]) not in content


def test_the_board_sees_lead_niks_masked(world, client, management_user, processed):
    client.force_login(management_user)

    content = client.get(reverse("lead-list")).content.decode()

    assert nik(1) not in content
    assert f"{nik(1)[:4]}********{nik(1)[-4:]}" in content


def test_the_board_sees_list_row_niks_masked(world, client, management_user, processed):
    client.force_login(management_user)

    content = client.get(reverse("worker-list-detail", args=[processed.pk])).content.decode()

    assert nik(1) not in content
    assert f"{nik(1)[:4]}********{nik(1)[-4:]}" in content


def test_the_submitting_agency_sees_its_rows_niks_in_full(world, client, agency_user, processed):
    client.force_login(agency_user)

    content = client.get(reverse("worker-list-detail", args=[processed.pk])).content.decode()

    assert nik(1) in content


def test_a_lead_status_change_is_audited_with_who_and_without_personal_data(
    world, client, branch_user, processed
):
    lead = EnrollmentLead.objects.get(nik=nik(1))
    client.force_login(branch_user)

    client.post(reverse("lead-status-update", args=[lead.pk]), {"status": "enrolled"})

    change = lead.history.latest()
    assert (change.status, change.history_user) == ("enrolled", branch_user)
    assert not hasattr(change, "nik")


def test_the_upload_form_refuses_a_file_without_the_headers_at_once(world, client, agency_user):
    client.force_login(agency_user)
    upload = io.BytesIO(b"no;urut\n1;2\n")
    upload.name = "daftar.csv"

    response = client.post(reverse("worker-list-index"), {"reference": "x", "file": upload})

    assert response.status_code == 200
    assert "Kolom wajib tidak ditemukan" in response.content.decode()
    assert not WorkerListSubmission.objects.exists()


def test_the_failure_reason_shows_as_a_sentence_not_its_code(world, client, agency_user, agency):
    submission = submit_file(agency=agency, data=b"foo,bar\n1,2\n")
    worker_list_process(submission_id=submission.pk)
    client.force_login(agency_user)

    page = client.get(reverse("worker-list-detail", args=[submission.pk])).content.decode()

    assert "Kolom wajib tidak ditemukan pada baris judul: nik, full_name" in page
    assert "header_columns_missing" not in page


def test_the_index_page_offers_the_templates(world, client, agency_user):
    client.force_login(agency_user)

    page = client.get(reverse("worker-list-index")).content.decode()

    assert reverse("worker-list-template", args=["xlsx"]) in page
    assert reverse("worker-list-template", args=["csv"]) in page
