"""Writes for worker lists: accept a submission, then process it (read, check, load, classify).

Processing is set-based: rows are checked and de-duplicated in plain Python while streaming the
file and written once (COPY on PostgreSQL, executemany elsewhere); one join then matches them
against participants and one INSERT ... ON CONFLICT turns new workers into leads. Every step is
safe to run again: a re-run after a crash yields the same rows, counts and leads.
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
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.api_errors import ServiceError
from participants.models import Participant, ParticipantStatus
from regions.models import BranchRegency, District, Regency

from .models import (
    OUTCOMES,
    EnrollmentLead,
    LeadStatus,
    RowOutcome,
    SourceFormat,
    SubmissionStatus,
    WorkerListRow,
    WorkerListSubmission,
)
from .reading import FIELDS, UnreadableFileError, failure_reason, is_xlsx, read_rows
from .signals import worker_list_finished
from .validation import CheckedRow, RowChecker

_HASH_CHUNK = 1 << 20


class IdempotencyConflictError(ServiceError):
    """The Idempotency-Key was already used for a different list."""

    status_code = 409

    def __init__(self, submission: WorkerListSubmission):
        self.submission = submission
        super().__init__(
            _("Idempotency-Key ini sudah dipakai untuk daftar dengan isi berbeda."),
            field="Idempotency-Key",
        )


class SubmissionInputError(ServiceError):
    """Bad request input; `field` names the offending field (and row) for the 400 answer."""

    def __init__(self, field: str, message: str):
        super().__init__(message, field=field)


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
    except Exception:
        # A refused row (a value the database will not store) leaves no staged file behind.
        submission.file.delete(save=False)
        raise
    return submission, True


def _enqueue(submission_id: int) -> None:
    from .tasks import worker_list_process_task

    worker_list_process_task.delay(submission_id)


# --- processing -------------------------------------------------------------------------------

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
_NO_ERRORS = "[]"
# Plain strings: COPY writes them as they are, and they key the counts like OUTCOMES does.
_INVALID = RowOutcome.INVALID.value
_DUPLICATE = RowOutcome.DUPLICATE_IN_LIST.value
_NEW_LEAD = RowOutcome.NEW_LEAD.value


def _batched(iterable: Iterable, size: int) -> Iterator[list]:
    iterator = iter(iterable)
    while batch := list(islice(iterator, size)):
        yield batch


def _checker() -> RowChecker:
    return RowChecker(
        known_district_codes=set(District.objects.values_list("code", flat=True)),
        known_regency_codes=set(Regency.objects.values_list("code", flat=True)),
    )


class _Classifier:
    """Decides each row's outcome while the file streams, so rows are written once.

    The first valid row of a NIK wins and later valid ones are duplicates; an invalid row never
    makes a later valid one a duplicate (rows arrive in file order). A first valid row is
    written as a new lead until _rows_match_participants says otherwise, in the same
    transaction. The NIKs seen so far are kept in memory: about 100 bytes each, ~100 MB for a
    million-row list.
    """

    def __init__(self, submission_id: int):
        self.submission_id = submission_id
        self.seen: set[str] = set()
        self.counts = dict.fromkeys(OUTCOMES, 0)

    def values(self, rows: list[CheckedRow]) -> list[tuple]:
        submission_id = self.submission_id
        seen = self.seen
        counts = self.counts
        values = []
        for row in rows:
            errors = row.errors
            if errors is not None:
                outcome = _INVALID
            elif row.nik in seen:
                outcome = _DUPLICATE
            else:
                seen.add(row.nik)
                outcome = _NEW_LEAD
            counts[outcome] += 1
            values.append(
                (
                    submission_id,
                    *row[:7],
                    outcome,
                    _NO_ERRORS if errors is None else json.dumps(errors),
                )
            )
        return values


def _rows_write(values: list[tuple]) -> None:
    """One batch of final rows: COPY on PostgreSQL, executemany elsewhere."""
    row = connection.ops.quote_name(WorkerListRow._meta.db_table)
    columns = ", ".join(_ROW_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {row} ({columns}) FROM STDIN") as copy:
                write_row = copy.write_row
                for value in values:
                    write_row(value)
            return
        placeholders = ", ".join(["%s"] * len(_ROW_COLUMNS))
        cursor.executemany(f"INSERT INTO {row} ({columns}) VALUES ({placeholders})", values)


class _ProgressReporter:
    """Publishes progress while the rows are written inside one long transaction.

    On PostgreSQL through a second, autocommitting connection, so pollers see it before the
    transaction commits; the main transaction does not touch the submission row until the
    end, so the two never wait on each other. On SQLite (one writer at a time) progress shows
    when the list is done.
    """

    def __init__(self, submission_id: int):
        self.submission_id = submission_id
        self.connection = (
            connections.create_connection(DEFAULT_DB_ALIAS)
            if connection.vendor == "postgresql"
            else None
        )

    def report(self, *, processed: int, total: int) -> None:
        if self.connection is None:
            return
        table = self.connection.ops.quote_name(WorkerListSubmission._meta.db_table)
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET processed_rows = %s, total_rows = %s WHERE id = %s",
                [processed, total, self.submission_id],
            )

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


def _rows_match_participants(submission: WorkerListSubmission, counts: dict[str, int]) -> None:
    """Turn the provisional new leads whose NIK is a participant into covered or lapsed.

    One join for the whole list rather than a lookup per batch: for a long list the planner
    hashes the list and reads the participants once; for a short one it probes the NIK index.
    Only the matched rows (about a tenth of a typical list) are rewritten.
    """
    row = connection.ops.quote_name(WorkerListRow._meta.db_table)
    participant = connection.ops.quote_name(Participant._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {row} SET outcome = CASE WHEN p.status = %s THEN %s ELSE %s END
            FROM {participant} p
            WHERE {row}.submission_id = %s AND {row}.outcome = %s AND p.nik = {row}.nik
            """,
            [
                ParticipantStatus.ACTIVE,
                RowOutcome.ALREADY_COVERED,
                RowOutcome.LAPSED,
                submission.pk,
                RowOutcome.NEW_LEAD,
            ],
        )
        if not cursor.rowcount:
            return
        cursor.execute(
            f"SELECT outcome, COUNT(*) FROM {row} WHERE submission_id = %s AND outcome IN (%s, %s) "
            "GROUP BY outcome",
            [submission.pk, RowOutcome.ALREADY_COVERED, RowOutcome.LAPSED],
        )
        for outcome, found in cursor.fetchall():
            counts[outcome] += found
            counts[RowOutcome.NEW_LEAD] -= found


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
    """Read, check, classify and write the rows of one list and create its leads. Idempotent: a
    re-run replaces the rows with identical ones and finds its leads already there.

    Rows are checked in Python and written once by COPY, batch after batch, with their outcome
    decided on the way (participants are matched by one join at the end); the rows, the leads
    and the `done` status commit together in one transaction.
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
    classifier = _Classifier(submission_id)
    progress = _ProgressReporter(submission_id)
    processed = 0
    try:
        with transaction.atomic(), submission.file.open("rb") as fileobj:
            if connection.vendor == "postgresql":
                # Room to sort a million new leads by NIK without spilling to disk.
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL work_mem = '128MB'")
            WorkerListRow.objects.filter(submission_id=submission_id).delete()
            estimate, rows = read_rows(fileobj, filename=submission.original_filename)
            total = estimate
            progress.report(processed=0, total=estimate)
            check = checker.check
            for batch in _batched(rows, settings.WORKER_LIST_BATCH_ROWS):
                _rows_write(classifier.values([check(number, raw) for number, raw in batch]))
                processed += len(batch)
                total = max(total, processed)
                progress.report(processed=processed, total=total)
            _rows_match_participants(submission, classifier.counts)
            _leads_create(submission)
            WorkerListSubmission.objects.filter(pk=submission_id).update(
                status=SubmissionStatus.DONE,
                finished_at=timezone.now(),
                processed_rows=processed,
                total_rows=processed,
                **{f"count_{outcome}": classifier.counts[outcome] for outcome in OUTCOMES},
            )
            # New leads and matches change the month's figures (coverage listens).
            worker_list_finished.send(sender=WorkerListSubmission, submission=submission)
    except UnreadableFileError as error:
        _fail(submission_id, error.reason)
    except FileNotFoundError:
        _fail(submission_id, failure_reason("file_missing"))
    except Exception:
        # The partner sees "failed" rather than a list stuck in processing; the task still
        # raises so the error is logged, and a re-run starts from a clean slate.
        _fail(submission_id, failure_reason("internal_error"))
        raise
    finally:
        progress.close()
    return WorkerListSubmission.objects.get(pk=submission_id)


# What branch staff may record after working a lead; "new" is only ever set on creation.
LEAD_WORK_OUTCOMES = (LeadStatus.ENROLLED, LeadStatus.UNREACHABLE, LeadStatus.NOT_ELIGIBLE)


@transaction.atomic
def lead_status_set(*, lead: EnrollmentLead, status: str, user) -> EnrollmentLead:
    if status not in LEAD_WORK_OUTCOMES:
        raise ValueError(f"status {status!r} cannot be set by hand")
    lead.status = status
    lead.status_changed_at = timezone.now()
    lead.status_changed_by = user
    lead.save(update_fields=["status", "status_changed_at", "status_changed_by"])
    return lead
