"""Writes for worker lists: accept a submission, then process it (read, check, load, classify).

Processing is set-based: rows are checked and de-duplicated in plain Python while streaming the
file and staged in a temporary table (COPY on PostgreSQL, executemany elsewhere); one join
matches them against participants, one INSERT ... ON CONFLICT turns new workers into leads, and
then each row is written once to the row table with its final outcome. Every step is safe to
run again: a re-run after a crash yields the same rows, counts and leads.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import hashlib
import io
import json
import logging
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from itertools import islice
from typing import IO

from django.conf import settings
from django.core.files import File
from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    connection,
    connections,
    transaction,
)
from django.db.models import Count, DateField, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import RedisError

from accounts.permissions import Actor
from agencies.models import PartnerAgency
from core.api_errors import ServiceError
from participants.models import Participant, ParticipantStatus
from regions.models import BranchOffice, BranchRegency, District, Regency

from .models import (
    OUTCOMES,
    EnrollmentLead,
    LeadIntake,
    LeadStatus,
    LeadTally,
    RowOutcome,
    SourceFormat,
    SubmissionStatus,
    WorkerListProgress,
    WorkerListRow,
    WorkerListSubmission,
)
from .reading import (
    FIELDS,
    TEMPLATE_HEADER,
    UnreadableFileError,
    failure_reason,
    is_xlsx,
    read_rows,
)
from .signals import worker_list_finished
from .validation import CheckedRow, RowChecker

_HASH_CHUNK = 1 << 20
logger = logging.getLogger(__name__)


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


def _json_cell(value: object) -> str:
    """A JSON value of a key beyond the template's, as one line of text (the reader takes a
    record running over several lines for a quote left open)."""
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return " ".join(str(value).splitlines())


def _rows_to_csv(rows: object) -> IO[bytes]:
    """Stage JSON rows as a UTF-8 CSV under the template's headers, so one reader serves every
    format and the reports read like a file's. Keys beyond the template's (the partner's own
    columns) follow, in the order they first appear, so the reports give them back like a
    file's extra columns."""
    if not isinstance(rows, list):
        raise SubmissionInputError("rows", _("Harus berupa daftar (array) baris."))
    extra: dict[str, None] = {}
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            raise SubmissionInputError(
                f"rows[{index}]", _("Baris %(row)s harus berupa objek JSON.") % {"row": index + 1}
            )
        extra.update(dict.fromkeys(key for key in row if key not in FIELDS))
    staged = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - returned
    text = io.TextIOWrapper(staged, encoding="utf-8", newline="", write_through=True)
    writer = csv.writer(text)
    writer.writerow([*TEMPLATE_HEADER, *(_json_cell(key) for key in extra)])
    for row in rows:
        writer.writerow(
            [
                *("" if row.get(field) is None else str(row[field]) for field in FIELDS),
                *(_json_cell(row.get(key)) for key in extra),
            ]
        )
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


def _replay(*, existing: WorkerListSubmission, fileobj: IO[bytes]) -> WorkerListSubmission:
    """An Idempotency-Key replay: a failed list, or one queued long ago and never started, is
    queued again (with the replayed content staged anew if its file is gone)."""
    now = timezone.now()
    stale = now - dt.timedelta(seconds=settings.WORKER_LIST_REQUEUE_AFTER_S)
    with transaction.atomic():
        existing = WorkerListSubmission.objects.select_for_update().get(pk=existing.pk)
        if existing.status == SubmissionStatus.FAILED:
            if not existing.file or not existing.file.storage.exists(existing.file.name):
                existing.file.save(_staged_name(existing.source_format), File(fileobj), save=False)
            WorkerListSubmission.objects.filter(pk=existing.pk).update(
                file=existing.file.name,
                status=SubmissionStatus.QUEUED,
                failure_reason="",
                attempts=0,
                queued_at=now,
                started_at=None,
                finished_at=None,
            )
        elif existing.status == SubmissionStatus.QUEUED and (
            existing.queued_at is None or existing.queued_at < stale
        ):
            WorkerListSubmission.objects.filter(pk=existing.pk).update(queued_at=now)
        else:
            return existing
        pk = existing.pk
        transaction.on_commit(lambda: _enqueue(pk))
    existing.refresh_from_db()
    return existing


def _staged_name(source_format: str) -> str:
    return f"{uuid.uuid4().hex}.{source_format}"


def worker_list_submit(
    *,
    agency: PartnerAgency,
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
    submission (created=False), queued again if it failed or never started; different content
    raises IdempotencyConflictError.

    The list and its staged file commit together; queuing happens after COMMIT and may fail
    (broker down) without losing the list: worker_list_sweep queues it later.
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
            return _replay(existing=existing, fileobj=fileobj), False

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
        queued_at=timezone.now(),
    )
    try:
        with transaction.atomic():
            submission.file.save(_staged_name(source_format), File(fileobj), save=False)
            submission.save()
            transaction.on_commit(lambda: _enqueue(submission.pk))
    except IntegrityError:
        # Another request with the same Idempotency-Key won the race; answer as it would (the
        # staged file, written in the same transaction, is gone with it).
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


def _enqueue(submission_id: int) -> bool:
    """Hand a list to the broker. A broker outage must not undo or fail an accepted list: it is
    logged, and worker_list_sweep queues the list once the broker is back."""
    from .tasks import worker_list_process_task

    try:
        worker_list_process_task.delay(submission_id)
    except (BrokerError, ConnectionError, RedisError):
        logger.warning(
            "worker list %s: broker unavailable, the sweeper will queue it", submission_id
        )
        return False
    return True


