"""Downloads of tabular data as CSV or XLSX, made safe to open in a spreadsheet program.

Every export of the app goes through `export_response`, so formula escaping, the BOM, the
filename and the no-store header are decided once.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Iterator, Sequence

from django.http import FileResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook

EXPORT_FORMATS = ("csv", "xlsx")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# A cell starting with one of these is run as a formula by spreadsheet programs (CSV injection,
# OWASP "CSV Injection"); a leading apostrophe makes Excel and LibreOffice show it as text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell_escape(value: object) -> object:
    """The value, with a string that a spreadsheet would run as a formula turned into text."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _escaped(rows: Iterable[Sequence[object]]) -> Iterator[list[object]]:
    for row in rows:
        yield [cell_escape(value) for value in row]


class _Echo:
    """A file-like object for csv.writer that hands each line back instead of storing it."""

    def write(self, value: str) -> str:
        return value


def _csv_response(
    header: Sequence[str], rows: Iterable[Sequence[object]], filename: str
) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff"  # Excel opens UTF-8 CSV with the right encoding only after a BOM.
        yield writer.writerow([cell_escape(value) for value in header])
        for row in _escaped(rows):
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _xlsx_response(
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    filename: str,
    sheet_title: str,
    notes: Sequence[str] = (),
    notes_title: str = "notes",
) -> FileResponse:
    # write_only keeps memory flat for a million-row report; the workbook is staged on disk
    # because XLSX is a zip whose directory comes last, so it cannot be streamed as it is made.
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])  # Excel's limit on sheet names
    sheet.append([cell_escape(value) for value in header])
    for row in _escaped(rows):
        # openpyxl stores a string starting with "=" as a formula; escaped strings never do,
        # so every string cell is written with the string data type.
        sheet.append(row)
    if notes:
        notes_sheet = workbook.create_sheet(title=notes_title[:31])
        for line in notes:
            notes_sheet.append([cell_escape(line)])
    staged = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    workbook.save(staged)
    staged.seek(0)
    return FileResponse(
        staged, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
    )


def export_response(
    *,
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    file_format: str,
    filename: str,
    sheet_title: str = "data",
    notes: Sequence[str] = (),
    notes_title: str = "notes",
) -> StreamingHttpResponse | FileResponse:
    """`rows` (without the header) as a CSV or XLSX download named `filename` plus extension.

    `notes` (one line each) go to a second sheet of an XLSX; a CSV has room for one table only.

    Raises ValueError for another format: callers check the format they accept first.
    """
    if file_format == "csv":
        response = _csv_response(header, rows, f"{filename}.csv")
    elif file_format == "xlsx":
        response = _xlsx_response(
            header, rows, f"{filename}.xlsx", sheet_title, notes=notes, notes_title=notes_title
        )
    else:
        raise ValueError(f"unknown export format {file_format!r}")
    # Exports may hold personal data (names, NIKs): no browser or proxy cache keeps a copy.
    response["Cache-Control"] = "no-store, private"
    return response
