"""The lead tally (issue 14): lead counts per agency, work regency, branch and status, kept by
every write that changes leads and read by the lead list instead of counting the leads."""

import threading

import pytest
from django.db import connections
from django.db.models import Count, ProtectedError
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory
from agencies.tests.factories import PartnerAgencyFactory
from regions.tests.factories import DistrictFactory
from worker_lists import selectors
from worker_lists.models import EnrollmentLead, LeadStatus, LeadTally, WorkerListSubmission
from worker_lists.services import (
    lead_status_set,
    lead_tally_rebuild,
    worker_list_process,
    worker_list_rows_purge,
)

from .factories import submit_file
from .helpers import csv_bytes, nik, worker

pytestmark = pytest.mark.django_db

LEADS = reverse("lead-list")


def tally() -> dict[tuple, int]:
    """The tally as {(agency, regency, branch, status): count}, zeros left out."""
    return {
        (row.agency_id, row.work_regency_id, row.branch_id, row.status): row.count
        for row in LeadTally.objects.exclude(count=0)
    }


def grouped() -> dict[tuple, int]:
    """The same counts by a GROUP BY over the leads themselves."""
    rows = (
        EnrollmentLead.objects.order_by()
        .values_list("agency_id", "work_regency_id", "branch_id", "status")
        .annotate(n=Count("id"))
    )
    return {(a, r, b, s): n for a, r, b, s, n in rows}


def process(agency, serials, **overrides):
    submission = submit_file(
        agency=agency, data=csv_bytes([worker(n, **overrides) for n in serials])
    )
    return worker_list_process(submission_id=submission.pk)


@pytest.fixture
def ingested(world, agency):
    """Leads in Serang's two regencies, Tangerang's, and one regency no branch serves."""
    DistrictFactory(code="36.72.01")
    process(agency, range(1, 6))
    process(agency, range(10, 13), work_regency_code="36.71")
    process(agency, range(20, 22), work_regency_code="36.04")
    process(agency, range(30, 32), work_regency_code="36.72")
    return agency


def test_the_tally_equals_the_leads_grouped_after_ingest(ingested):
    assert EnrollmentLead.objects.filter(branch__isnull=True).count() == 2
    assert tally() == grouped()


def test_a_second_list_adds_only_the_leads_it_created(ingested):
    process(ingested, range(4, 9))  # 4 and 5 are leads already

    assert sum(tally().values()) == EnrollmentLead.objects.count() == 15
    assert tally() == grouped()


def test_another_agency_s_list_counts_apart(ingested):
    other = PartnerAgencyFactory(name="Disnaker Uji Lain")
    process(other, range(1, 4))

    assert sum(n for key, n in tally().items() if key[0] == other.pk) == 3
    assert tally() == grouped()


def test_a_status_change_moves_one_lead_between_statuses(ingested, branch_user):
    lead = EnrollmentLead.objects.get(nik=nik(1))

    lead_status_set(lead=lead, status=LeadStatus.ENROLLED, user=branch_user)

    assert tally() == grouped()
    assert tally()[(ingested.pk, "36.73", lead.branch_id, LeadStatus.ENROLLED)] == 1


def test_a_status_change_from_a_stale_copy_moves_the_lead_from_its_real_status(
    ingested, branch_user
):
    stale = EnrollmentLead.objects.get(nik=nik(1))
    lead_status_set(
        lead=EnrollmentLead.objects.get(nik=nik(1)), status=LeadStatus.ENROLLED, user=branch_user
    )

    lead_status_set(lead=stale, status=LeadStatus.UNREACHABLE, user=branch_user)

    assert tally() == grouped()


def test_setting_the_same_status_again_counts_the_lead_once(ingested, branch_user):
    lead = EnrollmentLead.objects.get(nik=nik(1))
    lead_status_set(lead=lead, status=LeadStatus.ENROLLED, user=branch_user)

    lead_status_set(lead=lead, status=LeadStatus.ENROLLED, user=branch_user)

    assert tally() == grouped()