# --- processing -------------------------------------------------------------------------------

# The columns of a stored row after submission_id, in the order of the tuples built by
# _Classifier.values, with their type in the run's staging table. The one place that lists them:
# the staging table, its COPY and the final INSERT INTO the row table are all derived from it.
_ROW_COLUMN_TYPES = (
    ("row_number", "integer"),
    ("nik", "text"),
    ("full_name", "text"),
    ("birth_date", "date"),
    ("regency_code", "text"),
    ("unit", "text"),
    ("position", "text"),
    ("outcome", "text"),
    ("errors", "jsonb"),
    ("source_cells", "jsonb"),
)
_ROW_COLUMNS = tuple(column for column, _type in _ROW_COLUMN_TYPES)
# Session-private (temporary) table holding the checked rows of the run until their outcome is
# final; dropped at COMMIT (and by a rollback).
_STAGING = "worker_list_staging"
_NO_ERRORS = "[]"
_NEEDS_VERIFICATION_ERRORS = json.dumps([{"field": "nik", "code": "needs_verification"}])
# Plain strings: COPY writes them as they are, and they key the counts like OUTCOMES does.
_INVALID = RowOutcome.INVALID.value
_DUPLICATE = RowOutcome.DUPLICATE_IN_LIST.value
_NEW_LEAD = RowOutcome.NEW_LEAD.value


def _batched(iterable: Iterable, size: int) -> Iterator[list]:
    iterator = iter(iterable)
    while batch := list(islice(iterator, size)):
        yield batch


def _checker(agency) -> RowChecker:
    """Reference codes, and the regencies inside the agency's jurisdiction (None: national)."""
    allowed = None
    if agency.jurisdiction_regency_id:
        allowed = {agency.jurisdiction_regency_id}
    elif agency.jurisdiction_province_id:
        allowed = set(
            Regency.objects.filter(province_id=agency.jurisdiction_province_id).values_list(
                "code", flat=True
            )
        )
    return RowChecker(
        known_district_codes=set(District.objects.values_list("code", flat=True)),
        known_regency_codes=set(Regency.objects.values_list("code", flat=True)),
        allowed_regency_codes=allowed,
    )


class _Classifier:
    """Decides what Python can decide of each row's outcome while the file streams.

    The first valid row of a NIK wins and later valid ones are duplicates; an invalid row never
    makes a later valid one a duplicate (rows arrive in file order). A first valid row is staged
    as a new lead until the register and the agency's leads say otherwise (in SQL, before the
    row is stored). The NIKs seen so far are kept in memory: about 100 bytes each, ~100 MB for a
    million-row list.
    """

    def __init__(self):
        self.seen: set[str] = set()
        self.counts = dict.fromkeys(OUTCOMES, 0)

    def values(self, rows: list[CheckedRow]) -> list[tuple]:
        """The staged tuples of one batch, in the order of _ROW_COLUMN_TYPES: the one place
        that turns a CheckedRow into the values COPYed (a new column goes at the end of both)."""
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
                    *row[:7],
                    outcome,
                    _NO_ERRORS if errors is None else json.dumps(errors),
                    row.source_cells,
                )
            )
        return values


