"""The row report of a list as CSV or XLSX, streamed: a million-row report stays small in memory."""

from __future__ import annotations

from django.http import Http404
from django.http.response import HttpResponseBase

from core.exports import EXPORT_FORMATS, export_response

from . import selectors
from .models import WorkerListSubmission


def report_response(*, submission: WorkerListSubmission, report_format: str) -> HttpResponseBase:
    if report_format not in EXPORT_FORMATS:
        raise Http404
    # Names and units are typed by partner agencies: the export helper escapes any that a
    # spreadsheet would run as a formula.
    return export_response(
        header=selectors.REPORT_HEADER,
        rows=selectors.worker_list_report_rows(submission=submission),
        file_format=report_format,
        filename=f"laporan-daftar-pekerja-{submission.pk}",
        sheet_title="laporan",
    )
