"""Worker lists submitted by partner agencies, the checked rows of each list, and the enrollment
leads those rows create (the work branch staff take up from them)."""

from django.core.files.storage import storages
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from agencies.models import PartnerAgency

from .reading import failure_code, failure_message


class SubmissionStatus(models.TextChoices):
    QUEUED = "queued", _("Dalam antrean")
    PROCESSING = "processing", _("Sedang diproses")
    DONE = "done", _("Selesai")
    FAILED = "failed", _("Gagal")


class RowOutcome(models.TextChoices):
    INVALID = "invalid", _("Tidak valid")
    DUPLICATE_IN_LIST = "duplicate_in_list", _("Ganda dalam daftar")
    # The NIK is in the participant register but name or birth date differ: no status is
    # disclosed and no lead made; the agency checks the row (worker_lists.services).
    NEEDS_VERIFICATION = "needs_verification", _("Perlu verifikasi")
    ALREADY_COVERED = "already_covered", _("Sudah terdaftar (aktif)")
    LAPSED = "lapsed", _("Peserta nonaktif")
    # Already a lead of this agency from an earlier list: nothing new was created.
    EXISTING_LEAD = "existing_lead", _("Sudah menjadi prospek")
    NEW_LEAD = "new_lead", _("Prospek baru")


# The order of the counts in the API, the report and the page.
OUTCOMES = [choice.value for choice in RowOutcome]


class SourceFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"


def staging_storage():
    """Where uploads wait for the worker: STORAGES["worker_list_staging"] (see settings), a
    storage the web and the worker both reach even on different hosts."""
    return storages["worker_list_staging"]


