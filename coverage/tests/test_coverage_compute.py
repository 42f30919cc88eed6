import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Count, Q, Sum
from django.utils import timezone

from coverage import services
from coverage.models import CoverageSnapshot, PartnerAgencySnapshot
from coverage.services import coverage_compute
from coverage.tests.factories import AFTERWARDS
from participants.models import Participant, ParticipantStatus, Segment
from regions.tests.factories import WorkforceFigureFactory

pytestmark = pytest.mark.django_db


def snapshot(period, level, code) -> CoverageSnapshot:
    return CoverageSnapshot.objects.get(period=period, level=level, code=code)


def independent_active_count(*, regencies, period, segment=None) -> int:
    """The definition counted row by row in Python, independently of the engine's SQL."""
    end = (period.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    count = 0
    for participant in Participant.objects.filter(work_regency_id__in=regencies):
        registered = participant.registered_on < end
        paid = participant.last_paid_period is not None and participant.last_paid_period >= period
        active = participant.status == ParticipantStatus.ACTIVE or paid
        if registered and active and (segment is None or participant.segment == segment):
            count += 1
    return count


def test_regency_active_participants_match_an_independent_count(small_world):
    coverage_compute(period=small_world, as_of=AFTERWARDS)
    for code in ("36.73", "36.04", "36.71"):
        row = snapshot(small_world, "regency", code)
        assert row.active_total == independent_active_count(regencies=[code], period=small_world)
        for segment, field in (
            (Segment.PU, "active_pu"),
            (Segment.BPU, "active_bpu"),
            (Segment.JAKON, "active_jakon"),
            (Segment.PMI, "active_pmi"),
        ):
            expected = independent_active_count(
                regencies=[code], period=small_world, segment=segment
            )
            assert getattr(row, field) == expected


def test_hand_counted_kota_serang_excludes_inactive_and_future_registrations(small_world):
    coverage_compute(period=small_world, as_of=AFTERWARDS)
    row = snapshot(small_world, "regency", "36.73")
    assert (row.active_total, row.active_pu, row.active_bpu, row.active_jakon) == (7, 5, 1, 1)
    assert row.new_participants == 1


def test_inactive_participant_who_paid_the_period_counts_as_active(small_world):
    coverage_compute(period=small_world, as_of=AFTERWARDS)
    assert snapshot(small_world, "regency", "36.71").active_total == 4


def test_segments_add_up_to_the_total_at_every_level(small_world):
    coverage_compute(period=small_world, as_of=AFTERWARDS)
    for row in CoverageSnapshot.objects.filter(period=small_world):
        segments = row.active_pu + row.active_bpu + row.active_jakon + row.active_pmi
        assert segments == row.active_total, row


def test_official_workforce_figure_wins_over_an_estimate_of_the_same_period(small_world):
    coverage_compute(period=small_world, as_of=AFTERWARDS)
    row = snapshot(small_world, "regency", "36.73")
    assert row.workforce_employed == 1000
    assert row.workforce_kind == "official"
    assert row.workforce_period == dt.date(2024, 8, 1)
    assert row.coverage_pct == Decimal("0.700")


def test_workforce_figures_after_the_period_are_ignored(small_world):
    coverage_compute(period=small_world, as_of=AFTERWARDS)
    assert snapshot(small_world, "regency", "36.73").workforce_employed != 9999


def test_estimated_denominator_is_labelled_as_estimate(small_world):
    coverage_compute(period=small_world, as_of=AFTERWARDS)
    row = snapshot(small_world, "regency", "36.71")
    assert row.workforce_kind == "estimate"
    assert row.coverage_pct == Decimal("1.000")


def test_region_without_workforce_figure_has_no_denominator(small_world):
    coverage_compute(period=small_world, as_of=AFTERWARDS)
    row = snapshot(small_world, "regency", "36.04")
    assert row.active_total == 2
    assert row.workforce_employed is None
    assert row.coverage_pct is None
    assert row.gap_to_target is None


def test_gap_to_target_is_counted_in_workers(small_world):
    coverage_compute(period=small_world, as_of=AFTERWARDS)
    # Kota Serang: 2% of 1,000 = 20 workers, 7 active -> 13 more needed.
    assert snapshot(small_world, "regency", "36.73").gap_to_target == 13


def test_regency_without_own_target_uses_its_provinces_target(small_world):
    coverage_compute(period=small_world, as_of=AFTERWARDS)
    row = snapshot(small_world, "regency", "36.71")
    assert row.target_pct == Decimal("50.00")
    assert row.gap_to_target == 200 - 4


def test_gap_is_zero_once_the_target_is_reached(small_world):
    WorkforceFigureFactory(region_code="36.73", employed=100, period=dt.date(2025, 8, 1))
    coverage_compute(period=small_world, as_of=AFTERWARDS)
    assert snapshot(small_world, "regency", "36.73").gap_to_target == 0


def test_regencies_add_up_to_the_province_and_provinces_to_the_nation(small_world):
    coverage_compute(period=small_world, as_of=AFTERWARDS)
    regencies = CoverageSnapshot.objects.filter(
        period=small_world, level="regency", parent_code="36"
    ).aggregate(
        active=Sum("active_total"), new=Sum("new_participants"), non_asn=Sum("non_asn_enrolled")
    )
    province = snapshot(small_world, "province", "36")
    assert (province.active_total, province.new_participants, province.non_asn_enrolled) == (
        regencies["active"],
        regencies["new"],
        regencies["non_asn"],
    )
    provinces = CoverageSnapshot.objects.filter(period=small_world, level="province").aggregate(
        active=Sum("active_total")
    )
    assert snapshot(small_world, "national", "ID").active_total == provinces["active"] == 13


def test_province_and_nation_use_their_own_workforce_and_targets(small_world):
    coverage_compute(period=small_world, as_of=AFTERWARDS)
    province = snapshot(small_world, "province", "36")
    assert (province.workforce_employed, province.workforce_kind) == (20000, "estimate")
    assert province.gap_to_target == 10000 - 13
    national = snapshot(small_world, "national", "ID")
    assert (national.workforce_employed, national.workforce_kind) == (100000, "official")
    assert national.coverage_pct == Decimal("0.013")
    assert national.gap_to_target == 40000 - 13


def test_branch_serving_two_regencies_counts_both(small_world):
    coverage_compute(period=small_world, as_of=AFTERWARDS)
    assert snapshot(small_world, "branch", "kc-serang").active_total == 7 + 2


def test_regency_served_by_two_branches_counts_fully_for_each(small_world):
    coverage_compute(period=small_world, as_of=AFTERWARDS)
    second = snapshot(small_world, "branch", "kc-serang-kota")
    assert second.active_total == 7
    assert (second.workforce_employed, second.gap_to_target) == (1000, 13)


def test_kanwil_counts_each_served_regency_once(small_world):
    coverage_compute(period=small_world, as_of=AFTERWARDS)
    kanwil = snapshot(small_world, "kanwil", "kw-banten")
    assert kanwil.active_total == independent_active_count(
        regencies=["36.73", "36.04", "36.71"], period=small_world
    )


def test_office_with_a_regency_lacking_workforce_has_no_denominator(small_world):
    coverage_compute(period=small_world, as_of=AFTERWARDS)
    row = snapshot(small_world, "branch", "kc-serang")
    assert (row.workforce_employed, row.workforce_kind, row.coverage_pct) == (None, "", None)


def test_office_workforce_sums_its_regencies_and_is_an_estimate_if_any_part_is(small_world):
    WorkforceFigureFactory(region_code="36.04", employed=600)
    coverage_compute(period=small_world, as_of=AFTERWARDS)
    kanwil = snapshot(small_world, "kanwil", "kw-banten")
    assert kanwil.workforce_employed == 1000 + 600 + 400
    assert kanwil.workforce_kind == "estimate"
    # Workforce-weighted target: 2% of 1,000 + 50% of 600 + 50% of 400 = 520 of 2,000 = 26%.
    assert kanwil.target_pct == Decimal("26.00")
    assert kanwil.gap_to_target == 520 - 13


def test_non_asn_enrolled_counts_partner_leads_enrolled_by_the_end_of_the_period(small_world):
    coverage_compute(period=small_world, as_of=AFTERWARDS)
    assert snapshot(small_world, "regency", "36.73").non_asn_enrolled == 2
    coverage_compute(period=dt.date(2026, 12, 1), as_of=AFTERWARDS)
    assert snapshot(dt.date(2026, 12, 1), "regency", "36.73").non_asn_enrolled == 3


def test_past_period_counts_participants_registered_by_then(small_world):
    october = dt.date(2026, 10, 1)
    coverage_compute(period=october, as_of=AFTERWARDS)
    assert snapshot(october, "regency", "36.73").active_total == 6
    assert snapshot(october, "regency", "36.73").active_total == independent_active_count(
        regencies=["36.73"], period=october
    )


def test_past_period_counts_an_inactive_participant_up_to_the_last_month_paid(small_world):
    march_2025 = dt.date(2025, 3, 1)
    coverage_compute(period=march_2025, as_of=AFTERWARDS)
    # 6 registered in January 2024 and active today, plus the one who stopped paying in March 2025.
    assert snapshot(march_2025, "regency", "36.73").active_total == 6 + 1


def test_every_regency_province_and_office_gets_a_row(small_world):
    written = coverage_compute(period=small_world, as_of=AFTERWARDS)
    levels = dict(
        CoverageSnapshot.objects.filter(period=small_world)
        .values_list("level")
        .annotate(n=Count("id"))
        .values_list("level", "n")
    )
    assert levels == {"regency": 3, "province": 1, "national": 1, "branch": 3, "kanwil": 1}
    assert written == 9


def test_recompute_replaces_the_period_instead_of_adding_to_it(small_world):
    coverage_compute(period=small_world, as_of=AFTERWARDS)
    Participant.objects.filter(work_regency_id="36.71").update(status=ParticipantStatus.INACTIVE)
    coverage_compute(period=small_world, as_of=AFTERWARDS)
    assert CoverageSnapshot.objects.filter(period=small_world, level="regency").count() == 3
    assert snapshot(small_world, "regency", "36.71").active_total == 1


def test_recompute_leaves_other_periods_alone(small_world):
    coverage_compute(period=dt.date(2026, 10, 1), as_of=AFTERWARDS)
    october_rows = set(
        CoverageSnapshot.objects.filter(period=dt.date(2026, 10, 1)).values_list("pk", flat=True)
    )
    coverage_compute(period=small_world, as_of=AFTERWARDS)
    assert (
        set(
            CoverageSnapshot.objects.filter(period=dt.date(2026, 10, 1)).values_list(
                "pk", flat=True
            )
        )
        == october_rows
    )


def test_any_day_of_the_month_computes_that_month(small_world):
    coverage_compute(period=dt.date(2026, 11, 17), as_of=AFTERWARDS)
    assert CoverageSnapshot.objects.filter(period=small_world).exists()
    assert not CoverageSnapshot.objects.filter(~Q(period=small_world)).exists()


def test_failed_recompute_keeps_the_previous_snapshots(small_world, monkeypatch):
    from coverage import services

    coverage_compute(period=small_world, as_of=AFTERWARDS)
    before = snapshot(small_world, "national", "ID").computed_at

    def broken(*args, **kwargs):
        raise RuntimeError("simulated failure after the delete")

    monkeypatch.setattr(services, "_office_rows_insert", broken)
    with pytest.raises(RuntimeError):
        coverage_compute(period=small_world, as_of=AFTERWARDS)
    assert snapshot(small_world, "national", "ID").computed_at == before
    assert CoverageSnapshot.objects.filter(period=small_world).count() == 9


# The current month counts today's status through the index-only path.
TODAY = dt.date(2026, 11, 25)


def test_current_month_counts_todays_active_participants(small_world):
    coverage_compute(period=small_world, as_of=TODAY)
    for code in ("36.73", "36.04", "36.71"):
        expected = Participant.objects.filter(
            work_regency_id=code,
            status=ParticipantStatus.ACTIVE,
            registered_on__lt=dt.date(2026, 12, 1),
        ).count()
        assert snapshot(small_world, "regency", code).active_total == expected


def test_current_month_ignores_inactive_participants_even_if_they_paid_it(small_world):
    coverage_compute(period=small_world, as_of=TODAY)
    assert snapshot(small_world, "regency", "36.71").active_total == 3


def test_current_month_leaves_out_future_dated_registrations(small_world):
    coverage_compute(period=small_world, as_of=TODAY)
    row = snapshot(small_world, "regency", "36.73")
    assert (row.active_total, row.active_pu, row.new_participants) == (7, 5, 1)


def test_current_and_past_paths_agree_when_no_inactive_participant_paid_the_month(small_world):
    Participant.objects.filter(status=ParticipantStatus.INACTIVE).update(last_paid_period=None)
    fields = (
        "level",
        "code",
        "active_total",
        "active_pu",
        "active_bpu",
        "active_jakon",
        "active_pmi",
        "new_participants",
        "coverage_pct",
        "gap_to_target",
    )

    def rows():
        return list(
            CoverageSnapshot.objects.filter(period=small_world)
            .order_by("level", "code")
            .values_list(*fields)
        )

    coverage_compute(period=small_world, as_of=TODAY)
    current = rows()
    coverage_compute(period=small_world, as_of=AFTERWARDS)
    assert rows() == current


@pytest.mark.parametrize(
    "period",
    [dt.date(2026, 10, 1), dt.date(2025, 3, 1), dt.date(2025, 4, 1), dt.date(2010, 1, 1)],
)
# Both readings of the active participants: with the registration date on the index, and active
# today less those registered after the month (services._few_registered_after decides).
@pytest.mark.parametrize("few_registered_later", [True, False])
def test_any_past_month_matches_an_independent_count_of_active_and_new(
    small_world, period, few_registered_later, monkeypatch
):
    monkeypatch.setattr(
        services, "_few_registered_after", lambda cursor, t, params: few_registered_later
    )
    coverage_compute(period=period, as_of=AFTERWARDS)
    end = (period.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    for code in ("36.73", "36.04", "36.71"):
        row = snapshot(period, "regency", code)
        assert row.active_total == independent_active_count(regencies=[code], period=period)
        new = Participant.objects.filter(
            work_regency_id=code, registered_on__gte=period, registered_on__lt=end
        ).count()
        assert row.new_participants == new


def test_closing_a_month_counts_todays_statuses_not_the_approximation(small_world):
    from coverage.services import coverage_period_close

    # Kota Tangerang's inactive participant paid November: the approximation counts them,
    # the closing count (statuses as the month ended) does not.
    assert coverage_period_close(period=small_world, today=dt.date(2026, 12, 1)) is True
    assert snapshot(small_world, "regency", "36.71").active_total == 3


def test_a_closed_month_is_not_recomputed_unless_forced(small_world):
    from coverage.services import coverage_period_close

    coverage_period_close(period=small_world, today=dt.date(2026, 12, 1))
    frozen = snapshot(small_world, "regency", "36.71")
    assert coverage_period_close(period=small_world, today=dt.date(2026, 12, 2)) is False
    coverage_compute(period=small_world, as_of=AFTERWARDS)
    assert snapshot(small_world, "regency", "36.71").computed_at == frozen.computed_at
    coverage_compute(period=small_world, as_of=AFTERWARDS, force=True)
    forced = snapshot(small_world, "regency", "36.71")
    assert forced.computed_at > frozen.computed_at
    assert forced.active_total == 4


def test_a_month_closed_days_after_it_ended_uses_the_past_month_rule(small_world):
    from coverage.services import CLOSING_DAYS, coverage_period_close

    october = dt.date(2026, 10, 1)
    late = dt.date(2026, 11, 1) + dt.timedelta(days=CLOSING_DAYS)
    # Today's statuses are no longer October's: the lapsed payer who paid November counts.
    coverage_period_close(period=october, today=late)
    assert snapshot(october, "regency", "36.71").active_total == 4


def test_enrolled_leads_from_the_tally_equal_the_count_when_no_enrolment_is_later(
    small_world, monkeypatch
):
    december = dt.date(2026, 12, 1)  # small_world's last enrolment is on 3 December
    figures = {}
    for from_tally in (True, False):
        monkeypatch.setattr(services, "_enrolled_from_tally", lambda *, end, v=from_tally: v)
        coverage_compute(period=december, as_of=AFTERWARDS, force=True)
        figures[from_tally] = sorted(
            CoverageSnapshot.objects.filter(period=december).values_list(
                "level", "code", "non_asn_enrolled"
            )
        ) + sorted(
            PartnerAgencySnapshot.objects.filter(period=december).values_list(
                "agency_id", "leads", "leads_enrolled"
            )
        )
    assert figures[True] == figures[False]
    assert snapshot(december, "regency", "36.73").non_asn_enrolled == 3


def test_a_month_with_enrolments_after_its_end_is_not_read_from_the_tally(small_world):
    end_of_november = timezone.make_aware(dt.datetime(2026, 12, 1))
    end_of_december = timezone.make_aware(dt.datetime(2027, 1, 1))
    assert services._enrolled_from_tally(end=end_of_november) is False
    assert services._enrolled_from_tally(end=end_of_december) is True


def test_a_recent_month_counts_few_registered_after_it_and_an_old_one_many(
    small_world, monkeypatch
):
    monkeypatch.setattr(services, "FEW_REGISTERED_LATER", 3)
    decided = []
    original = services._few_registered_after

    def recording(cursor, t, params):
        decided.append(original(cursor, t, params))
        return decided[-1]

    monkeypatch.setattr(services, "_few_registered_after", recording)
    later_than_october = Participant.objects.filter(registered_on__gte=dt.date(2026, 11, 1))
    assert later_than_october.count() <= 3 < Participant.objects.count()
    coverage_compute(period=dt.date(2026, 10, 1), as_of=AFTERWARDS)
    coverage_compute(period=dt.date(2010, 1, 1), as_of=AFTERWARDS)
    assert decided == [True, False]
