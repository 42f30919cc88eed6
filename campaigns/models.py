"""Field work: employer visits (kunjungan), escalation cases and campaigns."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class VisitPurpose(models.TextChoices):
    SOSIALISASI = "sosialisasi", _("Sosialisasi")
    REGISTRATION = "registration", _("Pendaftaran")
    RECONCILIATION = "reconciliation", _("Rekonsiliasi data")
    FOLLOW_UP = "follow_up", _("Tindak lanjut")
    OTHER = "other", _("Lainnya")


class VisitOutcome(models.TextChoices):
    ENROLLED = "enrolled", _("Pekerja baru didaftarkan")
    PROMISED = "promised", _("Berjanji mendaftar")
    REFUSED = "refused", _("Menolak")
    CLOSED_OR_MOVED = "closed_moved", _("Tutup/pindah")
    NOT_FOUND = "not_found", _("Tidak ditemukan")


class Visit(models.Model):
    employer = models.ForeignKey(
        "employers.Employer",
        on_delete=models.PROTECT,
        related_name="visits",
        verbose_name=_("pemberi kerja"),
    )
    branch = models.ForeignKey(
        "regions.BranchOffice",
        on_delete=models.PROTECT,
        related_name="visits",
        verbose_name=_("kantor cabang"),
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="visits",
        verbose_name=_("petugas"),
    )
    visited_on = models.DateField(_("tanggal kunjungan"))
    purpose = models.CharField(_("tujuan"), max_length=16, choices=VisitPurpose.choices)
    finding = models.TextField(_("temuan"), blank=True)
    outcome = models.CharField(_("hasil"), max_length=16, choices=VisitOutcome.choices)
    workers_enrolled = models.PositiveIntegerField(_("pekerja didaftarkan"), default=0)
    promised_by = models.DateField(_("janji mendaftar paling lambat"), null=True, blank=True)
    follow_up_on = models.DateField(_("tanggal tindak lanjut"), null=True, blank=True)
    follow_up_done = models.BooleanField(_("tindak lanjut selesai"), default=False)
    notes = models.TextField(_("catatan"), blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-visited_on", "-id"]
        verbose_name = _("kunjungan")
        verbose_name_plural = _("kunjungan")
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="promised", promised_by__isnull=False) | ~Q(outcome="promised"),
                name="visit_promise_has_date",
            ),
            models.CheckConstraint(
                condition=Q(workers_enrolled=0) | Q(outcome="enrolled"),
                name="visit_enrolled_count_only_when_enrolled",
            ),
        ]
        indexes = [
            models.Index(fields=["employer", "-visited_on"]),
            models.Index(fields=["branch", "follow_up_on"]),
            models.Index(fields=["branch", "-visited_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.employer} {self.visited_on}"


class CaseKind(models.TextChoices):
    INSPECTION = "inspection", _("Rujukan ke pengawas ketenagakerjaan")
    SKK = "skk", _("Surat Kuasa Khusus (SKK) ke Kejaksaan")


class CaseState(models.TextChoices):
    DRAFT = "draft", _("Draf")
    SENT = "sent", _("Terkirim")
    IN_PROGRESS = "in_progress", _("Dalam proses")
    RESOLVED = "resolved", _("Selesai (patuh)")
    CLOSED = "closed", _("Ditutup tanpa hasil")


# A case in one of these states is finished; every other state is open.
FINAL_CASE_STATES = (CaseState.RESOLVED, CaseState.CLOSED)


class EscalationCase(models.Model):
    # Reachable through relations (`employer.cases.model.FINAL_STATES`) by apps below campaigns.
    FINAL_STATES = FINAL_CASE_STATES

    employer = models.ForeignKey(
        "employers.Employer",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("pemberi kerja"),
    )
    branch = models.ForeignKey(
        "regions.BranchOffice",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("kantor cabang"),
    )
    agency = models.ForeignKey(
        "agencies.PartnerAgency",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("instansi tujuan"),
    )
    kind = models.CharField(_("jenis"), max_length=12, choices=CaseKind.choices)
    state = models.CharField(
        _("status"), max_length=12, choices=CaseState.choices, default=CaseState.DRAFT
    )
    summary = models.TextField(_("ringkasan pelanggaran"))
    # What an SKK is about: the contributions the employer owes (Rp), as the branch computed it.
    arrears_amount = models.DecimalField(
        _("tunggakan iuran (Rp)"), max_digits=15, decimal_places=0, null=True, blank=True
    )
    # The rung of the sanction ladder the referral or SKK followed, when there is one.
    sanction_step = models.ForeignKey(
        "SanctionStep",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("tahap sanksi"),
    )
    state_changed_at = models.DateTimeField(_("status berubah"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-state_changed_at"]
        verbose_name = _("kasus eskalasi")
        verbose_name_plural = _("kasus eskalasi")
        indexes = [
            models.Index(fields=["agency", "state"]),
            models.Index(fields=["branch", "state"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.employer}"


class CaseTransition(models.Model):
    case = models.ForeignKey(EscalationCase, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(max_length=12, choices=CaseState.choices, blank=True)
    to_state = models.CharField(max_length=12, choices=CaseState.choices)
    at = models.DateTimeField(_("waktu"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    # A partner agency may move a case through the API: the key is then "who".
    by_api_key = models.ForeignKey(
        "agencies.AgencyAPIKey",
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("kunci API"),
    )
    letter_number = models.CharField(_("nomor surat"), max_length=120, blank=True)
    note = models.TextField(_("catatan"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("riwayat kasus")
        verbose_name_plural = _("riwayat kasus")

    def __str__(self) -> str:
        return f"{self.from_state or '-'} -> {self.to_state}"


class Campaign(models.Model):
    name = models.CharField(_("nama"), max_length=200)
    starts_on = models.DateField(_("mulai"))
    ends_on = models.DateField(_("selesai"))
    provinces = models.ManyToManyField("regions.Province", blank=True, verbose_name=_("provinsi"))
    regencies = models.ManyToManyField("regions.Regency", blank=True, verbose_name=_("kab/kota"))
    branches = models.ManyToManyField(
        "regions.BranchOffice",
        blank=True,
        related_name="campaigns",
        verbose_name=_("cabang"),
    )
    agencies = models.ManyToManyField(
        "agencies.PartnerAgency",
        blank=True,
        related_name="campaigns",
        verbose_name=_("instansi"),
    )
    target_new_participants = models.PositiveIntegerField(_("target peserta baru"), default=0)
    target_employers_compliant = models.PositiveIntegerField(
        _("target pemberi kerja patuh"), default=0
    )
    target_non_asn_enrolled = models.PositiveIntegerField(_("target non-ASN terdaftar"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    # Empty only for campaigns made before authors were recorded.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dibuat oleh"),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("kampanye")
        verbose_name_plural = _("kampanye")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="campaign_dates_ordered"
            )
        ]

    def __str__(self) -> str:
        return self.name


class CampaignBranchTarget(models.Model):
    """One branch's share of a campaign's targets. Branches without one get an even split of
    the campaign's targets (shown as such)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="branch_targets")
    branch = models.ForeignKey(
        "regions.BranchOffice",
        on_delete=models.CASCADE,
        related_name="campaign_targets",
        verbose_name=_("cabang"),
    )
    target_new_participants = models.PositiveIntegerField(_("target peserta baru"), default=0)
    target_employers_compliant = models.PositiveIntegerField(
        _("target pemberi kerja patuh"), default=0
    )
    target_non_asn_enrolled = models.PositiveIntegerField(_("target non-ASN terdaftar"), default=0)

    class Meta:
        verbose_name = _("target cabang")
        verbose_name_plural = _("target cabang")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "branch"], name="campaign_branch_target_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.branch_id}"


