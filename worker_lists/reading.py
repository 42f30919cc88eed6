"""Stream the rows of a staged worker-list file (CSV or XLSX) without holding the file in memory.

Yields one (row_number, values) pair per non-empty data row; `row_number` is the 1-based data
row number as in the file (blank lines are skipped but still counted, so row N is the line or
sheet row right after the header + N - 1, where the partner can find it). Each row also carries
its cells as typed and the file's SourceLayout, so the checker can keep what the report needs
to give the partner's own file back (validation.RowChecker.check decides what is kept).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import zipfile
from collections import deque
from collections.abc import Iterator
from operator import itemgetter
from typing import IO, NamedTuple

from django.utils.translation import gettext_lazy as _lazy

FIELDS = ("nik", "full_name", "birth_date", "work_regency_code", "unit", "position")
REQUIRED_FIELDS = ("nik", "full_name", "birth_date", "work_regency_code")
# The template's headers, in FIELDS order (Indonesian; HEADER_ALIASES reads them back).
TEMPLATE_HEADER = ("nik", "nama", "tanggal_lahir", "kode_kabkota", "unit_kerja", "jabatan")
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

# One data row's cells in FIELDS order (an absent optional column reads as "" in a CSV, None in
# an XLSX), then the code of a problem found while reading the row ("" or None for none), then
# the row's cells in the file's column order (a list at least SourceLayout.width long; what lies
# past the width is not the partner's) and the file's SourceLayout (None: nothing is kept).
RawRow = tuple[object, ...]


SOURCE_MAX_COLUMNS = 200


class SourceLayout(NamedTuple):
    """The columns of a file as the partner wrote them: the header (names and order, trailing
    unnamed columns dropped), where each template field was read from and which columns are the
    partner's own (extra) ones. Stored with the list (WorkerListSubmission.source_header) so the
    report can give the partner's file back."""

    header: list[str]
    positions: dict[str, int]
    extra_columns: tuple[int, ...]

    @property
    def width(self) -> int:
        return len(self.header)


def source_layout(header: list[object]) -> SourceLayout:
    """The layout of a header row. Raises UnreadableFileError if required columns are missing."""
    # A NUL cannot be stored (PostgreSQL's jsonb refuses it).
    names = [
        ("" if name is None else name if name.__class__ is str else cell_text(name)).replace(
            "\x00", ""
        )
        for name in header
    ]
    while names and not names[-1].strip():
        names.pop()
    positions = _column_positions(names)
    # A header running far to the right (a stray cell at XFD1) would make every row that many
    # cells wide: columns past SOURCE_MAX_COLUMNS (and past the template's) are not kept.
    del names[max(SOURCE_MAX_COLUMNS, max(positions.values()) + 1) :]
    read = set(positions.values())
    extra = tuple(index for index in range(len(names)) if index not in read)
    return SourceLayout(names, positions, extra)


class SourceRows:
    """The (row_number, RawRow) pairs of a file, with the file's layout."""

    def __init__(self, layout: SourceLayout, rows: Iterator[tuple[int, RawRow]]):
        self.layout = layout
        self._rows = rows

    def __iter__(self) -> Iterator[tuple[int, RawRow]]:
        return self._rows


# Why a whole file could not be read. The list stores the code (and its parameters), never the
# sentence, so the reason is shown in the reader's language (see failure_message).
FAILURE_MESSAGES = {
    "file_binary": _lazy("File bukan teks CSV (berisi data biner)."),
    "file_empty": _lazy("File kosong atau tidak memiliki baris judul."),
    "header_columns_missing": _lazy(
        "Kolom wajib tidak ditemukan pada baris judul: %(missing)s. Baris pertama harus "
        "berisi judul kolom: nik, nama, tanggal_lahir, kode_kabkota, unit_kerja, jabatan."
    ),
    "csv_broken": _lazy("File CSV rusak sekitar baris %(line)s: %(error)s"),
    "xlsx_unreadable": _lazy("File XLSX tidak dapat dibaca atau rusak."),
    "xlsx_too_large": _lazy(
        "File XLSX ditolak: isinya setelah dibuka %(size)s MB, melebihi batas %(limit)s MB "
        "atau %(ratio)s kali ukuran file. Simpan ulang daftar tanpa isi tambahan, atau kirim CSV."
    ),
    "xlsx_cell_too_long": _lazy(
        "File XLSX ditolak: sebuah sel berisi lebih dari %(limit)s karakter."
    ),
    "file_missing": _lazy("File daftar tidak ditemukan di penyimpanan."),
    "internal_error": _lazy("Terjadi kesalahan internal saat memproses daftar."),
    "attempts_exhausted": _lazy(
        "Pemrosesan terhenti berulang kali. Kirim ulang daftar dengan Idempotency-Key yang sama "
        "untuk mencoba lagi."
    ),
}


