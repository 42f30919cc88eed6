"""Validation of Indonesian identifiers: NIK (national ID), NPWP (tax), NIB (business number).

The one place these rules live: forms, the ingest pipeline and model validators all call it.
Rules follow docs/DOMAIN.md: a NIK is 16 digits, PPRRDD (province, regency, district),
DDMMYY date of birth with 40 added to the day for women, then a 4-digit serial that is not 0000.
Spreadsheets damage NIKs (scientific notation, a trailing ".0", a lost leading digit); such values
are reported as damaged and never repaired, because a guessed NIK enrols the wrong person.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Container
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

NIK_LENGTH = 16
_DIGITS = re.compile(r"^\d+$")
_SCIENTIFIC = re.compile(r"^\d(?:[.,]\d+)?[eE]\+?\d+$")
_TRAILING_DECIMAL_ZERO = re.compile(r"^\d+[.,]0+$")
_NPWP_SEPARATORS = re.compile(r"[.\-\s]")

MESSAGES = {
    "nik_format": _("NIK harus terdiri dari 16 digit angka."),
    "nik_spreadsheet_damaged": _(
        "NIK tampaknya rusak oleh aplikasi spreadsheet (notasi ilmiah, akhiran '.0', atau digit "
        "pertama hilang). Simpan kolom NIK sebagai teks dan kirim ulang; "
        "NIK tidak diperbaiki otomatis."
    ),
    "nik_region_unknown": _("Enam digit pertama NIK bukan kode kecamatan yang dikenal."),
    "nik_birthdate_invalid": _("Tanggal lahir yang tersandi dalam NIK tidak mungkin."),
    "nik_serial_invalid": _("Nomor urut NIK (4 digit terakhir) tidak boleh 0000."),
    "npwp_format": _("NPWP harus terdiri dari 15 atau 16 digit angka."),
    "nib_format": _("NIB harus terdiri dari 13 digit angka."),
}


class IdentifierError(ValueError):
    """An identifier failed validation; `code` is a stable machine-readable reason."""

    def __init__(self, code: str):
        self.code = code
        super().__init__(code)

    @property
    def message(self) -> str:
        return str(MESSAGES[self.code])


@dataclass(frozen=True)
class NikInfo:
    nik: str
    district_code: str  # Kemendagri code with dots, e.g. "36.73.01"
    birth_date: dt.date
    sex: str  # "M" or "F"

    @property
    def regency_code(self) -> str:
        return self.district_code[:5]

    @property
    def province_code(self) -> str:
        return self.district_code[:2]


def nik_district_code(nik: str) -> str:
    """'3673011204900001' -> '36.73.01'."""
    return f"{nik[0:2]}.{nik[2:4]}.{nik[4:6]}"


def looks_spreadsheet_damaged(raw: str) -> bool:
    return bool(
        _SCIENTIFIC.match(raw)
        or _TRAILING_DECIMAL_ZERO.match(raw)
        or (_DIGITS.match(raw) and len(raw) == NIK_LENGTH - 1)
    )


def nik_birth_date(nik: str, *, today: dt.date | None = None) -> tuple[dt.date, str]:
    """Decode the DDMMYY birth date of a 16-digit NIK; women's day is offset by 40.

    The two-digit year is read in the century that does not put the birth in the future.
    """
    day, month, year2 = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    sex = "M"
    if day > 40:
        day -= 40
        sex = "F"
    today = today or dt.date.today()
    century = 2000 if 2000 + year2 <= today.year else 1900
    try:
        return dt.date(century + year2, month, day), sex
    except ValueError:
        raise IdentifierError("nik_birthdate_invalid") from None


def parse_nik(
    value: object,
    *,
    known_district_codes: Container[str] | None = None,
    today: dt.date | None = None,
) -> NikInfo:
    """Validate a NIK and decode it. Raises IdentifierError with a stable code.

    `known_district_codes` holds dotted district codes ("36.73.01"); pass None to skip that check.
    """
    raw = "" if value is None else str(value).strip()
    if looks_spreadsheet_damaged(raw):
        raise IdentifierError("nik_spreadsheet_damaged")
    if len(raw) != NIK_LENGTH or not _DIGITS.match(raw) or not raw.isascii():
        raise IdentifierError("nik_format")
    district_code = nik_district_code(raw)
    if known_district_codes is not None and district_code not in known_district_codes:
        raise IdentifierError("nik_region_unknown")
    birth_date, sex = nik_birth_date(raw, today=today)
    if raw[12:] == "0000":
        raise IdentifierError("nik_serial_invalid")
    return NikInfo(nik=raw, district_code=district_code, birth_date=birth_date, sex=sex)


def mask_nik(nik: str) -> str:
    """`3673********0001`: the region (first four digits) and the serial stay readable for
    someone who does not work with the person; birth date and district do not (UU PDP 27/2022)."""
    nik = str(nik or "")
    if len(nik) <= 8:
        return "*" * len(nik)
    return nik[:4] + "*" * (len(nik) - 8) + nik[-4:]


def nik_compose(*, district_code: str, birth_date: dt.date, female: bool, serial: int) -> str:
    """The NIK of a person born on `birth_date` registered in `district_code` (`36.73.01`):
    the inverse of parse_nik, used to build valid synthetic NIKs for demos, tests and benchmarks."""
    day = birth_date.day + (40 if female else 0)
    return f"{district_code.replace('.', '')}{day:02d}{birth_date:%m%y}{serial:04d}"


class NikChecker:
    """parse_nik's rules for many NIKs in a row (worker lists): same codes, same order.

    A well-formed NIK (16 ASCII digits, the usual case) is checked with string slicing and two
    caches (district prefix -> known, DDMMYY -> decoded birth date) instead of regular
    expressions, an exception and a date construction per NIK; anything else goes through
    parse_nik itself, so the rules stay defined once. Both caches are bounded: 10**6 possible
    prefixes at most, and only the ~74,000 valid DDMMYY values are kept.
    """

    def __init__(
        self, *, known_district_codes: Container[str] | None = None, today: dt.date | None = None
    ):
        self.known_district_codes = known_district_codes
        self.today = today or dt.date.today()
        self._district_known: dict[str, bool] = {}
        self._birth_dates: dict[str, dt.date] = {}

    def check(self, raw: str) -> tuple[str | None, dt.date | None]:
        """(error code or None, encoded birth date or None) for a stripped string."""
        if len(raw) != NIK_LENGTH or not raw.isascii() or not raw.isdigit():
            try:
                info = parse_nik(
                    raw, known_district_codes=self.known_district_codes, today=self.today
                )
            except IdentifierError as error:
                return error.code, None
            return None, info.birth_date
        if self.known_district_codes is not None:
            prefix = raw[:6]
            known = self._district_known.get(prefix)
            if known is None:
                known = nik_district_code(raw) in self.known_district_codes
                self._district_known[prefix] = known
            if not known:
                return "nik_region_unknown", None
        encoded = raw[6:12]
        birth_date = self._birth_dates.get(encoded)
        if birth_date is None:
            try:
                birth_date, _sex = nik_birth_date(raw, today=self.today)
            except IdentifierError as error:
                return error.code, None
            self._birth_dates[encoded] = birth_date
        if raw.endswith("0000"):
            return "nik_serial_invalid", None
        return None, birth_date


def normalize_npwp(value: object) -> str:
    """Strip the usual punctuation (01.234.567.8-901.000) and check for 15 or 16 digits."""
    digits = _NPWP_SEPARATORS.sub("", "" if value is None else str(value).strip())
    if not _DIGITS.match(digits) or len(digits) not in (15, 16) or not digits.isascii():
        raise IdentifierError("npwp_format")
    return digits


def normalize_nib(value: object) -> str:
    digits = "" if value is None else str(value).strip()
    if not _DIGITS.match(digits) or len(digits) != 13 or not digits.isascii():
        raise IdentifierError("nib_format")
    return digits


def _raise_validation_error(error: IdentifierError) -> None:
    raise ValidationError(error.message, code=error.code) from None


def validate_nik(value: object) -> None:
    """Django validator: format, encoded birth date and serial (district checked by callers)."""
    try:
        parse_nik(value)
    except IdentifierError as error:
        _raise_validation_error(error)


def validate_npwp(value: object) -> None:
    try:
        normalize_npwp(value)
    except IdentifierError as error:
        _raise_validation_error(error)


def validate_nib(value: object) -> None:
    try:
        normalize_nib(value)
    except IdentifierError as error:
        _raise_validation_error(error)
