import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role
from accounts.tests.factories import UserFactory
from coverage.services import coverage_compute
from coverage.tests.factories import AFTERWARDS
from employers.models import ComplianceStatus
from employers.tests.factories import EmployerFactory

pytestmark = pytest.mark.django_db

OCTOBER = dt.date(2026, 10, 1)
MAX_QUERIES = 10


@pytest.fixture
def computed(small_world):
    coverage_compute(period=OCTOBER, as_of=AFTERWARDS)
    coverage_compute(period=small_world, as_of=AFTERWARDS)
    return small_world


def page(client, user, url, django_assert_max_num_queries):
    client.force_login(user)
    with django_assert_max_num_queries(MAX_QUERIES):
        return client.get(url)


def test_national_page_shows_headline_numbers_of_the_latest_period(
    client, management_user, computed, django_assert_max_num_queries
):
    response = page(client, management_user, "/cakupan/", django_assert_max_num_queries)
    assert response.status_code == 200
    assert response.context["period"] == computed
    current = response.context["current"]
    assert (current.level, current.active_total, current.gap_to_target) == ("national", 13, 39987)
    assert b'data-testid="active-total">13<' in response.content


def test_national_page_shows_change_since_the_previous_period(
    client, management_user, computed, django_assert_max_num_queries
):
    response = page(client, management_user, "/cakupan/", django_assert_max_num_queries)
    # October had 12 active (the November registration was not there yet).
    assert response.context["change"]["active"] == 1
    assert response.context["previous"].period == OCTOBER


def test_national_page_has_map_values_per_province_and_the_map_attribution(
    client, management_user, computed, django_assert_max_num_queries
):
    response = page(client, management_user, "/cakupan/", django_assert_max_num_queries)
    assert response.context["map_values"]["36"]["active"] == 13
    assert response.context["map_values"]["36"]["estimate"] is True
    assert "CC BY 4.0" in response.content.decode()
    assert b'id="coverage-map"' in response.content


def test_national_page_draws_one_trend_point_per_period(
    client, management_user, computed, django_assert_max_num_queries
):
    response = page(client, management_user, "/cakupan/", django_assert_max_num_queries)
    assert [p["label"] for p in response.context["chart"]["points"]] == ["10/2026", "11/2026"]
    assert response.content.count(b'class="dot') == 2


def test_earlier_period_can_be_chosen(
    client, management_user, computed, django_assert_max_num_queries
):
    response = page(
        client, management_user, "/cakupan/?period=2026-10", django_assert_max_num_queries
    )
    assert response.context["current"].active_total == 12


def test_malformed_period_is_a_bad_request(client, management_user, computed):
    client.force_login(management_user)
    assert client.get("/cakupan/?period=2026-13").status_code == 400


def test_page_without_snapshots_says_so(client, management_user, db):
    client.force_login(management_user)
    response = client.get("/cakupan/")
    assert response.status_code == 200
    assert response.context["current"] is None
    assert "Belum ada snapshot cakupan" in response.content.decode()


def test_province_page_lists_its_regencies_and_the_branches_serving_it(
    client, management_user, computed, django_assert_max_num_queries
):
    response = page(client, management_user, "/cakupan/provinsi/36/", django_assert_max_num_queries)
    tables = {t.key: [row["code"] for row in t.rows] for t in response.context["tables"]}
    assert tables["kabkota"] == ["36.04", "36.71", "36.73"]
    assert tables["cabang"] == ["kc-serang", "kc-serang-kota", "kc-tangerang"]


def test_province_page_labels_missing_denominator_and_estimates(
    client, management_user, computed, django_assert_max_num_queries
):
    response = page(client, management_user, "/cakupan/provinsi/36/", django_assert_max_num_queries)
    html = response.content.decode()
    assert "tanpa penyebut" in html
    assert 'class="badge badge-estimate"' in html


