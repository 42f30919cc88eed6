"""Indonesian working days: deadlines of warnings are counted in them (PP 86/2013: 10 working days).

Weekends, national holidays and collective leave days (cuti bersama, set yearly by joint
ministerial decree) are not working days. Both come from the maintained `holidays` library
(categories "public" and "government"); extra closures can be listed in settings
(`EXTRA_NON_WORKING_DAYS`, ISO dates) until the library catches up with a new decree.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays
from django.conf import settings

COUNTRY = "ID"
CATEGORIES = ("public", "government")


@lru_cache(maxsize=64)
def _non_working_days(year: int) -> frozenset[dt.date]:
    calendar = holidays.country_holidays(COUNTRY, years=year, categories=CATEGORIES)
    extra = {
        dt.date.fromisoformat(day)
        for day in getattr(settings, "EXTRA_NON_WORKING_DAYS", ())
        if day.startswith(str(year))
    }
    return frozenset(calendar) | extra


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _non_working_days(day.year)


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The `days`-th working day after `start` (the start day itself does not count)."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    remaining = days
    while remaining:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count
