import datetime as dt

import pytest

from core.identifiers import IdentifierError, NikChecker, parse_nik

TODAY = dt.date(2026, 11, 25)
KNOWN = {"36.73.01", "31.71.01"}

# One NIK per rule of parse_nik, plus the cases its cached fast path must not confuse.
NIKS = [
    "3673011204900001",  # valid man
    "3673015204900001",  # valid woman (day + 40)
    "3673011204050001",  # two-digit year in this century
    "3673011204270001",  # two-digit year that would be in the future: last century
    "3673017101900001",  # woman born on the 31st
    "3673013202900001",  # 30 February (woman's offset removed): impossible
    "3673011213900001",  # month 13
    "3673010004900001",  # day 00
    "3673011204900000",  # serial 0000
    "9999991204900001",  # unknown district
    "3.67301E+15",  # scientific notation
    "3673011204900001.0",  # trailing .0
    "367301120490001",  # 15 digits: a lost leading digit
    "36730112049000011",  # 17 digits
    "36730112049O0001",  # a letter O
    "３６７３０１１２０４９００００１",  # full-width digits
    "",
]


def _parse_nik_result(raw: str, known) -> tuple[str | None, dt.date | None]:
    try:
        return None, parse_nik(raw, known_district_codes=known, today=TODAY).birth_date
    except IdentifierError as error:
        return error.code, None


@pytest.mark.parametrize("known", [KNOWN, None])
def test_the_nik_checker_gives_the_same_answer_as_parse_nik_for_every_rule(known):
    checker = NikChecker(known_district_codes=known, today=TODAY)

    answers = [checker.check(raw) for raw in NIKS]

    assert answers == [_parse_nik_result(raw, known) for raw in NIKS]


def test_the_nik_checker_answers_the_same_when_its_caches_are_warm():
    checker = NikChecker(known_district_codes=KNOWN, today=TODAY)
    cold = [checker.check(raw) for raw in NIKS]

    warm = [checker.check(raw) for raw in reversed(NIKS)]

    assert warm == list(reversed(cold))


def test_a_cached_birth_date_does_not_hide_the_serial_rule_of_a_later_nik():
    checker = NikChecker(known_district_codes=KNOWN, today=TODAY)
    checker.check("3673011204900001")

    assert checker.check("3101011204900000") == ("nik_region_unknown", None)
    assert checker.check("3171011204900000") == ("nik_serial_invalid", None)