def _quoted(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _staging_create() -> None:
    """The run's staging table: temporary (no WAL, invisible to other sessions), no index."""
    postgres = connection.vendor == "postgresql"
    columns = ", ".join(
        f"{column} {sql_type if postgres else ''}".rstrip()
        for column, sql_type in _ROW_COLUMN_TYPES
    )
    with connection.cursor() as cursor:
        # A run retried inside the same outer transaction (tests) finds the previous one.
        cursor.execute(f"DROP TABLE IF EXISTS {_STAGING}")
        on_commit = " ON COMMIT DROP" if postgres else ""
        cursor.execute(f"CREATE TEMPORARY TABLE {_STAGING} ({columns}){on_commit}")


def _staging_drop() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {_STAGING}")


def _rows_stage(values: list[tuple]) -> None:
    """One batch of checked rows into the staging table: COPY on PostgreSQL, executemany
    elsewhere."""
    columns = ", ".join(_ROW_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # psycopg's COPY bypasses Django's cursor wrapper: translate its errors, so a lost
            # connection is Django's OperationalError (retried) like anywhere else.
            with (
                connection.wrap_database_errors,
                cursor.cursor.copy(f"COPY {_STAGING} ({columns}) FROM STDIN") as copy,
            ):
                write_row = copy.write_row
                for value in values:
                    write_row(value)
            return
        placeholders = ", ".join(["%s"] * len(_ROW_COLUMNS))
        cursor.executemany(f"INSERT INTO {_STAGING} ({columns}) VALUES ({placeholders})", values)


class _ProgressReporter:
    """Publishes progress while the rows are written inside one long transaction.

    On PostgreSQL through a second, autocommitting connection into WorkerListProgress (not the
    list's own row, see there), so pollers see it before the transaction commits and the two
    connections never wait on each other. On SQLite (one writer at a time) progress shows
    when the list is done. Progress is a courtesy: a lost progress connection is logged and
    reopened at the next batch, never a reason to fail the list.
    """

    def __init__(self, submission_id: int):
        self.submission_id = submission_id
        self.enabled = connection.vendor == "postgresql"
        self.connection = None

    def report(self, *, processed: int, total: int) -> None:
        if not self.enabled:
            return
        try:
            if self.connection is None:
                self.connection = connections.create_connection(DEFAULT_DB_ALIAS)
            table = self.connection.ops.quote_name(WorkerListProgress._meta.db_table)
            with self.connection.cursor() as cursor:
                cursor.execute(
                    f"""
                    INSERT INTO {table} (submission_id, processed_rows, total_rows, updated_at)
                    VALUES (%(id)s, %(processed)s, %(total)s, %(now)s)
                    ON CONFLICT (submission_id) DO UPDATE SET
                        processed_rows = EXCLUDED.processed_rows,
                        total_rows = EXCLUDED.total_rows,
                        updated_at = EXCLUDED.updated_at
                    """,
                    {
                        "processed": processed,
                        "total": total,
                        "id": self.submission_id,
                        "now": timezone.now(),
                    },
                )
        except DatabaseError:
            logger.warning("worker list %s: progress not reported", self.submission_id)
            self.close()

    def close(self) -> None:
        if self.connection is not None:
            with suppress(DatabaseError):
                self.connection.close()
            self.connection = None


def _normalised_name(column: str) -> str:
    """SQL for a name compared case- and whitespace-insensitively (rows are already collapsed
    by the checker; the register's names may not be)."""
    if connection.vendor == "postgresql":
        return f"LOWER(REGEXP_REPLACE(BTRIM({column}), '\\s+', ' ', 'g'))"
    # SQLite has no regular expressions: tabs become spaces, runs of up to 8 spaces collapse.
    return f"LOWER(TRIM(REPLACE(REPLACE(REPLACE(REPLACE({column}, CHAR(9), ' '), '  ', ' '), '  ', ' '), '  ', ' ')))"  # noqa: E501


def _rows_match_participants() -> int:
    """Match the staged new leads against the participant register, before any row is stored.
    Returns the number of rows matched (whatever their outcome).

    A participant's status is disclosed (already covered / lapsed) only when the row matches
    the register on NIK, name (case- and whitespace-insensitive) and birth date, the way BPJS's
    own status check works, and the work regency is inside the agency's jurisdiction (rows
    outside it are already invalid). A NIK in the register with another name or birth date is
    `needs_verification`: no status, no lead, and the agency is asked to check the row.

    One statement for the whole list, on the run's temporary staging table (no WAL, no index).
    On PostgreSQL each staged row probes the register's NIK index (a LATERAL subquery): left to
    itself the planner hashes the list and reads all ten million participants, measured 6 s
    against 0.5 s for probes at 100,000 rows and 11.5 s against 8.3 s at 1,000,000 (2026-11-26).
    """
    participant = _quoted(Participant)
    same_name = f"{_normalised_name(f'{_STAGING}.full_name')} = {_normalised_name('p.full_name')}"
    same_person = f"{same_name} AND p.birth_date = {_STAGING}.birth_date"
    if connection.vendor == "postgresql":
        jsonb = "::jsonb"
        register = f"""
            FROM (
                SELECT s.row_number AS staged_row, r.full_name, r.birth_date, r.status
                FROM {_STAGING} s CROSS JOIN LATERAL (
                    SELECT full_name, birth_date, status FROM {participant}
                    WHERE nik = s.nik LIMIT 1
                ) r
                WHERE s.outcome = %(new_lead)s
            ) p
            WHERE {_STAGING}.row_number = p.staged_row
        """
    else:
        jsonb = ""
        register = f"""
            FROM {participant} p
            WHERE {_STAGING}.outcome = %(new_lead)s AND p.nik = {_STAGING}.nik
        """
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {_STAGING} SET
                outcome = CASE WHEN {same_person} THEN
                    CASE WHEN p.status = %(active)s THEN %(covered)s ELSE %(lapsed)s END
                    ELSE %(needs_verification)s END,
                errors = CASE WHEN {same_person} THEN {_STAGING}.errors
                    ELSE %(verify_errors)s{jsonb} END
            {register}
            """,
            {
                "active": ParticipantStatus.ACTIVE,
                "covered": RowOutcome.ALREADY_COVERED,
                "lapsed": RowOutcome.LAPSED,
                "needs_verification": RowOutcome.NEEDS_VERIFICATION,
                # The message the agency reads on such a row (codes only, like every row error).
                "verify_errors": _NEEDS_VERIFICATION_ERRORS,
                "new_lead": RowOutcome.NEW_LEAD,
            },
        )
        return max(cursor.rowcount, 0)


def _rows_mark_existing_leads(
    submission: WorkerListSubmission, *, candidates: int, created: int
) -> None:
    """After the leads are inserted, before the rows are stored: staged new leads whose NIK
    was already a lead of this agency (from an earlier list, or a list processed at the same
    time that won the insert) become `existing_lead`, so "new lead" means a lead this list
    created. Leads this list created carry it as first_submission; the others do not.

    When the insert created a lead for each of the `candidates` (the common case) no row can be
    an existing lead, and the join is skipped."""
    if created == candidates:
        return
    lead = _quoted(EnrollmentLead)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {_STAGING} SET outcome = %(existing_lead)s
            FROM {lead} l
            WHERE {_STAGING}.outcome = %(new_lead)s
              AND l.agency_id = %(agency)s AND l.nik = {_STAGING}.nik
              AND (l.first_submission_id IS NULL OR l.first_submission_id <> %(submission)s)
            """,
            {
                "existing_lead": RowOutcome.EXISTING_LEAD,
                "new_lead": RowOutcome.NEW_LEAD,
                "submission": submission.pk,
                "agency": submission.agency_id,
            },
        )


def _lead_parents_lock() -> None:
    """The regencies and branches the new leads will reference, locked FOR KEY SHARE until the
    run commits: what the lead -> regency and lead -> branch constraints would check, once per
    parent instead of once per lead (see EnrollmentLead.work_regency)."""
    if connection.vendor != "postgresql":
        return  # SQLite: one writer at a time; nothing can delete them meanwhile
    regency = _quoted(Regency)
    branch = _quoted(BranchOffice)
    branch_regency = _quoted(BranchRegency)
    used = f"SELECT DISTINCT regency_code FROM {_STAGING} WHERE outcome = %(new_lead)s"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {regency} WHERE code IN ({used}) FOR KEY SHARE",
            {"new_lead": RowOutcome.NEW_LEAD},
        )
        cursor.execute(
            f"""SELECT 1 FROM {branch} WHERE id IN (
                    SELECT branch_id FROM {branch_regency}
                    WHERE is_primary AND regency_id IN ({used})
                ) FOR KEY SHARE""",
            {"new_lead": RowOutcome.NEW_LEAD},
        )


