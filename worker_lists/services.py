"""Writes for worker lists: accept a submission, then process it (read, check, load, classify).

Processing is set-based: rows are checked in plain Python while streaming the file, bulk-loaded
(COPY on PostgreSQL, bulk_create elsewhere), then classified and turned into leads by a handful of
SQL statements. Every step is safe to run again: a re-run after a crash yields the same rows,
counts and leads.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import tempfile
import uuid
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import IO

from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from participants.models import EnrollmentLead, LeadStatus, Participant, ParticipantStatus
from regions.models import BranchRegency, District, Regency

from .models import (
    OUTCOMES,
    RowOutcome,
    SourceFormat,
    SubmissionStatus,
    WorkerListRow,
    WorkerListSubmission,
)
from .reading import FIELDS, UnreadableFileError, is_xlsx, read_rows
from .validation import CheckedRow, RowChecker

_HASH_CHUNK = 1 << 20


class IdempotencyConflictError(Exception):
    """The Idempotency-Key was already used for a different list."""

    def __init__(self, submission: WorkerListSubmission):
        self.submission = submission
        super().__init__(submission.pk)


class SubmissionInputError(ValueError):
    """Bad request input; `field` names the offending field (and row) for the 400 answer."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


def _file_hash(*, reference: str, fileobj: IO[bytes]) -> str:
    digest = hashlib.sha256(reference.encode() + b"\x00")
    fileobj.seek(0)
    while chunk := fileobj.read(_HASH_CHUNK):
        digest.update(chunk)
    fileobj.seek(0)
    return digest.hexdigest()


def _rows_to_csv(rows: object) -> IO[bytes]:
    """Stage JSON rows as a UTF-8 CSV with canonical headers, so one reader serves every format."""
    if not isinstance(rows, list):
        raise SubmissionInputError("rows", _("Harus berupa daftar (array) baris."))
    staged = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - returned
    text = io.TextIOWrapper(staged, encoding="utf-8", newline="", write_through=True)
    writer = csv.writer(text)
    writer.writerow(FIELDS)
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            raise SubmissionInputError(
                f"rows[{index}]", _("Baris %(row)s harus berupa objek JSON.") % {"row": index + 1}
            )
        writer.writerow(["" if row.get(field) is None else str(row[field]) for field in FIELDS])
    text.detach()
    staged.seek(0)
    return staged


def _existing_for_key(
    *, agency_id: int, idempotency_key: str, content_hash: str
) -> WorkerListSubmission | None:
    existing = WorkerListSubmission.objects.filter(
        agency_id=agency_id, idempotency_key=idempotency_key
    ).first()
    if existing is not None and existing.content_hash != content_hash:
        raise IdempotencyConflictError(existing)
    return existing


def worker_list_submit(
    *,
    agency,
    reference: str,
    fileobj: IO[bytes] | None = None,
    filename: str = "",
    rows: object = None,
    idempotency_key: str = "",
    submitted_by_user=None,
    submitted_by_key=None,
) -> tuple[WorkerListSubmission, bool]:
    """Stage a list and queue its processing. Returns (submission, created).

    With an Idempotency-Key already used by this agency: the same content returns the original
    submission (created=False); different content raises IdempotencyConflictError.
    """
    reference = (reference or "").strip()
    if not reference:
        raise SubmissionInputError("reference", _("Referensi wajib diisi."))
    if len(reference) > 200:
        raise SubmissionInputError("reference", _("Referensi paling banyak 200 karakter."))
    idempotency_key = (idempotency_key or "").strip()[:200]
    if fileobj is None:
        fileobj = _rows_to_csv(rows)
        filename = ""
    content_hash = _file_hash(reference=reference, fileobj=fileobj)
    if idempotency_key:
        existing = _existing_for_key(
            agency_id=agency.pk, idempotency_key=idempotency_key, content_hash=content_hash
        )
        if existing is not None:
            return existing, False

    source_format = SourceFormat.XLSX if is_xlsx(fileobj, filename) else SourceFormat.CSV
    submission = WorkerListSubmission(
        agency=agency,
        reference=reference,
        idempotency_key=idempotency_key,
        content_hash=content_hash,
        source_format=source_format,
        original_filename=(filename or "")[:255],
        submitted_by_user=submitted_by_user,
        submitted_by_key=submitted_by_key,
    )
    submission.file.save(f"{uuid.uuid4().hex}.{source_format}", File(fileobj), save=False)
    try:
        with transaction.atomic():
            submission.save()
            transaction.on_commit(lambda: _enqueue(submission.pk))
    except IntegrityError:
        # Another request with the same Idempotency-Key won the race; answer as it would.
        submission.file.delete(save=False)
        existing = _existing_for_key(
            agency_id=agency.pk, idempotency_key=idempotency_key, content_hash=content_hash
        )
        if existing is None:
            raise
        return existing, False
    return submission, True


