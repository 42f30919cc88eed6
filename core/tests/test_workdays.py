import datetime as dt

from core.workdays import add_working_days, is_working_day, working_days_between


def test_weekends_are_not_working_days():
    assert not is_working_day(dt.date(2026, 11, 28))  # Saturday
    assert not is_working_day(dt.date(2026, 11, 29))  # Sunday
    assert is_working_day(dt.date(2026, 11, 30))


def test_national_holidays_are_not_working_days():
    assert not is_working_day(dt.date(2026, 8, 17))  # Independence Day, a Monday


def test_collective_leave_days_are_not_working_days():
    assert not is_working_day(dt.date(2025, 4, 2))  # cuti bersama Idulfitri 2025


def test_ten_working_days_over_plain_weeks_are_two_weeks():
    assert add_working_days(dt.date(2026, 11, 2), 10) == dt.date(2026, 11, 16)


def test_ten_working_days_skip_the_idulfitri_holidays_and_leave():
    # Issued Thursday 27 March 2025: 28 (Nyepi leave), 31 Mar-7 Apr (Idulfitri and leave),
    # 18 Apr (Good Friday) are skipped.
    assert add_working_days(dt.date(2025, 3, 27), 10) == dt.date(2025, 4, 22)


def test_extra_non_working_days_from_settings_count(settings):
    from core import workdays

    workdays._non_working_days.cache_clear()
    settings.EXTRA_NON_WORKING_DAYS = ["2026-11-30"]
    try:
        assert not is_working_day(dt.date(2026, 11, 30))
    finally:
        workdays._non_working_days.cache_clear()


def test_working_days_between_counts_after_the_start_up_to_the_end():
    assert working_days_between(dt.date(2026, 11, 27), dt.date(2026, 11, 30)) == 1