def _leads_create(submission: WorkerListSubmission) -> int:
    """One lead per staged new NIK and agency, for the primary branch of the work regency.
    Returns the number of leads created.

    The unique (agency, nik) constraint decides races between lists processed at the same time;
    inserting in NIK order keeps two such transactions from deadlocking each other.
    """
    lead = _quoted(EnrollmentLead)
    branch_regency = _quoted(BranchRegency)
    regency = _quoted(Regency)
    now = timezone.now()
    params = {
        "agency": submission.agency_id,
        "status": LeadStatus.NEW,
        # Adapted as the ORM would (SQLite keeps UTC text; a raw aware value kept its offset).
        "now": connection.ops.adapt_datetimefield_value(now),
        "month": timezone.localdate(now).replace(day=1),
        "submission": submission.pk,
        "new_lead": RowOutcome.NEW_LEAD,
    }
    insert = f"""
        INSERT INTO {lead} (
            nik, full_name, birth_date, agency_id, work_regency_id, branch_id, unit,
            position, status, created_at, first_submission_id
        )
        SELECT s.nik, s.full_name, s.birth_date, %(agency)s, r.code, br.branch_id,
               s.unit, s.position, %(status)s, %(now)s, %(submission)s
        FROM {_STAGING} s
        JOIN {regency} r ON r.code = s.regency_code
        LEFT JOIN {branch_regency} br ON br.regency_id = r.code AND br.is_primary
        WHERE s.outcome = %(new_lead)s
        ORDER BY s.nik
        ON CONFLICT (agency_id, nik) DO NOTHING
    """
    _lead_parents_lock()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The leads are counted into the tally as they are inserted (the rows the INSERT
            # returns), in the same statement: no second pass to find them again.
            cursor.execute(
                f"""
                WITH created AS ({insert} RETURNING agency_id, work_regency_id, branch_id, status),
                tallied AS ({_lead_tally_upsert(_LEAD_TALLY_FROM_CREATED)} RETURNING 1),
                intake AS ({_lead_intake_upsert("SELECT COUNT(*) FROM created")} RETURNING 1)
                SELECT (SELECT COUNT(*) FROM created), (SELECT COUNT(*) FROM tallied)
                """,
                params,
            )
            return cursor.fetchone()[0]
        cursor.execute(insert, params)
        created = max(cursor.rowcount, 0)
        cursor.execute(_lead_intake_upsert("%(created)s"), {**params, "created": created})
    _lead_tally_add_for_submission(submission)
    return created


def _lead_intake_upsert(count: str) -> str:
    """Add `count` (an SQL expression) new leads to the agency's month in the lead intake
    (parameters: agency, month); nothing when it is 0."""
    intake = _quoted(LeadIntake)
    return f"""
        INSERT INTO {intake} AS i (agency_id, month, count)
        SELECT %(agency)s, %(month)s, n FROM (SELECT ({count}) AS n) c WHERE n > 0
        ON CONFLICT (agency_id, month) DO UPDATE SET count = i.count + EXCLUDED.count
    """


def _rows_store(submission: WorkerListSubmission) -> dict[str, int]:
    """Each row written once, with its final outcome, from the staging table; returns the
    count per outcome."""
    row = _quoted(WorkerListRow)
    columns = ", ".join(_ROW_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {row} (submission_id, {columns}) "
            f"SELECT %(submission)s, {columns} FROM {_STAGING}",
            {"submission": submission.pk},
        )
        cursor.execute(f"SELECT outcome, COUNT(*) FROM {_STAGING} GROUP BY outcome")
        counts = dict.fromkeys(OUTCOMES, 0)
        counts.update(cursor.fetchall())
    return counts


# The lead tally's key, as its unique index (LeadTally.Meta, "lead_tally_key") spells it: the
# conflict target of every upsert below.
_LEAD_TALLY_KEY = "agency_id, work_regency_id, COALESCE(branch_id, 0), status"


def _lead_tally_upsert(select: str) -> str:
    """INSERT the (agency, regency, branch, status, count) rows `select` yields into the tally,
    adding each count to the row already there. `select` orders its rows by the key, so two
    transactions lock the tally rows they share in the same order (no deadlock)."""
    tally = _quoted(LeadTally)
    return f"""
        INSERT INTO {tally} AS t (agency_id, work_regency_id, branch_id, status, count)
        {select}
        ON CONFLICT ({_LEAD_TALLY_KEY}) DO UPDATE SET count = t.count + EXCLUDED.count
    """


# The new leads (the `created` rows an INSERT ... RETURNING yields) grouped by the tally's key.
_LEAD_TALLY_FROM_CREATED = """
    SELECT agency_id, work_regency_id, branch_id, status, COUNT(*) FROM created
    GROUP BY agency_id, work_regency_id, branch_id, status
    ORDER BY agency_id, work_regency_id, COALESCE(branch_id, 0), status
"""


def _lead_tally_add_for_submission(submission: WorkerListSubmission) -> None:
    """Count the leads this list has just created into the tally, in the run's transaction
    (SQLite; PostgreSQL counts them in the INSERT itself, see _leads_create). Its leads are
    those whose first list it is: exact because a list's leads only ever commit together with
    its `done`, and a done list is never run again."""
    lead = _quoted(EnrollmentLead)
    select = f"""
        SELECT l.agency_id, l.work_regency_id, l.branch_id, l.status, COUNT(*)
        FROM {lead} l
        WHERE l.agency_id = %(agency)s AND l.first_submission_id = %(submission)s
        GROUP BY l.agency_id, l.work_regency_id, l.branch_id, l.status
        ORDER BY l.agency_id, l.work_regency_id, COALESCE(l.branch_id, 0), l.status
    """
    with connection.cursor() as cursor:
        cursor.execute(
            _lead_tally_upsert(select),
            {"agency": submission.agency_id, "submission": submission.pk},
        )


def _lead_tally_move(
    *, agency_id: int, work_regency_id: str, branch_id: int | None, old: str, new: str
) -> None:
    """One lead of this agency, regency and branch moved from status `old` to `new`. One
    statement, its two rows in key order (see _lead_tally_upsert)."""
    first, second = sorted([(old, -1), (new, 1)])
    # VALUES right in the INSERT: each value takes its column's type (a NULL branch too).
    select = """
        VALUES (%(agency)s, %(regency)s, %(branch)s, %(first)s, %(first_delta)s),
               (%(agency)s, %(regency)s, %(branch)s, %(second)s, %(second_delta)s)
    """
    with connection.cursor() as cursor:
        cursor.execute(
            _lead_tally_upsert(select),
            {
                "agency": agency_id,
                "regency": work_regency_id,
                "branch": branch_id,
                "first": first[0],
                "first_delta": first[1],
                "second": second[0],
                "second_delta": second[1],
            },
        )


@transaction.atomic
def lead_tally_rebuild() -> int:
    """Recount the whole lead tally from the leads (the data migration; a repair after writes
    that bypassed the services). Returns the number of tally rows.

    On PostgreSQL the tally is locked against writers (readers go on, and see the old counts
    until COMMIT) before the leads are counted: a run or a status change that wrote its tally
    rows first is waited for and counted; one that comes later waits, then adds to the recount.
    """
    tally = _quoted(LeadTally)
    lead = _quoted(EnrollmentLead)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {tally} IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute(f"DELETE FROM {tally}")
        cursor.execute(
            f"""
            INSERT INTO {tally} (agency_id, work_regency_id, branch_id, status, count)
            SELECT agency_id, work_regency_id, branch_id, status, COUNT(*)
            FROM {lead}
            GROUP BY agency_id, work_regency_id, branch_id, status
            """
        )
        rows = max(cursor.rowcount, 0)
        if connection.vendor == "postgresql":
            # The planner reads the new counts' statistics at once, not after autovacuum.
            cursor.execute(f"ANALYZE {tally}")
    _lead_intake_rebuild()
    return rows


def _lead_intake_rebuild() -> None:
    """Recount the lead intake (leads created per agency and month in the project's time zone)
    from the leads, with the tally (lead_tally_rebuild)."""
    intake = _quoted(LeadIntake)
    per_month = (
        EnrollmentLead.objects.order_by()
        .annotate(month=TruncMonth("created_at", output_field=DateField()))
        .values("agency_id", "month")
        .annotate(n=Count("id"))
        .values_list("agency_id", "month", "n")
    )
    select, params = per_month.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {intake} IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute(f"DELETE FROM {intake}")
        cursor.execute(f"INSERT INTO {intake} (agency_id, month, count) {select}", params)


# Errors of a lost or refused database connection: nothing was committed, the task retries.
TRANSIENT_DB_ERRORS = (OperationalError, InterfaceError)
# pg_try_advisory_lock(namespace, list id): one run per list at a time (see _run_lock).
LOCK_NAMESPACE = 4_2026


def _connection_drop() -> None:
    """Close a connection that may be broken, so the next query opens a fresh one. Not inside
    an outer transaction (a caller's, or a test's): closing would break it, and a broken
    connection there is the caller's to handle."""
    if not connection.in_atomic_block:
        connection.close()


class _ClaimLostError(Exception):
    """The list left `processing` while this run worked on it (deleted, or failed by hand)."""


@contextmanager
def _run_lock(submission_id: int) -> Iterator[bool]:
    """Yields whether this connection now holds the list's run lock.

    A session-level advisory lock, held from the claim to the end of the run: two deliveries of
    one list never run together, and PostgreSQL releases the lock the moment a run's connection
    ends (worker killed, connection terminated), so "processing and unlocked" means the run is
    gone and the list can be re-queued at once. SQLite has one writer at a time and no such
    lock; there the claim's compare-and-set and a time lease do the work.
    """
    if connection.vendor != "postgresql":
        yield True
        return
    params = {"namespace": LOCK_NAMESPACE, "id": submission_id}
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%(namespace)s, %(id)s)", params)
        locked = cursor.fetchone()[0]
    try:
        yield locked
    finally:
        if locked and connection.connection is not None:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%(namespace)s, %(id)s)", params)
            except DatabaseError:
                # A broken connection: closing it releases the lock.
                _connection_drop()


