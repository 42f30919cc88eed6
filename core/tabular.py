"""Read small administrative tables (CSV or XLSX) into dictionaries keyed by lower-case header.

For reference imports of hundreds or thousands of rows (offices, workforce figures); the partner
worker-list pipeline streams its much larger files separately.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from openpyxl import load_workbook


class TableReadError(ValueError):
    pass


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableReadError("file is neither UTF-8 nor Windows-1252 text")


def _csv_rows(text: str) -> Iterator[dict[str, str]]:
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    if not reader.fieldnames:
        raise TableReadError("file has no header row")
    reader.fieldnames = [name.strip().lower() for name in reader.fieldnames]
    for row in reader:
        if any((value or "").strip() for value in row.values()):
            yield {key: (value or "").strip() for key, value in row.items() if key}


def _xlsx_rows(data: bytes) -> Iterator[dict[str, str]]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise TableReadError(f"not a readable XLSX file ({error.__class__.__name__})") from None
    rows = workbook.active.iter_rows(values_only=True)
    header = next(rows, None)
    if not header:
        raise TableReadError("file has no header row")
    names = [str(cell or "").strip().lower() for cell in header]
    for values in rows:
        cells = ["" if value is None else str(value).strip() for value in values]
        if any(cells):
            yield {name: cell for name, cell in zip(names, cells, strict=False) if name}


def read_table(source: str | Path | bytes, *, filename: str = "") -> list[dict[str, str]]:
    if isinstance(source, (str, Path)):
        filename = filename or str(source)
        source = Path(source).read_bytes()
    if filename.lower().endswith(".xlsx") or source[:2] == b"PK":
        return list(_xlsx_rows(source))
    return list(_csv_rows(_decode(source)))