def failure_reason(code: str, **params: object) -> str:
    """The stored form of a failure: its code, then its parameters as JSON when it has any."""
    if code not in FAILURE_MESSAGES:
        raise ValueError(f"unknown failure code {code!r}")
    return f"{code} {json.dumps(params, ensure_ascii=False)}" if params else code


def failure_code(stored: str) -> str:
    """The code part of a stored reason ("" for none; lists failed before codes keep their text)."""
    code = stored.split(" ", 1)[0]
    return code if code in FAILURE_MESSAGES else ""


def failure_message(stored: str) -> str:
    """A stored failure reason as a sentence in the active language."""
    code, _space, params = stored.partition(" ")
    if code not in FAILURE_MESSAGES:
        return stored  # a reason stored as a sentence before codes were stored
    message = str(FAILURE_MESSAGES[code])
    if not params:
        return message
    try:
        return message % json.loads(params)
    except (ValueError, TypeError, KeyError):
        return message


class UnreadableFileError(ValueError):
    """The file cannot be read at all. `reason` is what the list stores (see failure_reason)."""

    def __init__(self, code: str, **params: object):
        self.code = code
        self.params = params
        self.reason = failure_reason(code, **params)
        super().__init__(self.reason)

    def __str__(self) -> str:
        return failure_message(self.reason)


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
        raise UnreadableFileError("header_columns_missing", missing=", ".join(missing))
    return positions


def _cell_picker(positions: dict[str, int]):
    """A C-speed getter of the FIELDS cells and the row's problem code, from a row that has two
    slots appended at its end: a blank (for absent optional columns) and the problem code.

    Absent optional columns point at the blank (index -2), so no per-row dict is built.
    """
    indices = [positions.get(field, -2) for field in FIELDS]
    return itemgetter(*indices, -1), max(positions.values())


def _looks_binary(chunk: bytes) -> bool:
    """A CSV holds no NUL byte, except by accident in a cell: NULs in the header line or in more
    than 1 in 100 bytes (a binary file, a UTF-16 export) mean the file is not text at all."""
    if b"\x00" not in chunk:
        return False
    return b"\x00" in chunk.split(b"\n", 1)[0] or chunk.count(b"\x00") * 100 > len(chunk)


