"""A list's report and its "fix these rows" file, as CSV or XLSX, streamed.

Both give the partner's file back from what the list stored (the raw file is deleted once the
list is done: UU PDP, personal data kept no longer than needed): the file's own header, columns
and column order, the partner's extra columns included, and the cells of invalid rows as they
were typed (a date that was no date stays what it was), from the list's source_header and the
rows' source_cells. Those are kept WORKER_LIST_SOURCE_CELLS_DAYS only; lists past that (and
lists checked before they were kept) fall back to the template's headers with the checked
values. The report adds the spreadsheet row number, the outcome (label and code), the row a
duplicate repeats and the errors. The fix file holds the invalid rows only, with their errors in
trailing columns the reader ignores, so it can be corrected and submitted again as it is. NIKs
are masked for roles without SEE_FULL_NIK, typed ones included.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.http import Http404
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _

from accounts.permissions import Ability, can
from core.exports import EXPORT_FORMATS, export_response
from core.identifiers import mask_nik

from . import selectors
from .models import RowOutcome, WorkerListSubmission
from .reading import FIELDS, TEMPLATE_HEADER, SourceLayout, UnreadableFileError, source_layout
from .validation import error_message

# The template's headers: a fix file with them reads back as a list.
_STORED_HEADER = list(TEMPLATE_HEADER)


# _stored_cells gives the fields in FIELDS order; source_cells ends a report row.
_FIELD_INDEX = {field: index for index, field in enumerate(FIELDS)}
_SOURCE_CELLS = 10


def _stored_cells(row: tuple) -> list[str]:
    _number, nik, name, birth_date, regency, unit, position, *_rest = row
    return [nik, name, birth_date.isoformat() if birth_date else "", regency, unit, position]


def _layout(submission: WorkerListSubmission) -> SourceLayout | None:
    """The file's columns while they are kept (None: past WORKER_LIST_SOURCE_CELLS_DAYS, or a
    list checked before they were kept)."""
    if not submission.source_header:
        return None
    try:
        return source_layout(submission.source_header)
    except UnreadableFileError:  # cannot happen for a header that was read; be safe anyway
        return None


def _file_cells(layout: SourceLayout, row: tuple) -> list[str]:
    """A row in the file's columns: all cells as typed when the row kept them (an invalid row),
    else the checked values in the template's columns and the kept extra columns."""
    kept = row[_SOURCE_CELLS]
    width = layout.width
    if kept is not None and len(kept) == width:
        return kept
    cells = [""] * width
    stored = _stored_cells(row)
    for field, index in layout.positions.items():
        cells[index] = stored[_FIELD_INDEX[field]]
    if kept is not None and len(kept) == len(layout.extra_columns):
        for index, value in zip(layout.extra_columns, kept, strict=True):
            cells[index] = value
    return cells


def _original(submission: WorkerListSubmission, rows: Iterator[tuple]):
    """(header, NIK column, [(stored row, its cells)]): the file's own columns while they are
    kept, else the template's."""
    layout = _layout(submission)
    if layout is None:
        return _STORED_HEADER, 0, ((row, _stored_cells(row)) for row in rows)
    return (
        layout.header,
        layout.positions["nik"],
        ((row, _file_cells(layout, row)) for row in rows),
    )


def _errors_text(errors: list[dict[str, str]]) -> tuple[str, str]:
    return (
        " ".join(error["code"] for error in errors),
        "; ".join(f"{error['field']}: {error_message(error['code'])}" for error in errors),
    )


def _masked(cells: list[str], nik_column: int | None, full_nik: bool) -> list[str]:
    if full_nik or nik_column is None or nik_column >= len(cells):
        return cells
    return [*cells[:nik_column], mask_nik(cells[nik_column]), *cells[nik_column + 1 :]]


