"""Official (published) figures beside the register on the board's pages, never mixed."""

import datetime as dt
import gzip
import json
from decimal import Decimal

import pytest

from coverage.services import coverage_compute
from coverage.tests.factories import AFTERWARDS
from participants.models import ReportedParticipantCount
from regions.tests.factories import WorkforceFigureFactory

pytestmark = pytest.mark.django_db

OCTOBER = dt.date(2026, 10, 1)
MAX_QUERIES = 10


@pytest.fixture
def official(small_world):
    """Published counts: the nation 28,000 (Dec 2024) and 31,000 (Dec 2025) of 100,000 employed;
    Banten 30,000 (Dec 2025) against an official 20,000 employed: 150%, head offices."""
    WorkforceFigureFactory(level="province", region_code="36", employed=20_000)
    for period, total in ((dt.date(2024, 12, 1), 28_000), (dt.date(2025, 12, 1), 31_000)):
        ReportedParticipantCount.objects.create(
            level="national",
            region_code="ID",
            period=period,
            active_total=total,
            source="Kemnaker Satu Data (uji)",
        )
    ReportedParticipantCount.objects.create(
        level="province",
        region_code="36",
        period=dt.date(2025, 12, 1),
        active_total=30_000,
        active_pu=24_000,
        active_bpu=6_000,
        source="Kemnaker Satu Data (uji)",
    )
    coverage_compute(period=OCTOBER, as_of=AFTERWARDS)
    coverage_compute(period=small_world, as_of=AFTERWARDS)
    return small_world


def page(client, user, url, django_assert_max_num_queries):
    client.force_login(user)
    with django_assert_max_num_queries(MAX_QUERIES):
        return client.get(url)


def test_national_headline_is_the_published_count_over_official_employed_with_its_source(
    client, management_user, official, django_assert_max_num_queries
):
    response = page(client, management_user, "/cakupan/", django_assert_max_num_queries)
    headline = response.context["official"]
    assert (headline.period, headline.coverage_pct) == (dt.date(2025, 12, 1), Decimal("31.00"))
    html = response.content.decode()
    assert 'data-testid="official-pct">31,00%' in html
    assert "Kemnaker Satu Data (uji)" in html
    assert "tempat pemberi kerja terdaftar" in html


def test_register_and_published_counts_stay_two_numbers(
    client, management_user, official, django_assert_max_num_queries
):
    response = page(client, management_user, "/cakupan/", django_assert_max_num_queries)
    assert response.context["current"].active_total == 13
    assert response.context["official"].active_total == 31_000
    assert b'data-testid="active-total">13<' in response.content


def test_trend_draws_published_and_register_series_as_separate_lines(
    client, management_user, official, django_assert_max_num_queries
):
    response = page(client, management_user, "/cakupan/", django_assert_max_num_queries)
    chart = response.context["chart"]
    assert [p["label"] for p in chart["official_points"]] == ["12/2024", "12/2025"]
    assert [p["label"] for p in chart["points"]] == ["10/2026", "11/2026"]
    assert chart["years"][0]["label"] == "2024"
    assert response.content.count(b'class="line-official"') == 1


def test_national_path_gives_gap_pace_and_projected_date_from_the_published_series(
    client, management_user, official, django_assert_max_num_queries
):
    response = page(client, management_user, "/cakupan/", django_assert_max_num_queries)
    path = response.context["official_path"]
    # Target 40% of 100,000 = 40,000; 31,000 published; +3,000 in 12 months = 250 a month.
    assert (path.gap, path.pace_per_month) == (9_000, 250)
    assert path.projected_on == dt.date(2028, 12, 1)
    assert 'data-testid="projected-official"' in response.content.decode()


def test_register_path_is_shown_beside_it(
    client, management_user, official, django_assert_max_num_queries
):
    response = page(client, management_user, "/cakupan/", django_assert_max_num_queries)
    path = response.context["register_path"]
    # October 12, November 13 active; 40% of 100,000 = 40,000.
    assert (path.gap, path.pace_per_month) == (40_000 - 13, 1)


