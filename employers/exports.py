"""CSV and XLSX exports of the filtered employer list, streamed so 100,000 rows fit in memory."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.exports import export_response

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


def _rows(queryset: QuerySet) -> Iterator[list]:
    fields = [name for name, _header in COLUMNS]
    identifiers = {"npp", "nib", "npwp"}
    for values in queryset.values_list(*fields).iterator(chunk_size=2000):
        row = []
        for name, value in zip(fields, values, strict=True):
            if name in _LABELS:
                value = str(_LABELS[name].get(value, value))
            elif name in identifiers and value is not None:
                # Identifiers stay text so Excel does not turn them into numbers.
                value = str(value)
            row.append("" if value is None else value)
        yield row


def employers_export(queryset: QuerySet, *, file_format: str) -> HttpResponseBase:
    """The filtered employer list as a CSV or XLSX download, headers in the requester's language."""
    return export_response(
        header=[_(header) for _name, header in COLUMNS],
        rows=_rows(queryset),
        file_format=file_format,
        filename=f"pemberi-kerja-{timezone.localdate():%Y%m%d}",
        sheet_title=_("Pemberi kerja"),
    )