def _lease_expired_before() -> dt.datetime:
    return timezone.now() - dt.timedelta(seconds=settings.WORKER_LIST_TASK_TIME_LIMIT_S + 60)


def _claim(submission_id: int) -> bool:
    """Compare-and-set to `processing`. Under the run lock a `processing` list is one whose run
    died, and is claimed again; `done` and `failed` lists are never claimed (a duplicate
    delivery of a finished list does nothing)."""
    if connection.vendor == "postgresql":
        claimable = Q(status__in=[SubmissionStatus.QUEUED, SubmissionStatus.PROCESSING])
    else:
        claimable = Q(status=SubmissionStatus.QUEUED) | Q(
            status=SubmissionStatus.PROCESSING, started_at__lt=_lease_expired_before()
        )
    claimed = bool(
        WorkerListSubmission.objects.filter(claimable, pk=submission_id).update(
            status=SubmissionStatus.PROCESSING,
            started_at=timezone.now(),
            finished_at=None,
            failure_reason="",
            processed_rows=0,
            total_rows=0,
            attempts=F("attempts") + 1,
            register_lookups=0,
            register_disclosures=0,
            **{f"count_{outcome}": 0 for outcome in OUTCOMES},
        )
    )
    if claimed:
        # What a crashed run last reported is not this run's progress.
        WorkerListProgress.objects.filter(submission_id=submission_id).delete()
    return claimed