def sniff_text_file(fileobj: IO[bytes]) -> tuple[str, int]:
    """One pass over the bytes: the encoding (UTF-8, else Windows-1252) and the line count."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8 = True
    lines = 0
    last = b"\n"
    fileobj.seek(0)
    first = True
    while chunk := fileobj.read(_CHUNK):
        if first and _looks_binary(chunk):
            raise UnreadableFileError("file_binary")
        first = False
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


class _Lines:
    """The physical lines of a text file, as csv.reader's source, with lines pushed back.

    csv.reader joins lines while a quote is open. No column of a worker list holds a line break,
    so a record that took more than one line is a quote left open: the lines it swallowed are
    pushed back and read again as the rows they are.
    """

    def __init__(self, text: IO[str]):
        self.readline = text.readline
        self.pending: deque[str] = deque()
        self.consumed: list[str] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self.pending.popleft() if self.pending else self.readline()
        if not line:
            raise StopIteration
        self.consumed.append(line)
        return line


def _csv_open(fileobj: IO[bytes]) -> tuple[int, list[str], Iterator[tuple[int, list[str], str]]]:
    """(line count, header cells, records): each non-blank record as (data row number, cells,
    problem code or "")."""
    encoding, lines = sniff_text_file(fileobj)
    # cp1252 leaves five bytes undefined; replace them rather than refuse a whole list.
    text = io.TextIOWrapper(fileobj, encoding=encoding, errors="replace", newline="")
    first_line = text.readline()
    if not first_line.strip():
        raise UnreadableFileError("file_empty")
    delimiter = _delimiter(first_line)
    header = next(csv.reader([first_line], delimiter=delimiter))

    def records() -> Iterator[tuple[int, list[str], str]]:
        source = _Lines(text)
        reader = csv.reader(source, delimiter=delimiter)
        number = 0
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                raise UnreadableFileError("csv_broken", line=number + 2, error=str(error)) from None
            number += 1
            consumed = source.consumed
            problem = ""
            if len(consumed) > 1:
                problem = "row_spans_lines"
                cells = next(csv.reader([consumed[0].rstrip("\r\n")], delimiter=delimiter))
                source.pending.extendleft(reversed(consumed[1:]))
            consumed.clear()
            if not "".join(cells).strip():
                continue
            yield number, cells, problem

    return lines, header, records()


def _csv_rows(fileobj: IO[bytes]) -> tuple[int, SourceRows]:
    lines, header, records = _csv_open(fileobj)
    layout = source_layout(header)
    pick, last = _cell_picker(layout.positions)
    width = max(layout.width, last + 1)

    def rows() -> Iterator[tuple[int, RawRow]]:
        for number, cells, problem in records:
            if len(cells) < width:
                cells.extend([""] * (width - len(cells)))
            cells.append("")
            cells.append(problem)
            yield number, pick(cells) + (cells, layout)

    return max(lines - 1, 0), SourceRows(layout, rows())


def _delimiter(first_line: str) -> str:
    return ";" if first_line.count(";") > first_line.count(",") else ","


# Limits on what an XLSX (a zip of XML) may unpack to, checked on the zip's directory before
# anything is inflated. A real list compresses about 5-10 to 1 (a million rows: ~50 MB of zip,
# ~400 MB of XML); a decompression bomb compresses a thousand to one or more.
XLSX_MAX_UNCOMPRESSED_BYTES = 1 << 30
XLSX_MAX_RATIO = 100
_XLSX_RATIO_FROM_BYTES = 16 << 20
# Excel's own limit on the characters of one cell.
XLSX_MAX_CELL_CHARS = 32_767


def _xlsx_guard(fileobj: IO[bytes]) -> None:
    """Refuse a zip whose members declare too much content. zipfile never inflates a member
    beyond its declared size (the CRC check fails first), so the declaration can be trusted."""
    try:
        with zipfile.ZipFile(fileobj) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UnreadableFileError("xlsx_unreadable") from None
    finally:
        fileobj.seek(0)
    size = sum(member.file_size for member in members)
    packed = max(sum(member.compress_size for member in members), 1)
    if size > XLSX_MAX_UNCOMPRESSED_BYTES or (
        size > _XLSX_RATIO_FROM_BYTES and size > XLSX_MAX_RATIO * packed
    ):
        raise UnreadableFileError(
            "xlsx_too_large",
            size=size // (1 << 20),
            limit=XLSX_MAX_UNCOMPRESSED_BYTES // (1 << 20),
            ratio=XLSX_MAX_RATIO,
        )


def _xlsx_open(fileobj: IO[bytes]):
    """(workbook, first sheet, header cells) of a guarded XLSX."""
    from openpyxl import load_workbook

    _xlsx_guard(fileobj)
    try:
        # openpyxl parses with defusedxml when it is installed (it is a requirement).
        workbook = load_workbook(fileobj, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        shared = getattr(sheet, "_shared_strings", None)  # what openpyxl read from the file
        if shared and max(map(len, shared)) > XLSX_MAX_CELL_CHARS:
            workbook.close()
            raise UnreadableFileError("xlsx_cell_too_long", limit=XLSX_MAX_CELL_CHARS)
        declared_rows = sheet.max_row or 1
        # The declared dimension may name a far corner (XFD1048576) that holds nothing: read the
        # rows that exist, and only as many columns as the header has.
        sheet.reset_dimensions()
        header = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), None)
    except UnreadableFileError:
        raise
    except Exception:  # openpyxl raises many kinds for a broken file
        raise UnreadableFileError("xlsx_unreadable") from None
    return workbook, sheet, header, declared_rows


def _sheet_rows(workbook, sheet, width: int) -> Iterator[tuple[int, list[object]]]:
    """(sheet row number, the first `width` values) of each data row the sheet holds.

    openpyxl's iter_rows fills every missing row up to the next one that exists, so one cell
    at XFD1048576 costs a million empty rows; its sheet parser yields only the rows the file
    has (openpyxl is pinned, so this use of its worksheet internals is checked by the tests).
    """
    from openpyxl.worksheet._reader import WorkSheetParser

    with sheet._get_source() as source:
        parser = WorkSheetParser(
            source,
            sheet._shared_strings,
            data_only=True,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        for index, cells in parser.parse():
            if index < 2:
                continue
            values: list[object] = [None] * width
            for cell in cells:
                column = cell["column"]
                if column <= width:
                    values[column - 1] = cell["value"]
            yield index, values


def _xlsx_rows(fileobj: IO[bytes]) -> tuple[int, SourceRows]:
    workbook, sheet, header, declared_rows = _xlsx_open(fileobj)
    if not header or not any(cell is not None and str(cell).strip() for cell in header):
        workbook.close()
        raise UnreadableFileError("file_empty")
    try:
        layout = source_layout(list(header))
    except UnreadableFileError:
        workbook.close()
        raise
    pick, last = _cell_picker(layout.positions)
    values = _sheet_rows(workbook, sheet, max(layout.width, last + 1))

    def rows() -> Iterator[tuple[int, RawRow]]:
        try:
            for index, cells in values:
                if not any(cell is not None and str(cell).strip() for cell in cells):
                    continue
                cells.append(None)
                cells.append(None)
                yield index - 1, pick(cells) + (cells, layout)
        except UnreadableFileError:
            raise
        except Exception:  # a sheet broken past its header
            raise UnreadableFileError("xlsx_unreadable") from None
        finally:
            workbook.close()

    return max(declared_rows - 1, 0), SourceRows(layout, rows())


def _xlsx_records(fileobj: IO[bytes]) -> tuple[list[object], Iterator[tuple[int, list[object]]]]:
    workbook, sheet, header, _declared_rows = _xlsx_open(fileobj)
    header = list(header or ())
    values = _sheet_rows(workbook, sheet, max(len(header), 1))

    def records() -> Iterator[tuple[int, list[object]]]:
        try:
            for index, cells in values:
                if any(cell is not None and str(cell).strip() for cell in cells):
                    yield index - 1, cells
        finally:
            workbook.close()

    return header, records()


def printable_filename(name: str | None) -> str:
    """The uploaded file's name without control characters (a NUL cannot be stored) or lone
    surrogates, cut to the column's 255 characters."""
    name = "".join(ch for ch in (name or "") if ch.isprintable() and not "\ud800" <= ch <= "\udfff")
    return name[:255]


