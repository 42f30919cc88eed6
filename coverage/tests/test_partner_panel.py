"""Partner agencies panel: per-agency results of worker lists, checked against an independent
count of the rows and leads on a small hand-made dataset (lists go through the real service)."""

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Role
from accounts.tests.factories import UserFactory
from agencies.models import AgencyKind
from agencies.tests.factories import PartnerAgencyFactory
from coverage.selectors import partner_agency_results
from coverage.services import coverage_compute
from participants.models import ParticipantStatus
from participants.tests.factories import ParticipantFactory
from regions.tests.factories import ProvinceFactory
from worker_lists.models import (
    EnrollmentLead,
    LeadStatus,
    RowOutcome,
    WorkerListRow,
    WorkerListSubmission,
)
from worker_lists.services import lead_status_set, lead_tally_rebuild, worker_list_process
from worker_lists.tests.factories import submit_file
from worker_lists.tests.helpers import BIRTH, csv_bytes, nik, worker

pytestmark = pytest.mark.django_db

PERIOD = dt.date(2026, 11, 1)
DECEMBER = dt.date(2026, 12, 1)
LATER = timezone.make_aware(dt.datetime(2027, 1, 1))
MAX_QUERIES = 10


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _process(agency, rows, reference):
    submission = submit_file(agency=agency, data=csv_bytes(rows), reference=reference)
    return worker_list_process(submission_id=submission.pk)


@pytest.fixture
def panel_world(branch_serang, branch_tangerang):
    """Pemkot Serang sends two lists, Disnaker Banten one, Pemprov DKI one; Kejari sends none."""
    # Registered under the names and birth dates the lists send (status is disclosed only then).
    for serial, status in ((1, ParticipantStatus.ACTIVE), (2, ParticipantStatus.INACTIVE)):
        ParticipantFactory(
            nik=nik(serial),
            full_name=worker(serial)["full_name"],
            birth_date=BIRTH,
            status=status,
            work_regency_id="36.73",
        )
    pemkot = PartnerAgencyFactory(
        name="Pemkot Serang (uji)", jurisdiction_province_id="36", jurisdiction_regency_id="36.73"
    )
    disnaker = PartnerAgencyFactory(
        name="Disnaker Banten (uji)", kind=AgencyKind.DISNAKER, jurisdiction_province_id="36"
    )
    dki = PartnerAgencyFactory(
        name="Pemprov DKI (uji)", jurisdiction_province=ProvinceFactory(code="31", name="DKI")
    )
    PartnerAgencyFactory(name="Kejari Serang (uji)", jurisdiction_province_id="36")
    # List 1: covered, lapsed, a damaged NIK, a NIK twice, three new workers.
    _process(
        pemkot,
        [
            worker(1),
            worker(2),
            worker(3, nik="3.67301E+15"),
            worker(10),
            worker(10),
            worker(11),
            worker(12),
        ],
        "Honorer 2026 tahap 1",
    )
    # List 2 names worker 10 again (already a lead: no second lead) and one more new worker.
    _process(pemkot, [worker(10), worker(13)], "Honorer 2026 tahap 2")
    _process(disnaker, [worker(20), worker(1)], "Disnaker 1")
    _process(dki, [worker(30, work_regency_code="36.71")], "DKI 1")
    officer = UserFactory(role=Role.BRANCH, branch=branch_serang)
    lead_status_set(
        lead=EnrollmentLead.objects.get(agency=pemkot, nik=nik(10)),
        status=LeadStatus.ENROLLED,
        user=officer,
    )
    return {"pemkot": pemkot, "disnaker": disnaker, "dki": dki}


def _independent_count(agency) -> dict:
    rows = list(WorkerListRow.objects.filter(submission__agency=agency))
    leads = list(EnrollmentLead.objects.filter(agency=agency))
    by_outcome = dict.fromkeys(RowOutcome, 0)
    for row in rows:
        by_outcome[row.outcome] += 1
    return {
        "rows_submitted": len(rows),
        "invalid": by_outcome[RowOutcome.INVALID],
        "duplicate_in_list": by_outcome[RowOutcome.DUPLICATE_IN_LIST],
        "valid": len(rows)
        - by_outcome[RowOutcome.INVALID]
        - by_outcome[RowOutcome.DUPLICATE_IN_LIST],
        "already_covered": by_outcome[RowOutcome.ALREADY_COVERED],
        "lapsed": by_outcome[RowOutcome.LAPSED],
        "leads": len(leads),
        "leads_enrolled": sum(1 for lead in leads if lead.status == LeadStatus.ENROLLED),
    }