def _enqueue(submission_id: int) -> None:
    from .tasks import worker_list_process_task

    worker_list_process_task.delay(submission_id)


# --- processing -------------------------------------------------------------------------------


def _batched(iterable: Iterable, size: int) -> Iterator[list]:
    iterator = iter(iterable)
    while batch := list(islice(iterator, size)):
        yield batch


def _row_values(submission_id: int, row: CheckedRow) -> tuple:
    return (
        submission_id,
        row.row_number,
        row.nik,
        row.full_name,
        row.birth_date,
        row.regency_code,
        row.unit,
        row.position,
        RowOutcome.INVALID.value if row.errors else "",
        json.dumps(row.errors),
    )


_ROW_COLUMNS = (
    "submission_id",
    "row_number",
    "nik",
    "full_name",
    "birth_date",
    "regency_code",
    "unit",
    "position",
    "outcome",
    "errors",
)


def _load_batch(submission_id: int, rows: list[CheckedRow]) -> None:
    """One batch of checked rows into the row table, in one statement, committed on its own."""
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(WorkerListRow._meta.db_table)
        columns = ", ".join(_ROW_COLUMNS)
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(_row_values(submission_id, row))
        return
    WorkerListRow.objects.bulk_create(
        [
            WorkerListRow(
                submission_id=submission_id,
                row_number=row.row_number,
                nik=row.nik,
                full_name=row.full_name,
                birth_date=row.birth_date,
                regency_code=row.regency_code,
                unit=row.unit,
                position=row.position,
                outcome=RowOutcome.INVALID if row.errors else "",
                errors=row.errors,
            )
            for row in rows
        ],
        batch_size=2000,
    )


def _checker() -> RowChecker:
    return RowChecker(
        known_district_codes=set(District.objects.values_list("code", flat=True)),
        known_regency_codes=set(Regency.objects.values_list("code", flat=True)),
    )


