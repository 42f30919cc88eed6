"""Stream the rows of a staged worker-list file (CSV or XLSX) without holding the file in memory.

Yields one (row_number, values) pair per non-empty data row; `row_number` is the 1-based data
row number as in the file (blank lines are skipped but still counted, so row N is the line or
sheet row right after the header + N - 1, where the partner can find it).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from collections.abc import Iterator
from operator import itemgetter
from typing import IO

from django.utils.translation import gettext as _

FIELDS = ("nik", "full_name", "birth_date", "work_regency_code", "unit", "position")
REQUIRED_FIELDS = ("nik", "full_name", "birth_date", "work_regency_code")
# Headers partners use, normalised (lower case, spaces and dashes as underscores).
HEADER_ALIASES = {
    "nik": "nik",
    "full_name": "full_name",
    "nama": "full_name",
    "nama_lengkap": "full_name",
    "birth_date": "birth_date",
    "tanggal_lahir": "birth_date",
    "tgl_lahir": "birth_date",
    "work_regency_code": "work_regency_code",
    "kode_kabkota": "work_regency_code",
    "kode_kab_kota": "work_regency_code",
    "unit": "unit",
    "unit_kerja": "unit",
    "position": "position",
    "jabatan": "position",
}
_CHUNK = 1 << 20

# One data row's cells in FIELDS order; an absent optional column reads as "" (CSV) or None.
RawRow = tuple[object, ...]


class UnreadableFileError(ValueError):
    """The file cannot be read at all; the message is shown to the partner as the failure reason."""


def _normalise_header(name: object) -> str:
    text = "" if name is None else str(name)
    text = text.strip().lstrip("\ufeff").lower().replace(" ", "_").replace("-", "_")
    return HEADER_ALIASES.get(text, text)


def _column_positions(header: list[object]) -> dict[str, int]:
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        field = _normalise_header(name)
        if field in FIELDS and field not in positions:
            positions[field] = index
    missing = [field for field in REQUIRED_FIELDS if field not in positions]
    if missing:
        raise UnreadableFileError(
            _(
                "Kolom wajib tidak ditemukan pada baris judul: %(missing)s. Baris pertama harus "
                "berisi judul kolom: nik, nama, tanggal_lahir, kode_kabkota, unit_kerja, jabatan."
            )
            % {"missing": ", ".join(missing)}
        )
    return positions


def _cell_picker(positions: dict[str, int]):
    """A C-speed getter of the FIELDS cells of a row that has a sentinel appended at its end.

    Absent optional columns point at the sentinel (index -1), so no per-row dict is built.
    """
    return itemgetter(*(positions.get(field, -1) for field in FIELDS)), max(positions.values())


def sniff_text_file(fileobj: IO[bytes]) -> tuple[str, int]:
    """One pass over the bytes: the encoding (UTF-8, else Windows-1252) and the line count."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8 = True
    lines = 0
    last = b"\n"
    fileobj.seek(0)
    while chunk := fileobj.read(_CHUNK):
        if b"\x00" in chunk:
            raise UnreadableFileError(_("File bukan teks CSV (berisi data biner)."))
        if utf8:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                utf8 = False
        lines += chunk.count(b"\n")
        last = chunk[-1:]
    if last != b"\n":
        lines += 1
    fileobj.seek(0)
    return ("utf-8-sig" if utf8 else "cp1252"), lines


def _csv_rows(fileobj: IO[bytes]) -> tuple[int, Iterator[tuple[int, RawRow]]]:
    encoding, lines = sniff_text_file(fileobj)
    # cp1252 leaves five bytes undefined; replace them rather than refuse a whole list.
    text = io.TextIOWrapper(fileobj, encoding=encoding, errors="replace", newline="")
    first_line = text.readline()
    if not first_line.strip():
        raise UnreadableFileError(_("File kosong atau tidak memiliki baris judul."))
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    header = next(csv.reader([first_line], delimiter=delimiter))
    positions = _column_positions(header)

    pick, last = _cell_picker(positions)

    def rows() -> Iterator[tuple[int, RawRow]]:
        reader = csv.reader(text, delimiter=delimiter)
        try:
            for number, cells in enumerate(reader, start=1):
                if not "".join(cells).strip():
                    continue
                if len(cells) <= last:
                    cells.extend([""] * (last + 1 - len(cells)))
                cells.append("")
                yield number, pick(cells)
        except csv.Error as error:
            raise UnreadableFileError(
                _("File CSV rusak sekitar baris %(line)s: %(error)s")
                % {"line": reader.line_num, "error": error}
            ) from None

    return max(lines - 1, 0), rows()


def _xlsx_rows(fileobj: IO[bytes]) -> tuple[int, Iterator[tuple[int, RawRow]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(fileobj, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        values = sheet.iter_rows(values_only=True)
        header = next(values, None)
    except Exception:  # openpyxl raises many kinds for a broken file
        raise UnreadableFileError(_("File XLSX tidak dapat dibaca atau rusak.")) from None
    if not header:
        raise UnreadableFileError(_("File kosong atau tidak memiliki baris judul."))
    positions = _column_positions(list(header))
    total = max((sheet.max_row or 1) - 1, 0)

    pick, last = _cell_picker(positions)

    def rows() -> Iterator[tuple[int, RawRow]]:
        try:
            for number, cells in enumerate(values, start=1):
                if not any(cell is not None and str(cell).strip() for cell in cells):
                    continue
                padded = [*cells, *([None] * (last + 1 - len(cells))), None]
                yield number, pick(padded)
        finally:
            workbook.close()

    return total, rows()


def is_xlsx(fileobj: IO[bytes], filename: str = "") -> bool:
    fileobj.seek(0)
    magic = fileobj.read(4)
    fileobj.seek(0)
    return magic == b"PK\x03\x04" or filename.lower().endswith(".xlsx")


def read_rows(
    fileobj: IO[bytes], *, filename: str = ""
) -> tuple[int, Iterator[tuple[int, RawRow]]]:
    """(estimated data row count, row iterator). Raises UnreadableFileError."""
    if is_xlsx(fileobj, filename):
        return _xlsx_rows(fileobj)
    return _csv_rows(fileobj)


def cell_text(value: object) -> str:
    """A cell as the partner typed it. Floats keep their repr, so 3.67301E+15 stays detectable."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()
