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
from django.db.models import Count
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

_STAGING_COLUMNS = (
    "row_number",
    "nik",
    "full_name",
    "birth_date",
    "regency_code",
    "unit",
    "position",
    "invalid",
    "errors",
)
_NO_ERRORS = "[]"


def _batched(iterable: Iterable, size: int) -> Iterator[list]:
    iterator = iter(iterable)
    while batch := list(islice(iterator, size)):
        yield batch


def _staging_table(submission_id: int) -> str:
    return connection.ops.quote_name(f"worker_list_staging_{submission_id}")


def _staging_create(submission_id: int) -> str:
    """A session-local table without indexes or WAL: checked rows wait there until classified."""
    table = _staging_table(submission_id)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {table} (row_number integer NOT NULL, nik text NOT NULL, "
            "full_name text NOT NULL, birth_date date, regency_code text NOT NULL, "
            "unit text NOT NULL, position text NOT NULL, invalid boolean NOT NULL, "
            "errors text NOT NULL)"
        )
    return table


def _staging_drop(submission_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {_staging_table(submission_id)}")


def _staging_values(row: CheckedRow) -> tuple:
    errors = row.errors
    if errors is None:
        return (*row[:7], False, _NO_ERRORS)
    return (*row[:7], True, json.dumps(errors))


def _staging_load(table: str, rows: list[CheckedRow]) -> None:
    """One batch of checked rows into staging: COPY on PostgreSQL, executemany elsewhere."""
    columns = ", ".join(_STAGING_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(_staging_values(row))
            return
        placeholders = ", ".join(["%s"] * len(_STAGING_COLUMNS))
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({placeholders})",
            [_staging_values(row) for row in rows],
        )


def _checker() -> RowChecker:
    return RowChecker(
        known_district_codes=set(District.objects.values_list("code", flat=True)),
        known_regency_codes=set(Regency.objects.values_list("code", flat=True)),
    )


def _rows_insert_classified(submission: WorkerListSubmission, staging: str) -> None:
    """Staging -> row table in one statement that decides every outcome on the way.

    The first valid row of a NIK wins, later valid ones are duplicates; an invalid row never
    makes a later valid one a duplicate. Then the NIK is matched against participants.
    """
    row = connection.ops.quote_name(WorkerListRow._meta.db_table)
    participant = connection.ops.quote_name(Participant._meta.db_table)
    errors = "s.errors::jsonb" if connection.vendor == "postgresql" else "s.errors"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Temporary tables get no statistics by themselves; without them the planner
            # guesses a tiny table and picks a nested loop over a million participants.
            cursor.execute(f"ANALYZE {staging}")
        cursor.execute(f"DELETE FROM {row} WHERE submission_id = %s", [submission.pk])
        cursor.execute(
            f"""
            INSERT INTO {row} (
                submission_id, row_number, nik, full_name, birth_date, regency_code, unit,
                position, outcome, errors
            )
            SELECT %s, s.row_number, s.nik, s.full_name, s.birth_date, s.regency_code, s.unit,
                   s.position,
                   CASE WHEN s.invalid THEN %s
                        WHEN s.row_number > f.first_row THEN %s
                        WHEN p.status = %s THEN %s
                        WHEN p.status IS NOT NULL THEN %s
                        ELSE %s END,
                   {errors}
            FROM {staging} s
            LEFT JOIN (
                SELECT nik, MIN(row_number) AS first_row
                FROM {staging} WHERE NOT invalid GROUP BY nik
            ) f ON f.nik = s.nik AND NOT s.invalid
            LEFT JOIN {participant} p ON p.nik = s.nik AND NOT s.invalid
            """,
            [
                submission.pk,
                RowOutcome.INVALID,
                RowOutcome.DUPLICATE_IN_LIST,
                ParticipantStatus.ACTIVE,
                RowOutcome.ALREADY_COVERED,
                RowOutcome.LAPSED,
                RowOutcome.NEW_LEAD,
            ],
        )


def _leads_create(submission: WorkerListSubmission) -> None:
    """One lead per new NIK and agency, for the primary branch of the work regency.

    The unique (nik, agency) constraint decides races between lists processed at the same time;
    inserting in NIK order keeps two such transactions from deadlocking each other.
    """
    row = connection.ops.quote_name(WorkerListRow._meta.db_table)
    lead = connection.ops.quote_name(EnrollmentLead._meta.db_table)
    branch_regency = connection.ops.quote_name(BranchRegency._meta.db_table)
    with connection.cursor() as cursor:
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
            ON CONFLICT (agency_id, nik) DO NOTHING
            """,
            [
                submission.agency_id,
                LeadStatus.NEW,
                timezone.now(),
                submission.pk,
                submission.pk,
                RowOutcome.NEW_LEAD,
            ],
        )


def _outcome_counts(submission: WorkerListSubmission) -> dict[str, int]:
    found = dict(
        WorkerListRow.objects.filter(submission=submission)
        .order_by()
        .values_list("outcome")
        .annotate(n=Count("id"))
        .values_list("outcome", "n")
    )
    return {outcome: found.get(outcome, 0) for outcome in OUTCOMES}


def _fail(submission_id: int, reason: str) -> None:
    with transaction.atomic():
        WorkerListRow.objects.filter(submission_id=submission_id).delete()
        WorkerListSubmission.objects.filter(pk=submission_id).update(
            status=SubmissionStatus.FAILED,
            failure_reason=reason,
            processed_rows=0,
            total_rows=0,
            finished_at=timezone.now(),
        )


def worker_list_process(*, submission_id: int) -> WorkerListSubmission:
    """Read, check, stage, classify and create leads for one list. Idempotent: a re-run replaces
    the rows with identical ones and finds its leads already there.

    Staging commits batch by batch, so progress is visible while it runs; the rows, their
    outcomes, the leads and the `done` status are written together in one transaction.
    """
    submission = WorkerListSubmission.objects.get(pk=submission_id)
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
    staging = _staging_create(submission_id)
    processed = 0
    try:
        with submission.file.open("rb") as fileobj:
            estimate, rows = read_rows(fileobj, filename=submission.original_filename)
            total = estimate
            WorkerListSubmission.objects.filter(pk=submission_id).update(total_rows=estimate)
            for batch in _batched(rows, settings.WORKER_LIST_BATCH_ROWS):
                _staging_load(staging, [checker.check(number, raw) for number, raw in batch])
                processed += len(batch)
                total = max(total, processed)
                WorkerListSubmission.objects.filter(pk=submission_id).update(
                    processed_rows=processed, total_rows=total
                )
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # Room for the duplicate check's hash of a million NIKs without spilling to disk.
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL work_mem = '128MB'")
            _rows_insert_classified(submission, staging)
            _leads_create(submission)
            counts = _outcome_counts(submission)
            WorkerListSubmission.objects.filter(pk=submission_id).update(
                status=SubmissionStatus.DONE,
                finished_at=timezone.now(),
                processed_rows=processed,
                total_rows=processed,
                **{f"count_{outcome}": counts[outcome] for outcome in OUTCOMES},
            )
    except UnreadableFileError as error:
        _fail(submission_id, str(error))
    except FileNotFoundError:
        _fail(submission_id, _("File daftar tidak ditemukan di penyimpanan."))
    except Exception:
        # The partner sees "failed" rather than a list stuck in processing; the task still
        # raises so the error is logged, and a re-run starts from a clean slate.
        _fail(submission_id, _("Terjadi kesalahan internal saat memproses daftar."))
        raise
    finally:
        _staging_drop(submission_id)
    return WorkerListSubmission.objects.get(pk=submission_id)