def _classify_and_create_leads(submission: WorkerListSubmission) -> dict[str, int]:
    """Duplicates, participant matches and leads for one submission, in a few SQL statements."""
    row = connection.ops.quote_name(WorkerListRow._meta.db_table)
    participant = connection.ops.quote_name(Participant._meta.db_table)
    lead = connection.ops.quote_name(EnrollmentLead._meta.db_table)
    branch_regency = connection.ops.quote_name(BranchRegency._meta.db_table)
    sid = submission.pk
    with connection.cursor() as cursor:
        # A NIK counts once per list: the first valid row wins, later ones are duplicates.
        cursor.execute(
            f"""
            UPDATE {row} SET outcome = %s
            WHERE id IN (
                SELECT id FROM (
                    SELECT id, ROW_NUMBER() OVER (PARTITION BY nik ORDER BY row_number) AS seen
                    FROM {row} WHERE submission_id = %s AND outcome = ''
                ) ranked
                WHERE seen > 1
            )
            """,
            [RowOutcome.DUPLICATE_IN_LIST, sid],
        )
        cursor.execute(
            f"""
            UPDATE {row}
            SET outcome = CASE WHEN p.status = %s THEN %s ELSE %s END
            FROM {participant} p
            WHERE {row}.submission_id = %s AND {row}.outcome = '' AND p.nik = {row}.nik
            """,
            [ParticipantStatus.ACTIVE, RowOutcome.ALREADY_COVERED, RowOutcome.LAPSED, sid],
        )
        cursor.execute(
            f"UPDATE {row} SET outcome = %s WHERE submission_id = %s AND outcome = ''",
            [RowOutcome.NEW_LEAD, sid],
        )
        # The unique (nik, agency) constraint decides races between lists processed at the same
        # time; inserting in NIK order keeps two such transactions from deadlocking each other.
        cursor.execute(
            f"""
            INSERT INTO {lead} (
                nik, full_name, birth_date, agency_id, work_regency_id, branch_id, unit,
                position, status, created_at, first_submission_id
            )
            SELECT r.nik, r.full_name, r.birth_date, %s, r.regency_code, br.branch_id, r.unit,
                   r.position, %s, %s, %s
            FROM {row} r
            LEFT JOIN {branch_regency} br ON br.regency_id = r.regency_code AND br.is_primary
            WHERE r.submission_id = %s AND r.outcome = %s
            ORDER BY r.nik
            ON CONFLICT (nik, agency_id) DO NOTHING
            """,
            [submission.agency_id, LeadStatus.NEW, timezone.now(), sid, sid, RowOutcome.NEW_LEAD],
        )
        cursor.execute(
            f"SELECT outcome, COUNT(*) FROM {row} WHERE submission_id = %s GROUP BY outcome",
            [sid],
        )
        found = dict(cursor.fetchall())
    return {outcome: found.get(outcome, 0) for outcome in OUTCOMES}


def _fail(submission_id: int, reason: str) -> None:
    WorkerListRow.objects.filter(submission_id=submission_id).delete()
    WorkerListSubmission.objects.filter(pk=submission_id).update(
        status=SubmissionStatus.FAILED,
        failure_reason=reason,
        processed_rows=0,
        total_rows=0,
        finished_at=timezone.now(),
    )


def worker_list_process(*, submission_id: int) -> WorkerListSubmission:
    """Read, check, load and classify one list. Idempotent: it starts from a clean slate.

    Loading commits batch by batch so progress is visible while it runs; the outcome, the leads and
    the `done` status are written together in one transaction at the end.
    """
    submission = WorkerListSubmission.objects.get(pk=submission_id)
    WorkerListRow.objects.filter(submission_id=submission_id).delete()
    WorkerListSubmission.objects.filter(pk=submission_id).update(
        status=SubmissionStatus.PROCESSING,
        started_at=timezone.now(),
        finished_at=None,
        failure_reason="",
        processed_rows=0,
        total_rows=0,
        **{f"count_{outcome}": 0 for outcome in OUTCOMES},
    )
    checker = _checker()
    processed = 0
    try:
        with submission.file.open("rb") as fileobj:
            estimate, rows = read_rows(fileobj, filename=submission.original_filename)
            total = estimate
            WorkerListSubmission.objects.filter(pk=submission_id).update(total_rows=estimate)
            for batch in _batched(rows, settings.WORKER_LIST_BATCH_ROWS):
                _load_batch(submission_id, [checker.check(number, raw) for number, raw in batch])
                processed += len(batch)
                total = max(total, processed)
                WorkerListSubmission.objects.filter(pk=submission_id).update(
                    processed_rows=processed, total_rows=total
                )
    except UnreadableFileError as error:
        _fail(submission_id, str(error))
        return WorkerListSubmission.objects.get(pk=submission_id)
    except FileNotFoundError:
        _fail(submission_id, _("File daftar tidak ditemukan di penyimpanan."))
        return WorkerListSubmission.objects.get(pk=submission_id)

    with transaction.atomic():
        counts = _classify_and_create_leads(submission)
        WorkerListSubmission.objects.filter(pk=submission_id).update(
            status=SubmissionStatus.DONE,
            finished_at=timezone.now(),
            processed_rows=processed,
            total_rows=processed,
            **{f"count_{outcome}": counts[outcome] for outcome in OUTCOMES},
        )
    return WorkerListSubmission.objects.get(pk=submission_id)
