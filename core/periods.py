"""Months as the app names them: 'YYYY-MM', stored as the first day of the month."""

from __future__ import annotations

import datetime as dt
import re

_PERIOD = re.compile(r"(\d{4})-(\d{1,2})(?:-\d{1,2})?")


def parse_period(value: str) -> dt.date:
    """'2024-08' (or '2024-08-01', as spreadsheets and task arguments write it) -> 2024-08-01.

    ValueError for anything else, year 0000 and month 13 included, so callers answer a 400 or a
    form error, never a 500.
    """
    match = _PERIOD.fullmatch(str(value).strip())
    if not match:
        raise ValueError(f"expected YYYY-MM, got {value!r}")
    year, month = int(match.group(1)), int(match.group(2))
    if year < 1 or not 1 <= month <= 12:
        raise ValueError(f"expected YYYY-MM, got {value!r}")
    return dt.date(year, month, 1)
