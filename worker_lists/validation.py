"""Row checks for worker lists, in plain Python: one call per row, no database access.

Error codes are stable (the API returns them); messages are looked up when a row is shown, in the
reader's language. NIK rules live in core.identifiers and are reused as they are.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Container
from typing import NamedTuple

from django.utils.translation import gettext_lazy as _

from core.identifiers import MESSAGES as IDENTIFIER_MESSAGES
from core.identifiers import NikChecker

from .reading import RawRow, cell_text

ERROR_MESSAGES = {
    "nik_format": IDENTIFIER_MESSAGES["nik_format"],
    "nik_spreadsheet_damaged": IDENTIFIER_MESSAGES["nik_spreadsheet_damaged"],
    "nik_region_unknown": IDENTIFIER_MESSAGES["nik_region_unknown"],
    "nik_birthdate_invalid": IDENTIFIER_MESSAGES["nik_birthdate_invalid"],
    "nik_serial_invalid": IDENTIFIER_MESSAGES["nik_serial_invalid"],
    "birth_date_invalid": _("Tanggal lahir wajib diisi dengan format YYYY-MM-DD dan harus valid."),
    "birth_date_mismatch": _("Tanggal lahir berbeda dengan tanggal lahir yang tersandi dalam NIK."),
    "name_missing": _("Nama wajib diisi."),
    "regency_unknown": _("Kode kabupaten/kota tempat kerja tidak dikenal (contoh format: 36.73)."),
    "needs_verification": _(
        "Data pekerja ini perlu diperiksa: pastikan NIK, nama lengkap, dan tanggal lahir sesuai "
        "KTP. Tidak ada prospek yang dibuat untuk baris ini."
    ),
    "regency_outside_jurisdiction": _(
        "Kabupaten/kota tempat kerja berada di luar wilayah yurisdiksi instansi Anda."
    ),
}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FIELD_LIMITS = {"full_name": 150, "unit": 200, "position": 200}
_NAME_LIMIT = _FIELD_LIMITS["full_name"]
_UNIT_LIMIT = _FIELD_LIMITS["unit"]
_POSITION_LIMIT = _FIELD_LIMITS["position"]
# Partners' lists repeat the same birth dates; the cache is cleared when it grows this large.
_DATE_CACHE_LIMIT = 100_000


def _text(value: object) -> str:
    # CSV cells are already strings: skip cell_text's type checks on the hot path.
    return value.strip() if value.__class__ is str else cell_text(value)


def error_message(code: str) -> str:
    return str(ERROR_MESSAGES.get(code, code))


class CheckedRow(NamedTuple):
    """A checked row; `errors` is None for a valid row (no list allocated per valid row)."""

    row_number: int
    nik: str
    full_name: str
    birth_date: dt.date | None
    regency_code: str
    unit: str
    position: str
    errors: list[dict[str, str]] | None


class RowChecker:
    """Holds the reference codes of one submission (loaded once) and checks rows against them.

    This is the per-row hot path of a million-row list (see docs/BENCHMARKS.md): NIKs go through
    core.identifiers.NikChecker (parse_nik's rules with caches), birth dates through a cache.
    """

    def __init__(
        self,
        *,
        known_district_codes: Container[str],
        known_regency_codes: Container[str],
        allowed_regency_codes: Container[str] | None = None,
        today: dt.date | None = None,
    ):
        self.known_district_codes = known_district_codes
        self.known_regency_codes = known_regency_codes
        # The agency's jurisdiction; None for a national agency.
        self.allowed_regency_codes = allowed_regency_codes
        self.today = today or dt.date.today()
        self._nik = NikChecker(known_district_codes=known_district_codes, today=self.today)
        self._dates: dict[str, dt.date | None] = {}

    def _parse_birth_date(self, text: str) -> dt.date | None:
        if not _ISO_DATE.match(text):
            return None
        try:
            parsed = dt.date.fromisoformat(text)
        except ValueError:
            return None
        return parsed if parsed <= self.today else None

    def _birth_date(self, value: object) -> dt.date | None:
        if value.__class__ is not str:
            if isinstance(value, dt.datetime):
                return value.date()
            if isinstance(value, dt.date):
                return value
            return self._parse_birth_date(cell_text(value))
        text = value.strip()
        try:
            return self._dates[text]
        except KeyError:
            pass
        if len(self._dates) >= _DATE_CACHE_LIMIT:
            self._dates.clear()
        parsed = self._dates[text] = self._parse_birth_date(text)
        return parsed

    def check(self, row_number: int, raw: RawRow) -> CheckedRow:
        nik_value, name_value, birth_value, regency_value, unit_value, position_value = raw
        errors = None
        nik = nik_value.strip() if nik_value.__class__ is str else cell_text(nik_value)
        code, nik_birth_date = self._nik.check(nik)
        if code is not None:
            errors = [{"field": "nik", "code": code}]

        # split() without arguments also strips and collapses runs of whitespace.
        full_name = " ".join(
            (name_value if name_value.__class__ is str else cell_text(name_value)).split()
        )
        if not full_name:
            error = {"field": "full_name", "code": "name_missing"}
            errors = [error] if errors is None else [*errors, error]

        birth_date = self._birth_date(birth_value)
        if birth_date is None:
            error = {"field": "birth_date", "code": "birth_date_invalid"}
            errors = [error] if errors is None else [*errors, error]
        elif nik_birth_date is not None and birth_date != nik_birth_date:
            error = {"field": "birth_date", "code": "birth_date_mismatch"}
            errors = [error] if errors is None else [*errors, error]

        regency_code = _text(regency_value)
        if regency_code not in self.known_regency_codes:
            error = {"field": "work_regency_code", "code": "regency_unknown"}
            errors = [error] if errors is None else [*errors, error]
        elif (
            self.allowed_regency_codes is not None
            and regency_code not in self.allowed_regency_codes
        ):
            error = {"field": "work_regency_code", "code": "regency_outside_jurisdiction"}
            errors = [error] if errors is None else [*errors, error]

        return CheckedRow(
            row_number,
            nik[:64],
            full_name[:_NAME_LIMIT],
            birth_date,
            regency_code[:16],
            _text(unit_value)[:_UNIT_LIMIT],
            _text(position_value)[:_POSITION_LIMIT],
            errors,
        )