def is_xlsx(fileobj: IO[bytes], filename: str = "") -> bool:
    fileobj.seek(0)
    magic = fileobj.read(4)
    fileobj.seek(0)
    return magic == b"PK\x03\x04" or filename.lower().endswith(".xlsx")


def read_rows(fileobj: IO[bytes], *, filename: str = "") -> tuple[int, SourceRows]:
    """(estimated data row count, rows with the file's layout). Raises UnreadableFileError."""
    if is_xlsx(fileobj, filename):
        return _xlsx_rows(fileobj)
    return _csv_rows(fileobj)


# What submission checks at once; a larger XLSX has its header read by the worker.
_HEADER_CHECK_XLSX_BYTES = 4 << 20
_HEADER_CHECK_CSV_BYTES = 64 << 10


def check_header(fileobj: IO[bytes], *, filename: str = "", size: int | None = None) -> None:
    """Raise UnreadableFileError if the file is empty, binary or has no usable header row.

    Cheap enough for the request that submits the file: a CSV's first 64 KB, the zip directory
    of an XLSX (and its header when the file is small). The worker reads the rest.
    """
    try:
        if is_xlsx(fileobj, filename):
            if size is not None and size > _HEADER_CHECK_XLSX_BYTES:
                _xlsx_guard(fileobj)
                return
            workbook, _sheet, header, _rows = _xlsx_open(fileobj)
            workbook.close()
            if not header or not any(cell is not None and str(cell).strip() for cell in header):
                raise UnreadableFileError("file_empty")
            _column_positions(list(header))
            return
        head = fileobj.read(_HEADER_CHECK_CSV_BYTES)
        if not head.strip(b" \t\r\n\xef\xbb\xbf"):
            raise UnreadableFileError("file_empty")
        if _looks_binary(head):
            raise UnreadableFileError("file_binary")
        first_line = head.split(b"\n", 1)[0]
        try:
            text = first_line.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = first_line.decode("cp1252", errors="replace")
        if not text.strip():
            raise UnreadableFileError("file_empty")
        _column_positions(next(csv.reader([text.rstrip("\r")], delimiter=_delimiter(text))))
    finally:
        fileobj.seek(0)


def cell_text(value: object) -> str:
    """A cell as the partner typed it. Floats keep their repr, so 3.67301E+15 stays detectable."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()