def test_a_status_change_of_a_lead_without_branch_is_counted(ingested, admin_user):
    lead = EnrollmentLead.objects.filter(branch__isnull=True).first()

    lead_status_set(lead=lead, status=LeadStatus.NOT_ELIGIBLE, user=admin_user)

    assert tally() == grouped()


def test_the_retention_purge_leaves_the_tally_equal_to_the_leads(ingested, settings):
    settings.WORKER_LIST_RETENTION_MONTHS = 0
    WorkerListSubmission.objects.update(created_at="2020-01-01T00:00:00Z")

    assert worker_list_rows_purge() == 4
    assert tally() == grouped()


def test_deleting_a_finished_list_keeps_its_leads_and_their_counts(ingested):
    WorkerListSubmission.objects.order_by("pk").first().delete()

    assert EnrollmentLead.objects.count() == 12
    assert tally() == grouped()


def test_an_agency_with_leads_cannot_be_deleted_and_its_counts_stay(ingested):
    with pytest.raises(ProtectedError):
        ingested.delete()

    assert tally() == grouped()


def test_an_agency_whose_tally_rows_are_zeros_can_be_deleted(world, branch_serang):
    agency = PartnerAgencyFactory(name="Instansi tanpa prospek")
    LeadTally.objects.create(
        agency=agency, work_regency_id="36.73", branch=branch_serang, status="new", count=0
    )

    agency.delete()

    assert not LeadTally.objects.filter(agency_id=agency.pk).exists()


def test_the_rebuild_repairs_a_tally_a_raw_write_left_behind(ingested):
    EnrollmentLead.objects.filter(nik=nik(1)).update(status=LeadStatus.ENROLLED)
    LeadTally.objects.filter(status=LeadStatus.NEW).update(count=999)
    assert tally() != grouped()

    lead_tally_rebuild()

    assert tally() == grouped()


@pytest.mark.postgres
def test_two_lists_of_one_agency_finishing_together_lose_no_count(
    on_postgres, transactional_db, world, agency, monkeypatch
):
    monkeypatch.setattr("worker_lists.services._enqueue", lambda submission_id: True)
    # Overlapping NIKs, the same regencies: both runs upsert the same tally rows.
    first = submit_file(agency=agency, data=csv_bytes([worker(n) for n in range(1, 801)]))
    second = submit_file(agency=agency, data=csv_bytes([worker(n) for n in range(501, 1301)]))
    errors: list[Exception] = []

    def run(submission_id):
        try:
            worker_list_process(submission_id=submission_id)
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(s.pk,)) for s in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert errors == []
    assert sum(tally().values()) == EnrollmentLead.objects.count() == 1300
    assert tally() == grouped()


# Reads: scoping --------------------------------------------------------------------------------


def test_branch_staff_count_only_their_branch_s_leads(ingested, branch_user):
    counts = dict(selectors.lead_status_counts(user=branch_user))

    assert counts[LeadStatus.NEW.label] == 7  # Serang Raya: 36.73 (5) and 36.04 (2)


def test_branch_staff_choose_only_among_their_branch_s_regencies(ingested, branch_user):
    choices = selectors.lead_filter_choices(user=branch_user)

    assert sorted(choices["regencies"].values_list("code", flat=True)) == ["36.04", "36.73"]


def test_another_branch_sees_neither_the_counts_nor_the_regencies_of_the_first(
    ingested, other_branch_user
):
    choices = selectors.lead_filter_choices(user=other_branch_user)

    assert dict(selectors.lead_status_counts(user=other_branch_user))[LeadStatus.NEW.label] == 3
    assert list(choices["regencies"].values_list("code", flat=True)) == ["36.71"]


def test_an_agency_never_sees_another_agency_s_counts_or_choices(ingested, world):
    other = PartnerAgencyFactory(name="Disnaker Uji Lain")
    process(other, range(40, 44), work_regency_code="36.71")
    other_user = UserFactory(username="lain", role=Role.AGENCY, agency=other)
    choices = selectors.lead_filter_choices(user=other_user)

    assert dict(selectors.lead_status_counts(user=other_user))[LeadStatus.NEW.label] == 4
    assert list(choices["agencies"]) == [other]
    assert list(choices["regencies"].values_list("code", flat=True)) == ["36.71"]


