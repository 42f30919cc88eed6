"""Row checks for worker lists, in plain Python: one call per row, no database access.

Error codes are stable (the API returns them); messages are looked up when a row is shown, in the
reader's language. NIK rules live in core.identifiers and are reused as they are.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Container
from typing import NamedTuple

from django.utils.translation import gettext_lazy as _

from core.identifiers import MESSAGES as IDENTIFIER_MESSAGES
from core.identifiers import NikChecker

from .reading import RawRow, SourceLayout, cell_text

ERROR_MESSAGES = {
    "nik_format": IDENTIFIER_MESSAGES["nik_format"],
    "nik_spreadsheet_damaged": IDENTIFIER_MESSAGES["nik_spreadsheet_damaged"],
    "nik_region_unknown": IDENTIFIER_MESSAGES["nik_region_unknown"],
    "nik_birthdate_invalid": IDENTIFIER_MESSAGES["nik_birthdate_invalid"],
    "nik_serial_invalid": IDENTIFIER_MESSAGES["nik_serial_invalid"],
    "birth_date_invalid": _(
        "Tanggal lahir wajib diisi dengan tanggal yang ada dan tidak di masa depan, dalam format "
        "HH/BB/TTTT (mis. 12/04/1990), TTTT-BB-HH (1990-04-12) atau 12 April 1990."
    ),
    "birth_date_ambiguous": _(
        "Tahun pada tanggal lahir harus ditulis 4 angka, agar abadnya jelas: 12/04/1990, "
        "bukan 12/04/90."
    ),
    "birth_date_mismatch": _("Tanggal lahir berbeda dengan tanggal lahir yang tersandi dalam NIK."),
    "name_missing": _("Nama wajib diisi."),
    "name_too_long": _("Nama paling banyak 150 karakter."),
    "unit_too_long": _("Unit kerja paling banyak 200 karakter."),
    "position_too_long": _("Jabatan paling banyak 200 karakter."),
    "regency_unknown": _(
        "Kode kabupaten/kota tempat kerja tidak dikenal (format: 36.73 atau 3673, kode Kemendagri)."
    ),
    "control_character": _(
        "Isian berisi karakter kendali (NUL) yang tidak boleh ada; ketik ulang isian ini."
    ),
    "row_spans_lines": _(
        'Tanda kutip (") pada baris ini tidak ditutup, sehingga baris ini menelan baris '
        "berikutnya; baris-baris berikutnya dibaca terpisah. Perbaiki tanda kutipnya."
    ),
    "needs_verification": _(
        "Data pekerja ini perlu diperiksa: pastikan NIK, nama lengkap, dan tanggal lahir sesuai "
        "KTP. Tidak ada prospek yang dibuat untuk baris ini."
    ),
    "regency_outside_jurisdiction": _(
        "Kabupaten/kota tempat kerja berada di luar wilayah yurisdiksi instansi Anda."
    ),
}
# Kemendagri regency code with or without its dot (spreadsheets drop it, or store 3673 as a
# number that comes back as 3673.0).
_REGENCY = re.compile(r"^(\d{2})\.?(\d{2})(?:\.0)?$")
# Dates as Indonesian offices write them, day first; the year must have four digits.
_YMD = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]00:00(?::00)?)?$")
_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_DMY_SHORT_YEAR = re.compile(r"^\d{1,2}[-/.]\d{1,2}[-/.]\d{2}$")
_D_MONTH_Y = re.compile(r"^(\d{1,2})[ \-/.]+([^\W\d_]+)\.?[ \-/.,]+(\d{2}|\d{4})$")
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("januari", "january", "jan"),
            ("februari", "february", "feb", "pebruari", "peb"),
            ("maret", "march", "mar"),
            ("april", "apr"),
            ("mei", "may"),
            ("juni", "june", "jun"),
            ("juli", "july", "jul"),
            ("agustus", "august", "agu", "agt", "ags", "aug"),
            ("september", "sep", "sept"),
            ("oktober", "october", "okt", "oct"),
            ("november", "nov", "nop", "nopember"),
            ("desember", "december", "des", "dec"),
        ),
        start=1,
    )
    for name in names
}
# Excel's serial day numbers of 1900-03-01 and 9999-12-31, for a date cell stored as a number.
_EXCEL_SERIAL_RANGE = (61, 2_958_465)
_FIELD_LIMITS = {"full_name": 150, "unit": 200, "position": 200}
_NAME_LIMIT = _FIELD_LIMITS["full_name"]
_UNIT_LIMIT = _FIELD_LIMITS["unit"]
_POSITION_LIMIT = _FIELD_LIMITS["position"]
# Partners' lists repeat the same birth dates; the cache is cleared when it grows this large.
_DATE_CACHE_LIMIT = 100_000
_AMBIGUOUS = "ambiguous"


def _text(value: object) -> str:
    # CSV cells are already strings: skip cell_text's type checks on the hot path.
    return value.strip() if value.__class__ is str else cell_text(value)


def error_message(code: str) -> str:
    return str(ERROR_MESSAGES.get(code, code))


def regency_code_normalise(text: str) -> str:
    """36.73 for "36.73", "3673" and 3673.0; anything else unchanged (and then unknown)."""
    match = _REGENCY.match(text)
    return f"{match[1]}.{match[2]}" if match else text


def parse_birth_date_text(text: str) -> dt.date | str | None:
    """A typed date: the date, _AMBIGUOUS for a two-digit year, None if it is no date."""
    try:
        if match := _DMY.match(text):
            return dt.date(int(match[3]), int(match[2]), int(match[1]))
        if match := _YMD.match(text):
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        if _DMY_SHORT_YEAR.match(text):
            return _AMBIGUOUS
        if match := _D_MONTH_Y.match(text):
            month = _MONTHS.get(match[2].lower())
            if month is None:
                return None
            if len(match[3]) == 2:
                return _AMBIGUOUS
            return dt.date(int(match[3]), month, int(match[1]))
    except ValueError:  # 31/02/1990
        return None
    return None


class CheckedRow(NamedTuple):
    """A checked row; `errors` is None for a valid row (no list allocated per valid row).
    `source_cells` is what is kept of the cells as typed, as JSON text (see source_cells)."""

    row_number: int
    nik: str
    full_name: str
    birth_date: dt.date | None
    regency_code: str
    unit: str
    position: str
    errors: list[dict[str, str]] | None
    source_cells: str | None = None


def _typed(value: object) -> str:
    """A cell as the partner typed it, for the report and the fix file: text as it is (a NUL
    removed: PostgreSQL cannot store it), other cells as cell_text shows them."""
    if value.__class__ is str:
        return value.replace("\x00", "") if "\x00" in value else value
    return cell_text(value).replace("\x00", "")


def source_cells(cells: list, layout: SourceLayout | None, *, invalid: bool) -> str | None:
    """The cells of a row kept with it (WorkerListRow.source_cells), minimised: every cell of an
    invalid row in the file's column order (the partner corrects it from the fix file), only the
    partner's extra columns of any other row (the checked columns hold the rest), None when
    there is nothing to keep (a template file's valid rows cost nothing)."""
    if layout is None:
        return None
    if invalid:
        kept = [_typed(cells[index]) for index in range(layout.width)]
    elif layout.extra_columns:
        kept = [_typed(cells[index]) for index in layout.extra_columns]
        if not any(kept):
            return None
    else:
        return None
    return json.dumps(kept, ensure_ascii=False)


def _add(errors: list | None, field: str, code: str) -> list[dict[str, str]]:
    error = {"field": field, "code": code}
    return [error] if errors is None else [*errors, error]


class RowChecker:
    """Holds the reference codes of one submission (loaded once) and checks rows against them.

    This is the per-row hot path of a million-row list (see docs/BENCHMARKS.md): NIKs go through
    core.identifiers.NikChecker (parse_nik's rules with caches), birth dates and regency codes
    through caches.
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
        self._dates: dict[str, dt.date | str | None] = {}
        self._regencies: dict[str, str] = {}

    def _parse_birth_date(self, text: str) -> dt.date | str | None:
        parsed = parse_birth_date_text(text)
        if parsed.__class__ is dt.date and parsed > self.today:
            return None
        return parsed

    def _birth_date(self, value: object) -> dt.date | str | None:
        if value.__class__ is not str:
            if isinstance(value, dt.datetime):
                value = value.date()
            if isinstance(value, dt.date):
                return value if value <= self.today else None
            if isinstance(value, int | float) and not isinstance(value, bool):
                return self._excel_serial_date(value)
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

    def _excel_serial_date(self, value: float) -> dt.date | None:
        """A date cell that lost its format reads as Excel's day number (32975 is 1990-04-12)."""
        if value != int(value) or not _EXCEL_SERIAL_RANGE[0] <= value <= _EXCEL_SERIAL_RANGE[1]:
            return None
        # Excel counts from 1899-12-30 for every date after February 1900.
        parsed = dt.date(1899, 12, 30) + dt.timedelta(days=int(value))
        return parsed if parsed <= self.today else None

    def _regency(self, value: object) -> str:
        text = _text(value)
        try:
            return self._regencies[text]
        except KeyError:
            pass
        if len(self._regencies) >= _DATE_CACHE_LIMIT:
            self._regencies.clear()
        code = self._regencies[text] = regency_code_normalise(text)
        return code

    def check(self, row_number: int, raw: RawRow) -> CheckedRow:
        (
            nik_value,
            name_value,
            birth_value,
            regency_value,
            unit_value,
            position_value,
            problem,
            cells,
            layout,
        ) = raw
        errors = [{"field": "row", "code": problem}] if problem else None
        nik = nik_value.strip() if nik_value.__class__ is str else cell_text(nik_value)
        # split() without arguments also strips and collapses runs of whitespace.
        full_name = " ".join(
            (name_value if name_value.__class__ is str else cell_text(name_value)).split()
        )
        unit = _text(unit_value)
        position = _text(position_value)
        regency_code = self._regency(regency_value)
        if (
            "\x00" in nik
            or "\x00" in full_name
            or "\x00" in unit
            or "\x00" in position
            or "\x00" in regency_code
        ):
            # A NUL cannot be stored (PostgreSQL refuses it in text): the row says where it was.
            nik, full_name, unit, position, regency_code, errors = _without_nul(
                nik, full_name, unit, position, regency_code, errors
            )

        code, nik_birth_date = self._nik.check(nik)
        if code is not None:
            errors = _add(errors, "nik", code)

        if not full_name:
            errors = _add(errors, "full_name", "name_missing")
        elif len(full_name) > _NAME_LIMIT:
            errors = _add(errors, "full_name", "name_too_long")

        birth_date = self._birth_date(birth_value)
        if birth_date is None:
            errors = _add(errors, "birth_date", "birth_date_invalid")
        elif birth_date is _AMBIGUOUS:
            birth_date = None
            errors = _add(errors, "birth_date", "birth_date_ambiguous")
        elif nik_birth_date is not None and birth_date != nik_birth_date:
            errors = _add(errors, "birth_date", "birth_date_mismatch")

        if regency_code not in self.known_regency_codes:
            errors = _add(errors, "work_regency_code", "regency_unknown")
        elif (
            self.allowed_regency_codes is not None
            and regency_code not in self.allowed_regency_codes
        ):
            errors = _add(errors, "work_regency_code", "regency_outside_jurisdiction")
        if len(unit) > _UNIT_LIMIT:
            errors = _add(errors, "unit", "unit_too_long")
        if len(position) > _POSITION_LIMIT:
            errors = _add(errors, "position", "position_too_long")

        # Over-long values are cut to fit their columns, but the row is invalid and never a lead.
        return CheckedRow(
            row_number,
            nik[:64],
            full_name[:_NAME_LIMIT],
            birth_date,
            regency_code[:16],
            unit[:_UNIT_LIMIT],
            position[:_POSITION_LIMIT],
            errors,
            None
            if layout is None or (errors is None and not layout.extra_columns)
            else source_cells(cells, layout, invalid=errors is not None),
        )


def _without_nul(nik, full_name, unit, position, regency_code, errors):
    fields = {
        "nik": nik,
        "full_name": full_name,
        "unit": unit,
        "position": position,
        "work_regency_code": regency_code,
    }
    for field, value in fields.items():
        if "\x00" in value:
            errors = _add(errors, field, "control_character")
            fields[field] = value.replace("\x00", "")
    return (*fields.values(), errors)
