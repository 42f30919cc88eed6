"""Row checks for worker lists, in plain Python: one call per row, no database access.

Error codes are stable (the API returns them); messages are looked up when a row is shown, in the
reader's language. NIK rules live in core.identifiers and are reused as they are.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Container
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from core.identifiers import MESSAGES as IDENTIFIER_MESSAGES
from core.identifiers import IdentifierError, parse_nik

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
}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FIELD_LIMITS = {"full_name": 150, "unit": 200, "position": 200}


def _text(value: object) -> str:
    # CSV cells are already strings: skip cell_text's type checks on the hot path.
    return value.strip() if value.__class__ is str else cell_text(value)


def error_message(code: str) -> str:
    return str(ERROR_MESSAGES.get(code, code))


@dataclass(slots=True)
class CheckedRow:
    row_number: int
    nik: str
    full_name: str
    birth_date: dt.date | None
    regency_code: str
    unit: str
    position: str
    errors: list[dict[str, str]]


class RowChecker:
    """Holds the reference codes of one submission (loaded once) and checks rows against them."""

    def __init__(
        self,
        *,
        known_district_codes: Container[str],
        known_regency_codes: Container[str],
        today: dt.date | None = None,
    ):
        self.known_district_codes = known_district_codes
        self.known_regency_codes = known_regency_codes
        self.today = today or dt.date.today()

    def _birth_date(self, value: object) -> dt.date | None:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = _text(value)
        if not _ISO_DATE.match(text):
            return None
        try:
            parsed = dt.date.fromisoformat(text)
        except ValueError:
            return None
        return parsed if parsed <= self.today else None

    def check(self, row_number: int, raw: RawRow) -> CheckedRow:
        errors: list[dict[str, str]] = []
        nik = _text(raw.get("nik"))
        nik_birth_date = None
        try:
            info = parse_nik(nik, known_district_codes=self.known_district_codes, today=self.today)
            nik_birth_date = info.birth_date
        except IdentifierError as error:
            errors.append({"field": "nik", "code": error.code})

        full_name = " ".join(_text(raw.get("full_name")).split())
        if not full_name:
            errors.append({"field": "full_name", "code": "name_missing"})

        birth_date = self._birth_date(raw.get("birth_date"))
        if birth_date is None:
            errors.append({"field": "birth_date", "code": "birth_date_invalid"})
        elif nik_birth_date is not None and birth_date != nik_birth_date:
            errors.append({"field": "birth_date", "code": "birth_date_mismatch"})

        regency_code = _text(raw.get("work_regency_code"))
        if regency_code not in self.known_regency_codes:
            errors.append({"field": "work_regency_code", "code": "regency_unknown"})

        return CheckedRow(
            row_number=row_number,
            nik=nik[:64],
            full_name=full_name[: _FIELD_LIMITS["full_name"]],
            birth_date=birth_date,
            regency_code=regency_code[:16],
            unit=_text(raw.get("unit"))[: _FIELD_LIMITS["unit"]],
            position=_text(raw.get("position"))[: _FIELD_LIMITS["position"]],
            errors=errors,
        )