def test_regional_staff_count_their_branches_leads_but_not_the_unserved_regency(
    ingested, regional_user
):
    counts = dict(selectors.lead_status_counts(user=regional_user))

    assert counts[LeadStatus.NEW.label] == 10  # 12 leads, 2 in a regency no branch serves


def test_a_regency_whose_leads_were_all_worked_stays_a_choice(ingested, branch_user):
    for lead in EnrollmentLead.objects.filter(work_regency_id="36.04"):
        lead_status_set(lead=lead, status=LeadStatus.ENROLLED, user=branch_user)

    choices = selectors.lead_filter_choices(user=branch_user)

    assert sorted(choices["regencies"].values_list("code", flat=True)) == ["36.04", "36.73"]
    assert LeadTally.objects.get(work_regency_id="36.04", status=LeadStatus.NEW).count == 0


def test_a_tally_row_at_zero_is_neither_a_choice_nor_a_count(ingested, branch_user, branch_serang):
    DistrictFactory(code="36.03.01")
    LeadTally.objects.create(
        agency=ingested, work_regency_id="36.03", branch=branch_serang, status="new", count=0
    )

    choices = selectors.lead_filter_choices(user=branch_user)

    assert "36.03" not in choices["regencies"].values_list("code", flat=True)
    assert dict(selectors.lead_status_counts(user=branch_user))[LeadStatus.NEW.label] == 7


# Reads: the page -------------------------------------------------------------------------------


def test_the_page_total_follows_the_filters_from_the_tally(client, ingested, branch_user):
    client.force_login(branch_user)

    response = client.get(LEADS, {"regency": "36.04"})

    assert response.context["leads"].paginator.count == 2
    assert [lead.work_regency_id for lead in response.context["leads"]] == ["36.04"] * 2


def test_the_page_runs_no_count_over_the_leads(
    client, ingested, admin_user, django_assert_max_num_queries
):
    client.force_login(admin_user)

    with django_assert_max_num_queries(9) as captured:
        response = client.get(LEADS, {"status": "new"})

    lead_table = EnrollmentLead._meta.db_table
    counts_over_leads = [
        q["sql"]
        for q in captured.captured_queries
        if "COUNT(" in q["sql"] and lead_table in q["sql"]
    ]
    assert counts_over_leads == []
    assert response.context["leads"].paginator.count == 12


def test_an_empty_filter_answers_without_reading_leads(
    client, ingested, admin_user, django_assert_max_num_queries
):
    client.force_login(admin_user)

    with django_assert_max_num_queries(9) as captured:
        response = client.get(LEADS, {"status": LeadStatus.UNREACHABLE})

    lead_table = EnrollmentLead._meta.db_table
    assert not [q for q in captured.captured_queries if f'FROM "{lead_table}"' in q["sql"]]
    assert "Tidak ada prospek." in response.content.decode()


def test_a_name_search_beyond_the_cap_says_more_than(client, ingested, admin_user, monkeypatch):
    monkeypatch.setattr(selectors, "LEAD_SEARCH_COUNT_CAP", 3)
    client.force_login(admin_user)

    response = client.post(LEADS, {"q": "pekerja sintetis"}, follow=True)

    assert response.context["leads"].paginator.count == 3
    assert "Lebih dari 3 prospek cocok" in response.content.decode()


def test_a_name_search_under_the_cap_gives_the_exact_count(
    client, ingested, admin_user, django_assert_max_num_queries
):
    client.force_login(admin_user)
    client.post(LEADS, {"q": "sintetis 1"})

    # The matches' ids in page order (the count) and their rows: one search, not two.
    with django_assert_max_num_queries(8):
        response = client.get(LEADS)

    # 1, 10, 11, 12
    assert response.context["leads"].paginator.count == 4
    assert "Lebih dari" not in response.content.decode()
