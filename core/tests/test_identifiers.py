import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from core.identifiers import (
    IdentifierError,
    mask_nik,
    normalize_nib,
    normalize_npwp,
    parse_nik,
    validate_nik,
)

TODAY = dt.date(2026, 11, 25)
KNOWN = {"36.73.01", "31.71.01"}


def nik_error(value, **kwargs) -> str:
    with pytest.raises(IdentifierError) as caught:
        parse_nik(value, today=TODAY, **kwargs)
    return caught.value.code


def test_valid_nik_decodes_region_birth_date_and_sex():
    info = parse_nik("3673011204900001", known_district_codes=KNOWN, today=TODAY)
    assert info.district_code == "36.73.01"
    assert info.regency_code == "36.73"
    assert info.province_code == "36"
    assert info.birth_date == dt.date(1990, 4, 12)
    assert info.sex == "M"


def test_women_have_forty_added_to_the_birth_day():
    info = parse_nik("3673015204900001", today=TODAY)
    assert info.birth_date == dt.date(1990, 4, 12)
    assert info.sex == "F"


def test_two_digit_year_not_in_the_future_is_read_as_this_century():
    assert parse_nik("3673011204050001", today=TODAY).birth_date == dt.date(2005, 4, 12)


def test_surrounding_whitespace_is_ignored():
    assert parse_nik(" 3673011204900001 ", today=TODAY).nik == "3673011204900001"


@pytest.mark.parametrize("value", ["", "123", "36730112049000011", "36730112049O0001", None])
def test_wrong_length_or_non_digits_is_a_format_error(value):
    assert nik_error(value) == "nik_format"


def test_non_ascii_digits_are_a_format_error():
    assert nik_error("٣٦٧٣٠١١٢٠٤٩٠٠٠٠١") == "nik_format"


@pytest.mark.parametrize(
    "value",
    ["3.67301E+15", "3,67301E+15", "3.673011204900001e15", "3673011204900001.0", "367301120490001"],
)
def test_spreadsheet_damage_is_reported_not_repaired(value):
    assert nik_error(value) == "nik_spreadsheet_damaged"


def test_unknown_district_is_rejected_when_districts_are_given():
    assert nik_error("9999011204900001", known_district_codes=KNOWN) == "nik_region_unknown"


@pytest.mark.parametrize(
    "value",
    [
        "3673013204900001",  # day 32
        "3673017204900001",  # day 72 (woman, 32)
        "3673011213900001",  # month 13
        "3673013002900001",  # 30 February
        "3673010004900001",  # day 0
    ],
)
def test_impossible_encoded_birth_date_is_rejected(value):
    assert nik_error(value) == "nik_birthdate_invalid"


def test_women_day_seventy_one_is_a_valid_thirty_first():
    assert parse_nik("3673017101900001", today=TODAY).birth_date == dt.date(1990, 1, 31)


def test_serial_zero_is_rejected():
    assert nik_error("3673011204900000") == "nik_serial_invalid"


def test_django_validator_raises_validation_error_with_code():
    with pytest.raises(ValidationError) as caught:
        validate_nik("3.67301E+15")
    assert caught.value.code == "nik_spreadsheet_damaged"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("012345678901000", "012345678901000"),
        ("01.234.567.8-901.000", "012345678901000"),
        ("0123456789012345", "0123456789012345"),
    ],
)
def test_npwp_accepts_15_or_16_digits_with_usual_punctuation(value, expected):
    assert normalize_npwp(value) == expected


@pytest.mark.parametrize("value", ["12345", "01234567890100A", "01234567890123456", ""])
def test_npwp_rejects_other_values(value):
    with pytest.raises(IdentifierError) as caught:
        normalize_npwp(value)
    assert caught.value.code == "npwp_format"


def test_nib_is_13_digits():
    assert normalize_nib("1234567890123") == "1234567890123"


@pytest.mark.parametrize("value", ["123456789012", "12345678901234", "1.23457E+12"])
def test_nib_rejects_other_lengths_and_spreadsheet_forms(value):
    with pytest.raises(IdentifierError) as caught:
        normalize_nib(value)
    assert caught.value.code == "nib_format"


def test_a_masked_nik_keeps_the_region_and_serial_only():
    assert mask_nik("3673014104900001") == "3673********0001"


def test_a_short_value_is_masked_whole():
    assert mask_nik("1234") == "****"