class SanctionKind(models.TextChoices):
    """The administrative sanction ladder (UU 24/2011 art. 17; PP 86/2013 art. 5-13)."""

    WARNING_1 = "warning_1", _("Teguran tertulis I")
    WARNING_2 = "warning_2", _("Teguran tertulis II")
    FINE = "fine", _("Denda")
    TMP2T = "tmp2t", _("Tidak mendapat pelayanan publik tertentu (TMP2T)")


class SanctionOutcome(models.TextChoices):
    PENDING = "pending", _("Menunggu tenggat")
    COMPLIED = "complied", _("Dipatuhi")
    LAPSED = "lapsed", _("Lewat tenggat tanpa kepatuhan")
    WITHDRAWN = "withdrawn", _("Dibatalkan")


class PublicService(models.TextChoices):
    """Public services withheld under TMP2T (PP 86/2013 art. 9; Permenaker 4/2018)."""

    BUSINESS_PERMIT = "business", _("Perizinan usaha")
    TENDER = "tender", _("Izin mengikuti tender proyek")
    FOREIGN_WORKER = "foreign_worker", _("Izin mempekerjakan tenaga kerja asing")
    LABOUR_SUPPLIER = "labour_supplier", _("Izin perusahaan penyedia jasa pekerja/buruh")
    BUILDING = "building", _("Izin mendirikan bangunan (PBG)")


