"""Build real worker-list files (CSV in several dialects, XLSX) for the tests."""

from __future__ import annotations

import csv
import datetime as dt
import io

from openpyxl import Workbook

from core.identifiers import nik_compose

HEADERS = ["nik", "full_name", "birth_date", "work_regency_code", "unit", "position"]
INDONESIAN_HEADERS = ["nik", "nama", "tanggal_lahir", "kode_kabkota", "unit_kerja", "jabatan"]
BIRTH = dt.date(1990, 4, 12)


def nik(serial: int, *, district: str = "36.73.01", birth: dt.date = BIRTH) -> str:
    return nik_compose(district_code=district, birth_date=birth, female=False, serial=serial)


def worker(serial: int, **overrides) -> dict[str, object]:
    values = {
        "nik": nik(serial),
        "full_name": f"Pekerja Sintetis {serial}",
        "birth_date": BIRTH.isoformat(),
        "work_regency_code": "36.73",
        "unit": "Dinas Uji",
        "position": "Staf",
    }
    values.update(overrides)
    return values


def csv_bytes(
    rows: list[dict[str, object]],
    *,
    headers: list[str] = HEADERS,
    delimiter: str = ",",
    encoding: str = "utf-8",
    bom: bool = False,
    blank_lines_after: tuple[int, ...] = (),
) -> bytes:
    text = io.StringIO(newline="")
    writer = csv.writer(text, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headers)
    for index, row in enumerate(rows, start=1):
        writer.writerow(["" if row.get(key) is None else row[key] for key in HEADERS])
        if index in blank_lines_after:
            text.write("\r\n")
    data = text.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def xlsx_bytes(rows: list[dict[str, object]], *, headers: list[str] = HEADERS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(key) for key in HEADERS])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