def report_response(
    *, submission: WorkerListSubmission, report_format: str, user
) -> HttpResponseBase:
    if report_format not in EXPORT_FORMATS:
        raise Http404
    full_nik = can(user, Ability.SEE_FULL_NIK)
    header, nik_column, rows = _original(
        submission, selectors.worker_list_report_rows(submission=submission)
    )

    def lines() -> Iterator[list[object]]:
        for row, cells in rows:
            outcome, errors, first_row = row[7], row[8], row[9]
            codes, messages = _errors_text(errors)
            repeats = first_row + 1 if outcome == RowOutcome.DUPLICATE_IN_LIST and first_row else ""
            yield [
                row[0] + 1,
                *_masked(cells, nik_column, full_nik),
                str(RowOutcome(outcome).label) if outcome in RowOutcome.values else outcome,
                outcome,
                repeats,
                codes,
                messages,
            ]

    # Names and units are typed by partner agencies: the export helper escapes any that a
    # spreadsheet would run as a formula.
    return export_response(
        header=[
            _("baris_excel"),
            *header,
            _("hasil"),
            _("kode_hasil"),
            _("ganda_dari_baris"),
            _("kode_kesalahan"),
            _("kesalahan"),
        ],
        rows=lines(),
        file_format=report_format,
        filename=f"laporan-daftar-pekerja-{submission.pk}",
        sheet_title=_("laporan"),
    )


def fix_rows_response(
    *, submission: WorkerListSubmission, report_format: str, user
) -> HttpResponseBase:
    if report_format not in EXPORT_FORMATS:
        raise Http404
    full_nik = can(user, Ability.SEE_FULL_NIK)
    header, nik_column, rows = _original(
        submission, selectors.worker_list_report_rows(submission=submission, invalid_only=True)
    )

    def lines() -> Iterator[list[object]]:
        for row, cells in rows:
            _codes, messages = _errors_text(row[8])
            yield [*_masked(cells, nik_column, full_nik), row[0] + 1, messages]

    return export_response(
        header=[*header, _("baris_asal_excel"), _("kesalahan")],
        rows=lines(),
        file_format=report_format,
        filename=f"perbaiki-daftar-pekerja-{submission.pk}",
        sheet_title=_("perbaiki"),
    )


# The template's example: a synthetic worker (the NIK is made up and valid in form only).
_TEMPLATE_EXAMPLE = [
    "3673011204900001",
    "CONTOH - hapus baris ini",
    "12/04/1990",
    "3673",
    "Dinas Pendidikan",
    "Guru honorer",
]


def template_response(*, file_format: str) -> HttpResponseBase:
    """An empty list to fill in: the headers, one example row and (XLSX) a notes sheet."""
    if file_format not in EXPORT_FORMATS:
        raise Http404
    notes = [
        _("Cara mengisi daftar pekerja non-ASN"),
        _("Baris 1 berisi judul kolom; jangan diubah. Satu pekerja per baris mulai baris 2."),
        _("Hapus baris contoh sebelum mengirim."),
        _("nik: 16 angka. Format kolom sebagai Teks agar tidak berubah menjadi 3,67301E+15."),
        _("nama: nama lengkap, paling banyak 150 karakter."),
        _("tanggal_lahir: HH/BB/TTTT (12/04/1990), TTTT-BB-HH atau sel tanggal; tahun 4 angka."),
        _("kode_kabkota: kode Kemendagri kab/kota tempat kerja, 36.73 atau 3673."),
        _("unit_kerja dan jabatan: boleh kosong, paling banyak 200 karakter."),
        _("CSV: UTF-8 atau Windows-1252, pemisah koma atau titik koma. XLSX: lembar pertama."),
    ]
    return export_response(
        header=_STORED_HEADER,
        rows=[_TEMPLATE_EXAMPLE],
        file_format=file_format,
        filename="templat-daftar-pekerja",
        sheet_title=_("daftar"),
        notes=notes,
        notes_title=_("petunjuk"),
    )
