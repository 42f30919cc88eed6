"""What a list may learn about a person: participant status only for a row that matches the
register on NIK, name and birth date inside the agency's jurisdiction (issue 9, finding 1); and
"new lead" only for leads the list created (issue 13)."""

import pytest
from django.urls import reverse

from agencies.tests.factories import PartnerAgencyFactory
from participants.models import ParticipantStatus
from participants.tests.factories import ParticipantFactory
from worker_lists.models import EnrollmentLead, RowOutcome, WorkerListRow
from worker_lists.services import worker_list_process

from .factories import submit_file
from .helpers import BIRTH, csv_bytes, nik, worker

pytestmark = pytest.mark.django_db


def process(agency, rows):
    submission = submit_file(agency=agency, data=csv_bytes(rows))
    return worker_list_process(submission_id=submission.pk)


def only_row(submission) -> WorkerListRow:
    return WorkerListRow.objects.get(submission=submission)


@pytest.fixture
def participant(world):
    return ParticipantFactory(
        nik=nik(1), full_name="Siti Rahmawati", birth_date=BIRTH, work_regency_id="36.73"
    )


@pytest.fixture
def kota_serang(world):
    return PartnerAgencyFactory(
        name="Pemkot Serang (yurisdiksi)",
        jurisdiction_province_id="36",
        jurisdiction_regency_id="36.73",
    )


def test_a_nik_sent_with_another_name_discloses_no_status_and_makes_no_lead(participant, agency):
    submission = process(agency, [worker(1, full_name="Nama Karangan")])

    assert only_row(submission).outcome == RowOutcome.NEEDS_VERIFICATION
    assert (submission.count_already_covered, submission.count_needs_verification) == (0, 1)
    assert not EnrollmentLead.objects.exists()


def test_a_lapsed_participant_sent_with_another_name_is_not_reported_lapsed(world, agency):
    ParticipantFactory(
        nik=nik(1),
        full_name="Siti Rahmawati",
        birth_date=BIRTH,
        work_regency_id="36.73",
        status=ParticipantStatus.INACTIVE,
    )

    submission = process(agency, [worker(1, full_name="Orang Lain")])

    assert only_row(submission).outcome == RowOutcome.NEEDS_VERIFICATION


def test_the_name_matches_whatever_its_case_and_spacing(participant, agency):
    submission = process(agency, [worker(1, full_name="  siti   RAHMAWATI ")])

    assert only_row(submission).outcome == RowOutcome.ALREADY_COVERED


def test_a_row_to_verify_tells_the_agency_to_check_it(participant, agency, api_client):
    submission = process(agency, [worker(1, full_name="Nama Karangan")])

    rows = api_client.get(f"/api/v1/worker-lists/{submission.pk}/rows/").json()["results"]

    assert rows[0]["outcome"] == "needs_verification"
    assert rows[0]["errors"][0]["code"] == "needs_verification"
    assert "periksa" in rows[0]["errors"][0]["message"]


def test_a_row_outside_the_agencys_regency_is_invalid_and_makes_no_lead(kota_serang):
    submission = process(kota_serang, [worker(1, work_regency_code="36.71")])

    row = only_row(submission)
    assert row.outcome == RowOutcome.INVALID
    assert row.errors == [{"field": "work_regency_code", "code": "regency_outside_jurisdiction"}]
    assert not EnrollmentLead.objects.exists()


def test_a_provincial_agency_cannot_send_workers_of_another_province(world, branch_bandung):
    banten = PartnerAgencyFactory(name="Disnaker Banten (uji)", jurisdiction_province_id="36")

    submission = process(
        banten,
        [worker(1, work_regency_code="32.73"), worker(2, work_regency_code="36.71")],
    )

    assert (submission.count_invalid, submission.count_new_lead) == (1, 1)
    assert list(EnrollmentLead.objects.values_list("work_regency_id", flat=True)) == ["36.71"]


def test_a_national_agency_may_send_workers_of_any_regency(world, branch_bandung, agency):
    submission = process(agency, [worker(1, work_regency_code="32.73")])

    assert submission.count_new_lead == 1


def test_a_participant_inside_the_jurisdiction_with_matching_data_is_disclosed(
    participant, kota_serang
):
    submission = process(kota_serang, [worker(1, full_name="Siti Rahmawati")])

    assert only_row(submission).outcome == RowOutcome.ALREADY_COVERED


def test_each_list_records_its_matching_volume(participant, agency):
    submission = process(
        agency,
        [
            worker(1, full_name="Siti Rahmawati"),  # disclosed
            worker(2),  # looked up, not a participant
            worker(2),  # duplicate: not looked up again
            worker(3, full_name=""),  # invalid: never looked up
        ],
    )

    assert (submission.register_lookups, submission.register_disclosures) == (2, 1)


def test_administrators_see_the_matching_volume_per_agency(participant, agency, admin_client):
    process(agency, [worker(1, full_name="Siti Rahmawati"), worker(2)])
    process(agency, [worker(4), worker(5), worker(6)])

    page = admin_client.get(reverse("admin:worker_lists_agencymatchingvolume_changelist"))

    assert page.status_code == 200
    row = next(r for r in page.context["cl"].result_list if r.pk == agency.pk)
    assert (row.list_count, row.lookup_count, row.disclosure_count) == (2, 5, 1)


# --- issue 13: "new lead" only for leads this list created -------------------------------------


def test_sending_the_same_list_again_reports_existing_leads_not_new_ones(world, agency):
    rows = [worker(1), worker(2), worker(3)]
    process(agency, rows)

    again = process(agency, rows)

    assert (again.count_new_lead, again.count_existing_lead) == (0, 3)
    assert set(
        WorkerListRow.objects.filter(submission=again).values_list("outcome", flat=True)
    ) == {RowOutcome.EXISTING_LEAD}
    assert EnrollmentLead.objects.count() == 3


def test_another_agencys_lead_does_not_make_a_row_an_existing_lead(world, agency, other_agency):
    process(other_agency, [worker(1)])

    mine = process(agency, [worker(1)])

    assert (mine.count_new_lead, mine.count_existing_lead) == (1, 0)


def test_the_api_and_the_page_agree_on_existing_and_new_leads(
    world, agency, agency_user, api_client, client
):
    process(agency, [worker(1)])
    again = process(agency, [worker(1), worker(2)])

    counts = api_client.get(f"/api/v1/worker-lists/{again.pk}/").json()["counts"]
    client.force_login(agency_user)
    page = client.get(reverse("worker-list-detail", args=[again.pk])).content.decode()

    assert (counts["existing_lead"], counts["new_lead"]) == (1, 1)
    assert 'data-testid="count-existing_lead">1<' in page
    assert 'data-testid="count-new_lead">1<' in page