def test_regency_page_shows_employers_by_compliance_status(
    client, management_user, computed, django_assert_max_num_queries
):
    EmployerFactory(
        regency_id="36.73",
        compliance_status=ComplianceStatus.NOT_REGISTERED,
        reported_workers=30,
        registered_workers=0,
    )
    EmployerFactory(
        regency_id="36.73",
        compliance_status=ComplianceStatus.NOT_REGISTERED,
        reported_workers=10,
        registered_workers=0,
    )
    EmployerFactory(regency_id="36.71", compliance_status=ComplianceStatus.NOT_REGISTERED)
    response = page(
        client, management_user, "/cakupan/kabkota/36.73/", django_assert_max_num_queries
    )
    rows = {row["status"]: row for row in response.context["tables"][0].rows}
    assert rows["not_registered"]["employers"] == 2
    assert rows["not_registered"]["unregistered"] == 40
    assert rows["registered"]["employers"] == 0


def test_unknown_region_is_not_found(client, management_user, computed):
    client.force_login(management_user)
    assert client.get("/cakupan/provinsi/99/").status_code == 404


def test_regional_staff_land_on_their_kanwil_page(client, regional_user, computed):
    client.force_login(regional_user)
    assert client.get("/cakupan/").url == reverse("coverage:kanwil", args=["kw-banten"])


def test_kanwil_page_lists_its_branches_and_regencies(
    client, regional_user, computed, django_assert_max_num_queries
):
    response = page(
        client, regional_user, "/cakupan/kanwil/kw-banten/", django_assert_max_num_queries
    )
    assert response.status_code == 200
    tables = {t.key: [row["code"] for row in t.rows] for t in response.context["tables"]}
    assert tables["cabang"] == ["kc-serang", "kc-serang-kota", "kc-tangerang"]
    assert tables["kabkota"] == ["36.04", "36.71", "36.73"]


def test_regional_staff_cannot_see_national_or_province_pages(client, regional_user, computed):
    client.force_login(regional_user)
    assert client.get("/cakupan/provinsi/36/").status_code == 404


def test_regional_staff_cannot_see_another_kanwil(client, computed, branch_bandung):
    coverage_compute(period=computed, as_of=AFTERWARDS)
    other = UserFactory(role=Role.REGIONAL, regional_office=branch_bandung.regional_office)
    client.force_login(other)
    assert client.get("/cakupan/kanwil/kw-banten/").status_code == 404


def test_branch_staff_land_on_their_branch_page(client, branch_user, computed):
    client.force_login(branch_user)
    assert client.get("/cakupan/").url == reverse("coverage:branch", args=["kc-serang"])


def test_branch_page_lists_the_regencies_it_serves(
    client, branch_user, computed, django_assert_max_num_queries
):
    response = page(
        client, branch_user, "/cakupan/cabang/kc-serang/", django_assert_max_num_queries
    )
    assert [row["code"] for row in response.context["tables"][0].rows] == ["36.04", "36.73"]
    assert response.context["current"].active_total == 9


def test_branch_staff_cannot_see_another_branch_or_its_regency(client, branch_user, computed):
    client.force_login(branch_user)
    assert client.get("/cakupan/cabang/kc-tangerang/").status_code == 404
    assert client.get("/cakupan/kabkota/36.71/").status_code == 404
    assert client.get("/cakupan/kanwil/kw-banten/").status_code == 404


def test_branch_staff_see_a_regency_they_serve(client, branch_user, computed):
    client.force_login(branch_user)
    assert client.get("/cakupan/kabkota/36.73/").status_code == 200


def test_partner_agency_users_have_no_dashboard(client, agency_user, computed):
    client.force_login(agency_user)
    assert client.get("/cakupan/").status_code == 403