def test_over_100_percent_is_shown_with_its_caveat_not_as_covered(
    client, management_user, official, django_assert_max_num_queries
):
    response = page(client, management_user, "/cakupan/provinsi/36/", django_assert_max_num_queries)
    assert response.context["official"].over_100
    assert response.context["official_path"] is None
    html = response.content.decode()
    assert 'data-testid="over-100-caveat"' in html
    assert "lokasi pendaftaran pemberi kerja" in html
    assert "sudah tercapai" not in html


def test_map_flags_provinces_over_100_percent(
    client, management_user, official, django_assert_max_num_queries
):
    response = page(client, management_user, "/cakupan/", django_assert_max_num_queries)
    banten = response.context["map_values"]["36"]
    assert (banten["official_pct"], banten["over_100"]) == (150.0, True)
    assert response.context["map_series"] == "official"


def test_province_segments_use_formal_and_informal_employed(
    client, management_user, official, django_assert_max_num_queries
):
    from regions.models import WorkforceFigure

    WorkforceFigure.objects.filter(level="province", kind="official").update(formal_employed=8_000)
    response = page(client, management_user, "/cakupan/provinsi/36/", django_assert_max_num_queries)
    segments = response.context["official_segments"]
    assert (segments.pu_pct, segments.bpu_pct) == (Decimal("300.00"), Decimal("50.00"))


def test_lagging_provinces_rank_the_published_gap(
    client, management_user, official, django_assert_max_num_queries
):
    from regions.tests.factories import ProvinceFactory

    ProvinceFactory(code="32", name="Jawa Barat")
    ReportedParticipantCount.objects.create(
        level="province", region_code="32", period=dt.date(2025, 12, 1), active_total=10, source="x"
    )
    WorkforceFigureFactory(level="province", region_code="32", employed=1_000)
    coverage_compute(period=official, as_of=AFTERWARDS)
    response = page(client, management_user, "/cakupan/", django_assert_max_num_queries)
    ranked = [(p.code, p.official_gap_workers) for p in response.context["lagging_by_gap"]]
    # Jawa Barat 1% of its 1,000 against 40%: 390 workers short; Banten (150%) is not behind.
    assert ranked == [("32", 390), ("36", 0)]


def test_province_page_serves_its_regency_map_slice(client, management_user, official):
    client.force_login(management_user)
    response = client.get("/cakupan/provinsi/36/")
    assert response.context["geojson_url"] == "/cakupan/peta/kabkota/36.geojson"
    assert "Cahya DSN, MIT License" in response.content.decode()
    assert set(response.context["map_values"]) == {"36.04", "36.71", "36.73"}


def test_regency_boundaries_come_one_province_at_a_time_compressed(client, management_user):
    client.force_login(management_user)
    response = client.get("/cakupan/peta/kabkota/36.geojson", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert "max-age" in response["Cache-Control"]
    features = json.loads(gzip.decompress(response.content))["features"]
    assert len(features) == 8
    assert {f["properties"]["code"][:2] for f in features} == {"36"}
    plain = client.get("/cakupan/peta/kabkota/36.geojson")
    assert len(json.loads(plain.content)["features"]) == 8
    assert client.get("/cakupan/peta/kabkota/99.geojson").status_code == 404


def test_regency_boundaries_need_a_login(client):
    assert client.get("/cakupan/peta/kabkota/36.geojson").status_code == 302


def test_lagging_provinces_rank_the_register_pace_against_the_pace_needed(
    client, management_user, official, django_assert_max_num_queries
):
    from regions.tests.factories import ProvinceFactory

    ProvinceFactory(code="32", name="Jawa Barat")
    WorkforceFigureFactory(level="province", region_code="32", employed=1_000)
    coverage_compute(period=OCTOBER, as_of=AFTERWARDS)
    coverage_compute(period=official, as_of=AFTERWARDS)
    response = page(client, management_user, "/cakupan/", django_assert_max_num_queries)
    ranked = [
        (p.code, p.register.pace_per_month, p.register.needed_per_month)
        for p in response.context["lagging_by_pace"]
    ]
    # Jawa Barat does not grow at all; Banten grows by 1 a month but needs 9,987.
    assert ranked == [("32", 0, 400), ("36", 1, 9_987)]
    assert "tidak dengan laju ini" in response.content.decode()