def _staged_file_delete(submission_id: int) -> None:
    """Best effort, after COMMIT: the sweeper deletes what is left here."""
    try:
        submission = WorkerListSubmission.objects.filter(pk=submission_id).first()
        if submission is None or not submission.file:
            return
        submission.file.delete(save=False)
        WorkerListSubmission.objects.filter(pk=submission_id).update(file="")
    except Exception:
        logger.warning("worker list %s: staged file not deleted yet", submission_id)


def worker_list_fail(*, submission_id: int, reason: str, tries: int = 3) -> bool:
    """Mark a list that is being processed as failed, with the reason the partner reads.

    Compare-and-set from `processing` only: a list that is done (its rows committed) is never
    failed, so no error raised after a COMMIT can undo committed work. Rows only commit together
    with `done`, so a processing list has none to delete; counts go back to zero. Retried when
    the database connection is lost; if it never succeeds the list stays `processing` with no
    run holding it, and the sweeper queues it again.
    """
    for attempt in range(tries):
        try:
            with transaction.atomic():
                changed = WorkerListSubmission.objects.filter(
                    pk=submission_id, status=SubmissionStatus.PROCESSING
                ).update(
                    status=SubmissionStatus.FAILED,
                    failure_reason=reason,
                    processed_rows=0,
                    total_rows=0,
                    finished_at=timezone.now(),
                    register_lookups=0,
                    register_disclosures=0,
                    **{f"count_{outcome}": 0 for outcome in OUTCOMES},
                )
                if changed:
                    WorkerListProgress.objects.filter(submission_id=submission_id).delete()
                    transaction.on_commit(lambda: _staged_file_delete(submission_id))
            return bool(changed)
        except TRANSIENT_DB_ERRORS:
            _connection_drop()
            time.sleep(0.5 * 2**attempt)
    logger.error("worker list %s: could not be marked failed; the sweeper retries", submission_id)
    return False


def worker_list_process(*, submission_id: int) -> WorkerListSubmission | None:
    """Read, check, classify and write the rows of one list and create its leads.

    A run is a lease: it holds the list's run lock, claims the list by compare-and-set, and
    commits rows, leads and `done` together. A second delivery while a run holds the lock, or
    of a list already done or failed, does nothing. Connection errors propagate (nothing is
    committed; the task retries with backoff); other errors fail the list with a reason.
    Returns the list as it is afterwards (None if it was deleted).
    """
    with _run_lock(submission_id) as locked:
        if not locked:
            logger.info("worker list %s: another run holds it; this delivery ends", submission_id)
        elif _claim(submission_id):
            submission = WorkerListSubmission.objects.get(pk=submission_id)
            if submission.attempts > settings.WORKER_LIST_MAX_ATTEMPTS:
                worker_list_fail(
                    submission_id=submission_id, reason=failure_reason("attempts_exhausted")
                )
            else:
                _process_claimed(submission)
    return WorkerListSubmission.objects.filter(pk=submission_id).first()


def _process_claimed(submission: WorkerListSubmission) -> None:
    submission_id = submission.pk
    try:
        _rows_load(submission)
    except UnreadableFileError as error:
        worker_list_fail(submission_id=submission_id, reason=error.reason)
    except FileNotFoundError:
        worker_list_fail(submission_id=submission_id, reason=failure_reason("file_missing"))
    except _ClaimLostError:
        logger.warning("worker list %s left processing during its run", submission_id)
    except TRANSIENT_DB_ERRORS:
        # Rolled back; the connection is dropped so the retry starts on a fresh one, and the
        # lease is handed back if the database lets us (if not, the run lock or the lease
        # expiry lets the retry or the sweeper take the list).
        _connection_drop()
        with suppress(DatabaseError):
            WorkerListSubmission.objects.filter(
                pk=submission_id, status=SubmissionStatus.PROCESSING
            ).update(status=SubmissionStatus.QUEUED, queued_at=timezone.now())
        raise
    except Exception:
        # The partner sees "failed" rather than a list stuck in processing; the task still
        # raises so the error is logged. The Idempotency-Key replay queues it again.
        worker_list_fail(submission_id=submission_id, reason=failure_reason("internal_error"))
        raise
    else:
        # After COMMIT: the rows are visible to everyone now, so this is when the list finished
        # (COMMIT runs the deferred foreign-key checks, seconds for a long list). Best effort:
        # the time set inside the transaction stays if this fails.
        try:
            WorkerListSubmission.objects.filter(
                pk=submission_id, status=SubmissionStatus.DONE
            ).update(finished_at=timezone.now())
        except DatabaseError:
            logger.warning("worker list %s: finish time not updated", submission_id)


