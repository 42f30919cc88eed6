"""The row report of a list as CSV or XLSX, streamed: a million-row report stays small in memory."""

from __future__ import annotations

import csv
import tempfile

from django.http import FileResponse, Http404, StreamingHttpResponse

from . import selectors
from .models import WorkerListSubmission


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(rows):
    writer = csv.writer(_Echo())
    # The BOM makes Excel open the UTF-8 file with the right encoding.
    yield "\ufeff"
    for row in rows:
        yield writer.writerow(row)


def _filename(submission: WorkerListSubmission, extension: str) -> str:
    return f"laporan-daftar-pekerja-{submission.pk}.{extension}"


def report_response(*, submission: WorkerListSubmission, report_format: str):
    rows = selectors.worker_list_report_rows(submission=submission)
    if report_format == "csv":
        response = StreamingHttpResponse(_csv_lines(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{_filename(submission, "csv")}"'
        return response
    if report_format == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("laporan")
        for row in rows:
            sheet.append(row)
        staged = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
        workbook.save(staged)
        staged.seek(0)
        return FileResponse(
            staged,
            as_attachment=True,
            filename=_filename(submission, "xlsx"),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    raise Http404