class SanctionStep(models.Model):
    """One rung of the ladder for one employer: the letter, its date, its deadline (in Indonesian
    working days), the arrears it is about, what was recovered and how it ended."""

    employer = models.ForeignKey(
        "employers.Employer",
        on_delete=models.PROTECT,
        related_name="sanction_steps",
        verbose_name=_("pemberi kerja"),
    )
    branch = models.ForeignKey(
        "regions.BranchOffice",
        on_delete=models.PROTECT,
        related_name="sanction_steps",
        verbose_name=_("kantor cabang"),
    )
    kind = models.CharField(_("tahap"), max_length=12, choices=SanctionKind.choices)
    letter_number = models.CharField(_("nomor surat"), max_length=120)
    issued_on = models.DateField(_("tanggal surat"))
    deadline = models.DateField(_("tenggat"), null=True, blank=True)
    arrears_amount = models.DecimalField(
        _("tunggakan iuran (Rp)"), max_digits=15, decimal_places=0, default=0
    )
    months_late = models.PositiveSmallIntegerField(_("bulan terlambat"), null=True, blank=True)
    fine_amount = models.DecimalField(
        _("denda (Rp)"), max_digits=15, decimal_places=0, null=True, blank=True
    )
    recovered_amount = models.DecimalField(
        _("tunggakan tertagih (Rp)"), max_digits=15, decimal_places=0, default=0
    )
    # TMP2T: the government addressed and the services it is asked to withhold.
    agency = models.ForeignKey(
        "agencies.PartnerAgency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sanction_requests",
        verbose_name=_("instansi yang diminta"),
    )
    public_services = models.JSONField(_("layanan publik"), default=list, blank=True)
    outcome = models.CharField(
        _("hasil"),
        max_length=10,
        choices=SanctionOutcome.choices,
        default=SanctionOutcome.PENDING,
    )
    outcome_on = models.DateField(_("tanggal hasil"), null=True, blank=True)
    outcome_note = models.TextField(_("catatan hasil"), blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["employer", "issued_on", "id"]
        verbose_name = _("tahap sanksi")
        verbose_name_plural = _("tahap sanksi")
        constraints = [
            # One rung at a time: the next is issued once this one has an outcome.
            models.UniqueConstraint(
                fields=["employer"],
                condition=Q(outcome="pending"),
                name="sanction_one_pending_step_per_employer",
            ),
            models.CheckConstraint(
                condition=Q(recovered_amount__gte=0) & Q(arrears_amount__gte=0),
                name="sanction_amounts_not_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["branch", "outcome", "deadline"]),
            models.Index(fields=["outcome", "deadline"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.letter_number}"