class WorkerListSubmission(models.Model):
    """One list sent by a partner agency. JSON bodies are staged as a CSV file like uploads are."""

    agency = models.ForeignKey(
        "agencies.PartnerAgency",
        on_delete=models.PROTECT,
        related_name="worker_lists",
        verbose_name=_("instansi"),
    )
    reference = models.CharField(_("referensi"), max_length=200)
    idempotency_key = models.CharField(_("kunci idempotensi"), max_length=200, blank=True)
    content_hash = models.CharField(_("hash isi"), max_length=64)
    source_format = models.CharField(_("format"), max_length=4, choices=SourceFormat.choices)
    original_filename = models.CharField(_("nama file"), max_length=255, blank=True)
    # Emptied once the list is done or failed: the rows keep what the report needs.
    file = models.FileField(
        _("file"), upload_to="worker_lists/%Y/%m/", storage=staging_storage, blank=True
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=SubmissionStatus.choices,
        default=SubmissionStatus.QUEUED,
    )
    failure_reason = models.TextField(_("alasan gagal"), blank=True)
    processed_rows = models.PositiveIntegerField(_("baris diproses"), default=0)
    total_rows = models.PositiveIntegerField(_("jumlah baris"), default=0)
    count_invalid = models.PositiveIntegerField(default=0)
    count_duplicate_in_list = models.PositiveIntegerField(default=0)
    count_already_covered = models.PositiveIntegerField(default=0)
    count_lapsed = models.PositiveIntegerField(default=0)
    count_new_lead = models.PositiveIntegerField(default=0)
    count_needs_verification = models.PositiveIntegerField(default=0)
    count_existing_lead = models.PositiveIntegerField(default=0)
    # Matching volume, kept for administrators: rows looked up in the participant register and
    # rows whose participant status was disclosed to the agency (active or lapsed).
    register_lookups = models.PositiveIntegerField(_("dicocokkan ke data peserta"), default=0)
    register_disclosures = models.PositiveIntegerField(_("status peserta diungkap"), default=0)
    submitted_by_user = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_by_key = models.ForeignKey(
        "agencies.AgencyAPIKey",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("dikirim"), auto_now_add=True)
    # When the list was last handed to the broker; the sweeper queues it again if it is still
    # waiting long after that (a broker that lost or never got the message).
    queued_at = models.DateTimeField(_("masuk antrean"), null=True, blank=True)
    # Runs that claimed the list; a list that keeps killing its worker is failed after
    # WORKER_LIST_MAX_ATTEMPTS instead of being re-queued forever.
    attempts = models.PositiveSmallIntegerField(_("percobaan"), default=0)
    started_at = models.DateTimeField(_("mulai diproses"), null=True, blank=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    # Set when the rows were deleted at the end of the retention period (the counts remain).
    rows_purged_at = models.DateTimeField(_("baris dihapus"), null=True, blank=True)
    # The file's header row as the partner typed it (names and order), so the report and the
    # fix file carry the partner's own columns. Kept with the rows' source_cells and emptied with
    # them after WORKER_LIST_SOURCE_CELLS_DAYS (services.worker_list_rows_purge); NULL means the
    # report uses the template's columns.
    source_header = models.JSONField(_("judul kolom asli"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("daftar pekerja")
        verbose_name_plural = _("daftar pekerja")
        constraints = [
            # Two requests racing with the same Idempotency-Key still make one submission.
            models.UniqueConstraint(
                fields=["agency", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="worker_list_idempotency_key_unique",
            ),
            models.CheckConstraint(
                condition=Q(processed_rows__lte=models.F("total_rows")),
                name="worker_list_progress_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.agency_id})"

    @property
    def counts(self) -> dict[str, int]:
        counts = {outcome: getattr(self, f"count_{outcome}") for outcome in OUTCOMES}
        return {"total": sum(counts.values()), **counts}

    @property
    def failure_code(self) -> str:
        return failure_code(self.failure_reason)

    @property
    def failure_message(self) -> str:
        """The stored failure code as a sentence in the reader's language."""
        return failure_message(self.failure_reason)

    @property
    def progress(self) -> dict[str, int]:
        """While a run works, its progress lives in WorkerListProgress (see there); the list's
        own columns hold the final figures."""
        if self.status == SubmissionStatus.PROCESSING:
            live = (
                WorkerListProgress.objects.filter(submission_id=self.pk)
                .values_list("processed_rows", "total_rows")
                .first()
            )
            if live is not None:
                return {"processed": live[0], "total": live[1]}
        return {"processed": self.processed_rows, "total": self.total_rows}

    @property
    def is_finished(self) -> bool:
        return self.status in (SubmissionStatus.DONE, SubmissionStatus.FAILED)

    @property
    def progress_percent(self) -> int:
        if self.status == SubmissionStatus.DONE:
            return 100
        progress = self.progress
        if not progress["total"]:
            return 0
        return min(100, progress["processed"] * 100 // progress["total"])


class WorkerListProgress(models.Model):
    """Progress of the run working on a list, written from a second connection while the rows
    are loaded in one long transaction.

    Not on the list's own row: every progress update left a dead version of that row, and the
    deferred foreign-key check of each of a million rows (row -> list) walked past them at
    COMMIT (issue 14). Deleted when the run ends.
    """

    submission = models.OneToOneField(
        WorkerListSubmission,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="live_progress",
    )
    processed_rows = models.PositiveIntegerField(default=0)
    total_rows = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.submission_id}: {self.processed_rows}/{self.total_rows}"


class StagedFileChunk(models.Model):
    """A piece of a staged upload, for worker_lists.staging.DatabaseStagingStorage.

    Uploads wait here (in 1 MB pieces) until the worker has read them, then are deleted; the
    database is the one store the web and the worker always share.
    """

    name = models.CharField(max_length=255)
    seq = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["name", "seq"], name="staged_chunk_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name}#{self.seq}"


class WorkerListRow(models.Model):
    """A data row of a list as it was read, with its outcome and error codes.

    `nik` keeps the raw value (a damaged NIK is reported as sent, never repaired); `errors` keeps
    codes and fields only, so messages are rendered in the reader's language.
    """

    # No index of its own: the unique (submission, row_number) index serves every lookup, and
    # each index costs time on a million-row insert.
    # No database constraint either (db_constraint=False), by decision: every row of a list
    # has the same parent, and the deferred check of a million identical references was a
    # large part of COMMIT (issue 14: 40% of the run at 100k rows, 17% at 1M). Integrity is kept
    # by the only writer instead: the run's transaction takes one FOR KEY SHARE lock on the list
    # before writing rows (services._parents_lock), so the list cannot be deleted while its rows
    # are written; lists are deleted through the ORM only (CASCADE deletes the rows), and the
    # admin refuses to delete a list that is not finished.
    submission = models.ForeignKey(
        WorkerListSubmission,
        on_delete=models.CASCADE,
        related_name="rows",
        db_index=False,
        db_constraint=False,
    )
    row_number = models.PositiveIntegerField(_("baris"))
    nik = models.CharField(_("NIK"), max_length=64, blank=True)
    full_name = models.CharField(_("nama"), max_length=150, blank=True)
    birth_date = models.DateField(_("tanggal lahir"), null=True, blank=True)
    regency_code = models.CharField(_("kode kab/kota"), max_length=16, blank=True)
    unit = models.CharField(_("unit kerja"), max_length=200, blank=True)
    position = models.CharField(_("jabatan"), max_length=200, blank=True)
    # Settled before the row is written, never updated afterwards (services._rows_load).
    outcome = models.CharField(
        _("hasil"), max_length=20, choices=RowOutcome.choices, blank=True, db_index=False
    )
    errors = models.JSONField(_("kesalahan"), default=list, blank=True)
    # The row's cells as typed, minimised (validation.RowChecker decides): every cell, in the
    # file's column order, of an invalid row (so it can be corrected); only the partner's extra
    # (non-template) columns, in their order, of any other row of a file that has such columns;
    # NULL otherwise, so a template file costs nothing. Personal data for a short window:
    # emptied after WORKER_LIST_SOURCE_CELLS_DAYS (services.worker_list_rows_purge).
    source_cells = models.JSONField(_("isian asli"), null=True, blank=True)

    class Meta:
        ordering = ["submission", "row_number"]
        verbose_name = _("baris daftar pekerja")
        verbose_name_plural = _("baris daftar pekerja")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "row_number"], name="worker_list_row_unique"
            ),
        ]
        # Index review (issue 14): each index below is written once per row of a million-row
        # list, so each must serve a read. The primary key is Django's (admin, ORM). The
        # unique (submission, row_number) keeps a re-run from doubling rows and serves the
        # report and the row pages in file order. (submission, outcome, row_number) serves the
        # row page's and the API's outcome filter and the invalid-rows report, which would
        # otherwise walk every row of a long list to page through its 2% invalid ones. None can
        # be deferred: the table is shared by all lists, so indexes cannot be dropped and
        # rebuilt around one list's load.
        indexes = [
            models.Index(
                fields=["submission", "outcome", "row_number"], name="worker_list_row_outcome_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.submission_id}#{self.row_number}"


class LeadStatus(models.TextChoices):
    NEW = "new", _("Baru")
    ENROLLED = "enrolled", _("Sudah didaftarkan")
    UNREACHABLE = "unreachable", _("Tidak dapat dihubungi")
    NOT_ELIGIBLE = "not_eligible", _("Tidak memenuhi syarat")


class EnrollmentLead(models.Model):
    """A worker reported by a partner agency who is not a participant yet: work for a branch.

    One lead per NIK and agency, whatever the number of lists that agency submits.
    """

    nik = models.CharField(_("NIK"), max_length=16)
    full_name = models.CharField(_("nama lengkap"), max_length=150)
    birth_date = models.DateField(_("tanggal lahir"), null=True, blank=True)
    # The foreign keys below carry no index of their own: a list can insert a million leads at
    # once and every index is paid per lead. Lookups by agency use the unique (agency, nik)
    # index, by branch and regency the (.., status) indexes; employer and status_changed_by are
    # empty on new leads, so their indexes are partial (see Meta.indexes).
    # Same parent for every lead a list inserts: no database constraint (see
    # WorkerListRow.submission); the run locks the agency row FOR KEY SHARE first, and PROTECT
    # is enforced by Django when an agency is deleted.
    agency = models.ForeignKey(
        "agencies.PartnerAgency",
        on_delete=models.PROTECT,
        related_name="leads",
        verbose_name=_("instansi pengirim"),
        db_index=False,
        db_constraint=False,
    )
    # Work regency and branch: no database constraint either, by decision (issue 14): their
    # deferred checks were 4-5 s of COMMIT for a million-lead list, one check per lead against
    # a few hundred distinct parents. The ingest, the only writer of leads, keeps the integrity
    # instead: it locks the regencies and branches its leads will reference FOR KEY SHARE (the
    # lock a constraint check takes) before inserting, and takes them from a join with those
    # tables in the insert itself (services._lead_parents_lock, _leads_create), so every
    # reference exists and cannot be deleted before the run commits. Deleting a regency or
    # branch with leads is refused by Django (PROTECT); both are reference data.
    work_regency = models.ForeignKey(
        "regions.Regency",
        on_delete=models.PROTECT,
        related_name="leads",
        verbose_name=_("kab/kota tempat kerja"),
        db_index=False,
        db_constraint=False,
    )
    branch = models.ForeignKey(
        "regions.BranchOffice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="leads",
        verbose_name=_("kantor cabang"),
        db_index=False,
        db_constraint=False,
    )
    employer = models.ForeignKey(
        "employers.Employer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="leads",
        verbose_name=_("pemberi kerja"),
        db_index=False,
    )
    unit = models.CharField(_("unit kerja"), max_length=200, blank=True)
    position = models.CharField(_("jabatan"), max_length=200, blank=True)
    # Not indexed: nothing looks leads up by list, and a list can insert a million leads at once.
    # No database constraint, as for `agency` (the run holds the list FOR KEY SHARE; SET_NULL
    # is done by Django when a list is deleted).
    first_submission = models.ForeignKey(
        "worker_lists.WorkerListSubmission",
        db_index=False,
        db_constraint=False,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="leads_created",
        verbose_name=_("daftar pertama"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=LeadStatus.choices, default=LeadStatus.NEW
    )
    status_changed_at = models.DateTimeField(_("status berubah"), null=True, blank=True)
    status_changed_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    # Who moved a lead to which status, and when. The person's own data stays out of the audit
    # trail (UU PDP: kept once, where its retention applies).
    history = HistoricalRecords(
        excluded_fields=["nik", "full_name", "birth_date", "unit", "position"]
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("prospek pendaftaran")
        verbose_name_plural = _("prospek pendaftaran")
        constraints = [
            # Agency first, so the same index serves an agency's leads (scoping, panels).
            models.UniqueConstraint(fields=["agency", "nik"], name="lead_unique_per_agency_nik"),
        ]
        # Index review (issue 14), each index paid per new lead (870,000 for a 1M-row list):
        # - the unique (agency, nik): the ON CONFLICT target (one lead per agency and NIK) and
        #   an agency's own leads (scoping, panels, the coverage GROUP BY by agency);
        # - (branch, status) and (work_regency, status): branch staff's lead lists (scoped by
        #   branch, filtered by status) and the regency filter;
        # - employer and status_changed_by: partial, NULL on every new lead, so never written
        #   at ingest;
        # - the trigram GIN on UPPER(full_name) (migration 0010): the lead name search. The
        #   dearest at ingest by far (870,001 leads inserted in 8.3 s without it, 26.1 s with
        #   it, same loaded machine); kept, because the search needs it at millions of leads.
        #   Deferring it through GIN's pending list (gin_pending_list_limit 1 GB) was measured
        #   and not kept: 17.6 s to insert plus 6.0 s to merge the list afterwards, and every
        #   search scans the pending list until then.
        # Nothing here can be dropped and rebuilt around one list: the table is shared.
        indexes = [
            models.Index(fields=["branch", "status"], name="lead_branch_status_idx"),
            models.Index(fields=["work_regency", "status"], name="lead_regency_status_idx"),
            # The lead list's order (Meta.ordering), alone and after the filters the page and
            # the scoping apply, so its first pages are index scans at millions of leads
            # (issue 14). A rare status is found through the partial index: "new" is most leads
            # and walks the plain order index.
            models.Index(fields=["-created_at", "-id"], name="lead_created_idx"),
            models.Index(fields=["agency", "-created_at", "-id"], name="lead_agency_created_idx"),
            models.Index(fields=["branch", "-created_at", "-id"], name="lead_branch_created_idx"),
            models.Index(
                fields=["work_regency", "-created_at", "-id"], name="lead_regency_created_idx"
            ),
            models.Index(
                fields=["status", "-created_at", "-id"],
                condition=~Q(status="new"),
                name="lead_worked_created_idx",
            ),
            # Coverage of a past month counts the leads enrolled by its end per regency and per
            # agency from this index alone; its newest entry tells whether the lead tally still
            # describes a month (coverage.services._lead_mode). Partial: enrolled leads only, so
            # new leads (every lead a list inserts) cost it nothing.
            models.Index(
                fields=["status_changed_at"],
                include=["agency", "work_regency"],
                condition=Q(status="enrolled"),
                name="lead_enrolled_idx",
            ),
            models.Index(
                fields=["employer"],
                condition=Q(employer__isnull=False),
                name="lead_employer_idx",
            ),
            models.Index(
                fields=["status_changed_by"],
                condition=Q(status_changed_by__isnull=False),
                name="lead_status_changed_by_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.nik})"


class LeadIntake(models.Model):
    """How many leads each agency's lists created per calendar month (in the project's time
    zone): what the coverage recompute reads for "leads by the end of month P" (the sum of the
    months up to P), instead of counting millions of leads by creation date (issue 14).

    Kept by the only writer of leads, the ingest (services._leads_create: one upsert in the
    statement that inserts the leads; all the leads of a run share its creation time, so one
    row per run), and recounted with the tally by `lead_tally_rebuild`. Leads are never
    deleted and their creation time never changes, so nothing else moves it.
    """

    agency = models.ForeignKey(
        "agencies.PartnerAgency", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    month = models.DateField(_("bulan"))
    count = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("prospek baru per bulan")
        verbose_name_plural = _("prospek baru per bulan")
        constraints = [
            models.UniqueConstraint(fields=["agency", "month"], name="lead_intake_key"),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.month:%Y-%m}: {self.count}"


class LeadTally(models.Model):
    """How many leads there are per agency, work regency, branch and status: what the lead
    list's status counts, filter choices and page total read, instead of counting millions of
    leads on every request (issue 14).

    Kept by the writes that create or change leads, set-based and in their own transaction
    (worker_lists.services: `_lead_tally_add_for_submission`, `lead_status_set`); nothing in
    the application deletes leads (an agency, regency or branch with leads is protected). A
    write that bypasses the services (raw SQL, a data fix) must be followed by
    `lead_tally_rebuild` (`manage.py lead_tally_rebuild`). Scoped like the leads it counts
    (accounts.permissions.lead_tallies_visible_to). Rows that fall to zero stay, and are
    skipped by the readers: deleting them would race with the writers' upserts.
    """

    # CASCADE: an agency, regency or branch can only be deleted once it has no leads, and
    # then its tally rows are zeros.
    agency = models.ForeignKey(
        "agencies.PartnerAgency", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    work_regency = models.ForeignKey(
        "regions.Regency", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    branch = models.ForeignKey(
        "regions.BranchOffice",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    status = models.CharField(max_length=12, choices=LeadStatus.choices)
    count = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("jumlah prospek")
        verbose_name_plural = _("jumlah prospek")
        constraints = [
            # The upserts' conflict target (services.LEAD_TALLY_KEY). A lead may have no
            # branch; NULLs are distinct in a unique index, so the key uses 0 for none.
            models.UniqueConstraint(
                F("agency"),
                F("work_regency"),
                Coalesce(F("branch"), Value(0), output_field=models.BigIntegerField()),
                F("status"),
                name="lead_tally_key",
            ),
        ]
        indexes = [
            # Scoping and filters: by branch (branch staff), by regency (filter choices).
            models.Index(fields=["branch", "status"], name="lead_tally_branch_idx"),
            models.Index(fields=["work_regency", "agency"], name="lead_tally_regency_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.work_regency_id}/{self.branch_id}/{self.status}"


class AgencyMatchingVolume(PartnerAgency):
    """Partner agencies seen through their lists' matching volume (admin only, read-only)."""

    class Meta:
        proxy = True
        verbose_name = _("volume pencocokan instansi")
        verbose_name_plural = _("volume pencocokan instansi")
