"""CSV and XLSX exports of the filtered employer list, streamed so 100,000 rows fit in memory."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import Workbook

from .models import ComplianceStatus, Sector, SizeClass

# Marked for makemessages; translated when the file is written, in the requester's language.
COLUMNS = (
    ("npp", "NPP"),
    ("name", gettext_noop("Nama")),
    ("nib", "NIB"),
    ("npwp", "NPWP"),
    ("compliance_status", gettext_noop("Status kepatuhan")),
    ("sector", gettext_noop("Sektor")),
    ("size_class", gettext_noop("Skala")),
    ("regency__name", gettext_noop("Kab/kota")),
    ("district__name", gettext_noop("Kecamatan")),
    ("branch__name", gettext_noop("Kantor cabang")),
    ("reported_workers", gettext_noop("TK dilaporkan")),
    ("registered_workers", gettext_noop("TK terdaftar")),
    ("last_visited_on", gettext_noop("Kunjungan terakhir")),
)
_LABELS = {
    "compliance_status": dict(ComplianceStatus.choices),
    "sector": dict(Sector.choices),
    "size_class": dict(SizeClass.choices),
}


# A cell starting with one of these is run as a formula by spreadsheet programs (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe(value):
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _rows(queryset: QuerySet) -> Iterator[list]:
    fields = [name for name, _header in COLUMNS]
    for values in queryset.values_list(*fields).iterator(chunk_size=2000):
        row = []
        for name, value in zip(fields, values, strict=True):
            if name in _LABELS:
                value = str(_LABELS[name].get(value, value))
            row.append("" if value is None else _safe(value))
        yield row


def _filename(extension: str) -> str:
    return f"pemberi-kerja-{timezone.localdate():%Y%m%d}.{extension}"


class _Echo:
    def write(self, value: str) -> str:
        return value


def employers_csv(queryset: QuerySet) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff"  # Excel opens UTF-8 CSV correctly only with a BOM.
        yield writer.writerow([_(header) for _name, header in COLUMNS])
        for row in _rows(queryset):
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    return response


def employers_xlsx(queryset: QuerySet) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Pemberi kerja"))
    sheet.append([_(header) for _name, header in COLUMNS])
    for row in _rows(queryset):
        # Identifiers stay text so Excel does not turn them into numbers.
        sheet.append([str(v) if i in (0, 2, 3) else v for i, v in enumerate(row)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename("xlsx")}"'
    return response