def test_anonymous_visitors_are_sent_to_login(client, computed):
    response = client.get("/cakupan/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_province_table_exports_as_csv_with_raw_numbers_and_workforce_kind(
    client, management_user, computed, django_assert_max_num_queries
):
    response = page(
        client,
        management_user,
        "/cakupan/?export=csv&table=provinsi",
        django_assert_max_num_queries,
    )
    assert response["Content-Type"].startswith("text/csv")
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Nama,Kode,Peserta aktif")
    assert lines[1].split(",")[:3] == ["Provinsi 36", "36", "13"]
    assert ",estimate," in lines[1]


def test_regency_table_exports_as_xlsx(client, management_user, computed):
    client.force_login(management_user)
    response = client.get("/cakupan/provinsi/36/?export=xlsx&table=kabkota")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert [row[1] for row in rows[1:]] == ["36.04", "36.71", "36.73"]
    assert rows[1][9] is None  # Kabupaten Serang: no workforce figure


def test_trend_table_exports_every_period(client, management_user, computed):
    client.force_login(management_user)
    response = client.get("/cakupan/?export=csv&table=tren")
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == ["2026-10", "2026-11"]


def test_employer_table_exports(client, management_user, computed):
    client.force_login(management_user)
    response = client.get("/cakupan/kabkota/36.73/?export=csv&table=pemberi-kerja")
    assert len(b"".join(response.streaming_content).decode("utf-8-sig").splitlines()) == 1 + len(
        ComplianceStatus
    )


def test_unknown_export_table_is_a_bad_request(client, management_user, computed):
    client.force_login(management_user)
    assert client.get("/cakupan/?export=csv&table=nope").status_code == 400
    assert client.get("/cakupan/?export=pdf&table=provinsi").status_code == 400


def test_export_respects_scope(client, branch_user, computed):
    client.force_login(branch_user)
    response = client.get("/cakupan/cabang/kc-serang/?export=csv&table=kabkota")
    codes = [
        line.split(",")[1]
        for line in b"".join(response.streaming_content).decode("utf-8-sig").splitlines()[1:]
    ]
    assert codes == ["36.04", "36.73"]


def test_province_boundaries_are_served_as_geojson(client, management_user):
    client.force_login(management_user)
    response = client.get(reverse("coverage:province-geojson"))
    assert response["Content-Type"] == "application/geo+json"
    assert len(response.json()["features"]) == 38


def test_navigation_links_to_coverage_for_staff(client, branch_user, db):
    client.force_login(branch_user)
    assert reverse("coverage:national") in client.get(reverse("home")).content.decode()


def test_regency_page_lists_non_compliant_employers_with_most_unregistered_first(
    client, management_user, computed, django_assert_max_num_queries
):
    EmployerFactory(name="PT Kecil", regency_id="36.73", reported_workers=10, registered_workers=8)
    EmployerFactory(name="PT Besar", regency_id="36.73", reported_workers=90, registered_workers=10)
    EmployerFactory(
        name="PT Patuh",
        regency_id="36.73",
        compliance_status=ComplianceStatus.REGISTERED,
        reported_workers=500,
        registered_workers=500,
    )
    response = page(
        client, management_user, "/cakupan/kabkota/36.73/", django_assert_max_num_queries
    )
    table = next(t for t in response.context["tables"] if t.key == "pemberi-kerja-belum-patuh")
    assert [(row["name"], row["unregistered"]) for row in table.rows] == [
        ("PT Besar", 80),
        ("PT Kecil", 2),
    ]


def test_branch_staff_see_only_their_branchs_employers_on_a_regency_page(
    client, branch_user, other_branch_user, computed
):
    EmployerFactory(name="PT Milik Serang", regency_id="36.73", branch=branch_user.branch)
    EmployerFactory(name="PT Milik Tangerang", regency_id="36.73", branch=other_branch_user.branch)
    client.force_login(branch_user)
    response = client.get("/cakupan/kabkota/36.73/")
    table = next(t for t in response.context["tables"] if t.key == "pemberi-kerja-belum-patuh")
    assert [row["name"] for row in table.rows] == ["PT Milik Serang"]