def _parents_lock(submission: WorkerListSubmission) -> None:
    """The rows and leads this run writes reference the list and the agency without database
    constraints (see WorkerListRow.submission): lock both rows FOR KEY SHARE for the whole
    transaction, so neither can be deleted (or its key changed) until the run commits. Key
    share does not block the status and progress updates other connections make."""
    if connection.vendor != "postgresql":
        return  # SQLite: one writer at a time; nothing can delete them meanwhile
    submission_table = _quoted(WorkerListSubmission)
    agency_table = _quoted(PartnerAgency)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {submission_table} WHERE id = %(id)s FOR KEY SHARE",
            {"id": submission.pk},
        )
        if cursor.fetchone() is None:
            raise _ClaimLostError(submission.pk)
        cursor.execute(
            f"SELECT 1 FROM {agency_table} WHERE id = %(id)s FOR KEY SHARE",
            {"id": submission.agency_id},
        )
        if cursor.fetchone() is None:
            raise _ClaimLostError(submission.pk)


def _rows_load(submission: WorkerListSubmission) -> None:
    """The run's one transaction: rows, participant matches, leads and `done` commit together.

    Checked rows are COPYed into a temporary staging table while the file streams; the register
    match, the leads and the existing-lead check then settle each row's outcome in SQL on that
    table, and only then is each row written to the row table, once, as it stays.
    """
    submission_id = submission.pk
    checker = _checker(submission.agency)
    classifier = _Classifier()
    progress = _ProgressReporter(submission_id)
    phases = _Phases()
    processed = 0
    try:
        with transaction.atomic(), submission.file.open("rb") as fileobj:
            phases.lap("open")
            postgres = connection.vendor == "postgresql"
            if postgres:
                # Room to hash and sort a million staged rows without spilling to disk; no JIT
                # (its compilation cost more than it saved on these statements).
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL work_mem = '128MB'")
                    cursor.execute("SET LOCAL jit = off")
            _parents_lock(submission)
            WorkerListRow.objects.filter(submission_id=submission_id).delete()
            _staging_create()
            estimate, rows = read_rows(fileobj, filename=submission.original_filename)
            total = estimate
            progress.report(processed=0, total=estimate)
            check = checker.check
            for batch in _batched(rows, settings.WORKER_LIST_BATCH_ROWS):
                _rows_stage(classifier.values([check(number, raw) for number, raw in batch]))
                processed += len(batch)
                total = max(total, processed)
                progress.report(processed=processed, total=total)
            if postgres:
                # A temporary table has no statistics until analysed: the joins below need them.
                with connection.cursor() as cursor:
                    cursor.execute(f"ANALYZE {_STAGING}")
            phases.lap("read_check_stage")
            # Every valid first row of a NIK is one register lookup (the agency's matching volume).
            lookups = classifier.counts[_NEW_LEAD]
            matched = _rows_match_participants()
            phases.lap("match")
            created = _leads_create(submission)
            phases.lap("leads")
            _rows_mark_existing_leads(submission, candidates=lookups - matched, created=created)
            counts = _rows_store(submission)
            _staging_drop()
            phases.lap("rows")
            finished = WorkerListSubmission.objects.filter(
                pk=submission_id, status=SubmissionStatus.PROCESSING
            ).update(
                status=SubmissionStatus.DONE,
                finished_at=timezone.now(),
                processed_rows=processed,
                total_rows=processed,
                register_lookups=lookups,
                register_disclosures=counts[RowOutcome.ALREADY_COVERED] + counts[RowOutcome.LAPSED],
                **{f"count_{outcome}": counts[outcome] for outcome in OUTCOMES},
                source_header=rows.layout.header,
            )
            if not finished:
                raise _ClaimLostError(submission_id)
            WorkerListProgress.objects.filter(submission_id=submission_id).delete()
            # New leads and matches change the month's figures (coverage listens; receivers
            # enqueue on commit, and a failing enqueue there cannot touch this list: it is
            # done, and worker_list_fail only changes lists that are processing).
            worker_list_finished.send(sender=WorkerListSubmission, submission=submission)
            transaction.on_commit(lambda: _staged_file_delete(submission_id))
            phases.lap("finish")
        phases.lap("commit")
        # Seconds per phase, no row data: what the benchmark reports as the breakdown.
        logger.info("worker list %s: %s rows, phases %s", submission_id, processed, phases)
    finally:
        progress.close()


class _Phases:
    """Wall-clock seconds per phase of a run, for the log."""

    def __init__(self):
        self.last = time.perf_counter()
        self.seconds: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.seconds[name] = now - self.last
        self.last = now

    def __str__(self) -> str:
        return " ".join(f"{name}={seconds:.2f}" for name, seconds in self.seconds.items())


