import datetime as dt

import pytest

from core.periods import parse_period


@pytest.mark.parametrize("text", ["2024-08", "2024-8", "2024-08-01", " 2024-08 "])
def test_a_month_reads_as_its_first_day(text):
    assert parse_period(text) == dt.date(2024, 8, 1)


@pytest.mark.parametrize("text", ["0000-01", "2024-13", "2024-00", "08-2024", "2024", "", "x"])
def test_anything_else_is_a_value_error(text):
    with pytest.raises(ValueError, match="YYYY-MM"):
        parse_period(text)