def _results(user, *, period=DECEMBER, **kwargs) -> list[dict]:
    # The panel reads what the month's recompute wrote (cumulative to the month end).
    coverage_compute(period=period, as_of=PERIOD)
    return partner_agency_results(user=user, period=period, **kwargs)


def _panel(user, **kwargs):
    return {row["name"]: row for row in _results(user, **kwargs)}


def test_panel_numbers_match_an_independent_count_of_rows_and_leads(panel_world, management_user):
    panel = _panel(management_user)
    for agency in panel_world.values():
        expected = _independent_count(agency)
        assert {key: panel[agency.name][key] for key in expected} == expected


def test_panel_numbers_for_the_hand_made_lists_are_the_ones_counted_by_hand(
    panel_world, management_user
):
    pemkot = _panel(management_user)["Pemkot Serang (uji)"]
    assert pemkot["lists"] == 2
    assert (pemkot["rows_submitted"], pemkot["invalid"], pemkot["duplicate_in_list"]) == (9, 1, 1)
    assert (pemkot["valid"], pemkot["already_covered"], pemkot["lapsed"]) == (7, 1, 1)
    # Worker 10 is in both lists but one person: a new lead in the first, an existing one in the
    # second; 4 new-lead people, 1 enrolled.
    assert (pemkot["new_lead_rows"], pemkot["leads"], pemkot["leads_enrolled"]) == (4, 4, 1)
    assert pemkot["existing_lead"] == 1
    assert pemkot["enrolled_pct"] == 25


def test_agencies_with_no_list_and_no_lead_are_left_out(panel_world, management_user):
    assert "Kejari Serang (uji)" not in _panel(management_user)


def test_province_panel_keeps_only_agencies_of_that_province(panel_world, management_user):
    assert sorted(_panel(management_user, province_code="36")) == [
        "Disnaker Banten (uji)",
        "Pemkot Serang (uji)",
    ]


def test_lists_and_leads_created_after_the_period_end_are_not_counted(panel_world, management_user):
    december = timezone.make_aware(dt.datetime(2026, 12, 15))
    panel_world["dki"].worker_lists.update(created_at=december)
    panel_world["dki"].leads.update(created_at=december)
    before = _results(management_user, period=PERIOD)
    after = _results(management_user, period=DECEMBER)
    assert "Pemprov DKI (uji)" not in [row["name"] for row in before]
    assert "Pemprov DKI (uji)" in [row["name"] for row in after]


def test_unfinished_lists_are_not_counted(panel_world, management_user):
    pemkot = panel_world["pemkot"]
    submit_file(agency=pemkot, data=csv_bytes([worker(40)]), reference="belum diproses")
    assert _panel(management_user)["Pemkot Serang (uji)"]["lists"] == 2


def test_an_agency_sees_only_its_own_results(panel_world):
    user = UserFactory(role=Role.AGENCY, agency=panel_world["dki"])
    assert list(_panel(user)) == ["Pemprov DKI (uji)"]


def test_office_staff_see_no_agency_results(panel_world, branch_user, regional_user):
    assert _panel(branch_user) == {}
    assert _panel(regional_user) == {}


def test_enrollment_after_the_period_end_is_not_counted(panel_world, management_user):
    lead = EnrollmentLead.objects.get(agency=panel_world["pemkot"], nik=nik(10))
    EnrollmentLead.objects.filter(pk=lead.pk).update(status_changed_at=LATER)
    panel = _panel(management_user)
    assert panel["Pemkot Serang (uji)"]["leads_enrolled"] == 0