def worker_list_sweep() -> dict[str, int]:
    """Scheduled (Celery beat): queue again the lists nobody is working on, delete staged files
    of finished lists. Loops over lists (tens), never over rows.

    - `queued` lists handed to the broker more than WORKER_LIST_REQUEUE_AFTER_S ago: the broker
      was down at submission or lost its queue (a duplicate message is harmless: the run lock
      and the claim make the second delivery a no-op);
    - `processing` lists whose run is gone: on PostgreSQL, their run lock is free (the run's
      connection ended); elsewhere, started longer ago than the task's time limit.
    """
    now = timezone.now()
    requeued = 0
    stale = now - dt.timedelta(seconds=settings.WORKER_LIST_REQUEUE_AFTER_S)
    waiting = WorkerListSubmission.objects.filter(
        Q(queued_at__lt=stale) | Q(queued_at__isnull=True), status=SubmissionStatus.QUEUED
    )
    for pk in list(waiting.values_list("pk", flat=True)[:500]):
        marked = WorkerListSubmission.objects.filter(
            Q(queued_at__lt=stale) | Q(queued_at__isnull=True),
            pk=pk,
            status=SubmissionStatus.QUEUED,
        ).update(queued_at=now)
        if marked and _enqueue(pk):
            requeued += 1

    orphaned = WorkerListSubmission.objects.filter(status=SubmissionStatus.PROCESSING)
    if connection.vendor != "postgresql":
        orphaned = orphaned.filter(started_at__lt=_lease_expired_before())
    for pk in list(orphaned.values_list("pk", flat=True)[:500]):
        with _run_lock(pk) as free:
            if not free:
                continue  # a live run holds it
            marked = WorkerListSubmission.objects.filter(
                pk=pk, status=SubmissionStatus.PROCESSING
            ).update(status=SubmissionStatus.QUEUED, queued_at=now)
        if marked:
            logger.warning("worker list %s: its run ended without finishing; queued again", pk)
            if _enqueue(pk):
                requeued += 1

    cleaned = 0
    finished = WorkerListSubmission.objects.filter(
        status__in=[SubmissionStatus.DONE, SubmissionStatus.FAILED]
    ).exclude(file="")
    for pk in list(finished.values_list("pk", flat=True)[:500]):
        _staged_file_delete(pk)
        cleaned += 1
    return {"requeued": requeued, "staged_files_deleted": cleaned}


def _months_before(moment: dt.datetime, months: int) -> dt.datetime:
    year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def worker_list_rows_purge(*, now: dt.datetime | None = None) -> int:
    """Delete the rows of finished lists submitted more than WORKER_LIST_RETENTION_MONTHS ago
    (UU PDP 27/2022: personal data kept no longer than its purpose needs). The list itself, its
    counts and the leads it created stay; so does the date the rows went. One DELETE per list
    (no Python loop over rows). Returns the number of lists purged. Scheduled daily (beat)."""
    now = now or timezone.now()
    cutoff = _months_before(now, settings.WORKER_LIST_RETENTION_MONTHS)
    expired = WorkerListSubmission.objects.filter(
        created_at__lt=cutoff,
        rows_purged_at__isnull=True,
        status__in=[SubmissionStatus.DONE, SubmissionStatus.FAILED],
    )
    purged = 0
    for pk in list(expired.values_list("pk", flat=True)):
        with transaction.atomic():
            WorkerListRow.objects.filter(submission_id=pk).delete()
            WorkerListSubmission.objects.filter(pk=pk).update(rows_purged_at=now)
            transaction.on_commit(lambda pk=pk: _staged_file_delete(pk))
        purged += 1
    if purged:
        logger.info("worker lists: rows of %s lists past retention deleted", purged)
    return purged


def worker_list_source_cells_purge(*, now: dt.datetime | None = None) -> int:
    """Empty the cells kept as typed (rows' source_cells, the list's source_header) of lists
    submitted more than WORKER_LIST_SOURCE_CELLS_DAYS ago: the report and the fix file then use
    the template's columns with the checked values. One UPDATE per list, in one transaction
    with its header. Returns the number of lists emptied. Scheduled daily with the row purge."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.WORKER_LIST_SOURCE_CELLS_DAYS)
    expired = WorkerListSubmission.objects.filter(
        created_at__lt=cutoff,
        source_header__isnull=False,
        status__in=[SubmissionStatus.DONE, SubmissionStatus.FAILED],
    )
    emptied = 0
    for pk in list(expired.values_list("pk", flat=True)):
        with transaction.atomic():
            WorkerListRow.objects.filter(submission_id=pk, source_cells__isnull=False).update(
                source_cells=None
            )
            WorkerListSubmission.objects.filter(pk=pk).update(source_header=None)
        emptied += 1
    if emptied:
        logger.info("worker lists: cells as typed of %s lists past their window emptied", emptied)
    return emptied


# What branch staff may record after working a lead; "new" is only ever set on creation.
LEAD_WORK_OUTCOMES = (LeadStatus.ENROLLED, LeadStatus.UNREACHABLE, LeadStatus.NOT_ELIGIBLE)


@transaction.atomic
def lead_status_set(*, lead: EnrollmentLead, status: str, user: Actor) -> EnrollmentLead:
    if status not in LEAD_WORK_OUTCOMES:
        raise ValueError(f"status {status!r} cannot be set by hand")
    # The status as committed, locked until COMMIT: the tally moves the lead from the status it
    # really had, even when `lead` is a stale copy or two people mark it at once.
    agency_id, work_regency_id, branch_id, previous = (
        EnrollmentLead.objects.select_for_update()
        .values_list("agency_id", "work_regency_id", "branch_id", "status")
        .get(pk=lead.pk)
    )
    lead.status = status
    lead.status_changed_at = timezone.now()
    lead.status_changed_by = user
    lead.save(update_fields=["status", "status_changed_at", "status_changed_by"])
    if previous != status:
        _lead_tally_move(
            agency_id=agency_id,
            work_regency_id=work_regency_id,
            branch_id=branch_id,
            old=previous,
            new=status,
        )
    return lead
