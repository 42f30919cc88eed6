"""Segment coverage, inherited targets and source flags in the snapshots, on the hand-made world."""

import datetime as dt
from decimal import Decimal

import pytest

from coverage.models import CoverageSnapshot
from coverage.services import coverage_compute
from coverage.tests.factories import AFTERWARDS
from participants.models import ReportedParticipantCount
from regions.models import CoverageTarget, WorkforceFigure

pytestmark = pytest.mark.django_db


def snapshot(period, level, code) -> CoverageSnapshot:
    return CoverageSnapshot.objects.get(period=period, level=level, code=code)


@pytest.fixture
def with_formal(small_world):
    # Kota Serang's official figure: 1,000 employed of whom 400 formal (BPS status 3 + 4).
    WorkforceFigure.objects.filter(
        region_code="36.73", kind="official", period=dt.date(2024, 8, 1)
    ).update(formal_employed=400, flags="status_swapped")
    return small_world


def test_wage_earners_are_measured_against_formal_employees(with_formal):
    coverage_compute(period=with_formal, as_of=AFTERWARDS)
    row = snapshot(with_formal, "regency", "36.73")
    # 5 active PU of 400 formal; 1 active BPU of 1,000 - 400 informal.
    assert (row.workforce_formal, row.workforce_informal) == (400, 600)
    assert row.coverage_pu_pct == Decimal("1.250")
    assert row.coverage_bpu_pct == Decimal("0.167")


def test_segment_coverage_is_empty_without_a_formal_figure(with_formal):
    coverage_compute(period=with_formal, as_of=AFTERWARDS)
    row = snapshot(with_formal, "regency", "36.71")
    assert (row.coverage_pu_pct, row.coverage_bpu_pct) == (None, None)


def test_office_formal_workforce_sums_its_regencies_only_when_all_are_known(with_formal):
    coverage_compute(period=with_formal, as_of=AFTERWARDS)
    assert snapshot(with_formal, "branch", "kc-serang-kota").workforce_formal == 400
    assert snapshot(with_formal, "branch", "kc-serang-kota").coverage_pu_pct == Decimal("1.250")
    # Cabang Serang Raya also serves Kabupaten Serang, which has no figure: no partial sum.
    assert snapshot(with_formal, "branch", "kc-serang").workforce_formal is None


def test_source_flags_of_the_workforce_figure_reach_the_snapshot(with_formal):
    coverage_compute(period=with_formal, as_of=AFTERWARDS)
    assert snapshot(with_formal, "regency", "36.73").workforce_flags == "status_swapped"


def test_regions_without_a_target_inherit_the_national_one(small_world):
    CoverageTarget.objects.filter(level="province").delete()
    coverage_compute(period=small_world, as_of=AFTERWARDS)
    tangerang = snapshot(small_world, "regency", "36.71")
    assert (tangerang.target_pct, tangerang.target_inherited_from) == (Decimal("40.00"), "national")
    banten = snapshot(small_world, "province", "36")
    assert (banten.target_pct, banten.target_inherited_from) == (Decimal("40.00"), "national")


def test_inherited_target_says_where_it_comes_from(small_world):
    coverage_compute(period=small_world, as_of=AFTERWARDS)
    assert snapshot(small_world, "regency", "36.73").target_inherited_from == ""
    assert snapshot(small_world, "regency", "36.71").target_inherited_from == "province"


def test_reported_counts_never_enter_the_register_snapshots(small_world):
    ReportedParticipantCount.objects.create(
        level="national", region_code="ID", period=small_world, active_total=50_000, source="x"
    )
    ReportedParticipantCount.objects.create(
        level="province", region_code="36", period=small_world, active_total=9_000, source="x"
    )
    coverage_compute(period=small_world, as_of=AFTERWARDS)
    assert snapshot(small_world, "national", "ID").active_total == 13
    assert snapshot(small_world, "province", "36").active_total == 13