def test_panel_counts_nothing_per_request_but_reads_the_month_recompute(
    panel_world, management_user, django_assert_num_queries
):
    coverage_compute(period=DECEMBER, as_of=PERIOD)
    EnrollmentLead.objects.filter(agency=panel_world["pemkot"]).delete()
    lead_tally_rebuild()  # a write past the services (nothing in the application deletes leads)
    with django_assert_num_queries(1):
        stale = partner_agency_results(user=management_user, period=DECEMBER)
    assert next(r for r in stale if r["name"] == "Pemkot Serang (uji)")["leads"] == 4
    fresh = _panel(management_user)
    assert fresh["Pemkot Serang (uji)"]["leads"] == 0


def test_a_month_without_a_recompute_has_no_panel_rows(panel_world, management_user):
    assert partner_agency_results(user=management_user, period=DECEMBER) == []


# --- on the dashboards -------------------------------------------------------------------------


@pytest.fixture
def computed(panel_world):
    coverage_compute(period=PERIOD, as_of=PERIOD)
    return panel_world


def _get(client, user, url, django_assert_max_num_queries):
    client.force_login(user)
    with django_assert_max_num_queries(MAX_QUERIES):
        return client.get(url)


def _panel_table(response):
    return next(t for t in response.context["tables"] if t.key == "instansi-mitra")


def test_national_page_shows_every_agency_with_results(
    client, management_user, computed, django_assert_max_num_queries
):
    response = _get(
        client, management_user, "/cakupan/?period=2026-11", django_assert_max_num_queries
    )
    assert response.status_code == 200
    names = [row["name"] for row in _panel_table(response).rows]
    assert names == ["Pemkot Serang (uji)", "Disnaker Banten (uji)", "Pemprov DKI (uji)"]
    assert 'id="table-instansi-mitra"' in response.content.decode()


def test_province_page_shows_only_the_agencies_of_the_province(
    client, management_user, computed, django_assert_max_num_queries
):
    response = _get(
        client,
        management_user,
        "/cakupan/provinsi/36/?period=2026-11",
        django_assert_max_num_queries,
    )
    assert response.status_code == 200
    names = [row["name"] for row in _panel_table(response).rows]
    assert names == ["Pemkot Serang (uji)", "Disnaker Banten (uji)"]


def test_panel_exports_as_csv_with_the_same_numbers(
    client, management_user, computed, django_assert_max_num_queries
):
    response = _get(
        client,
        management_user,
        "/cakupan/?period=2026-11&export=csv&table=instansi-mitra",
        django_assert_max_num_queries,
    )
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:5] == ["Instansi", "Jenis", "Wilayah", "Daftar selesai", "Baris dikirim"]
    pemkot = next(row for row in rows if row[0] == "Pemkot Serang (uji)")
    assert pemkot[3:12] == ["2", "9", "1", "1", "7", "1", "1", "4", "1"]


def test_panel_exports_as_xlsx(client, management_user, computed, django_assert_max_num_queries):
    response = _get(
        client,
        management_user,
        "/cakupan/provinsi/36/?period=2026-11&export=xlsx&table=instansi-mitra",
        django_assert_max_num_queries,
    )
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = list(sheet.values)
    assert [row[0] for row in values[1:]] == ["Pemkot Serang (uji)", "Disnaker Banten (uji)"]
    assert values[1][4] == 9


def test_panel_on_an_earlier_period_leaves_out_lists_sent_after_it(
    client, management_user, computed, django_assert_max_num_queries
):
    november = timezone.make_aware(dt.datetime(2026, 11, 10))
    WorkerListSubmission.objects.update(created_at=november)
    EnrollmentLead.objects.update(created_at=november)
    lead_tally_rebuild()  # a write past the services: the lead intake is recounted
    coverage_compute(period=dt.date(2026, 10, 1), as_of=PERIOD)
    client.force_login(management_user)
    october = client.get("/cakupan/?period=2026-10")
    november_page = client.get("/cakupan/?period=2026-11")
    assert _panel_table(october).rows == []
    assert len(_panel_table(november_page).rows) == 3


def test_branch_staff_cannot_open_the_province_page_with_the_panel(client, branch_user, computed):
    client.force_login(branch_user)
    assert client.get("/cakupan/provinsi/36/?period=2026-11").status_code == 404
