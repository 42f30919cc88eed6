"""Employers (pemberi kerja) and the history of their compliance status."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.identifiers import validate_nib, validate_npwp


class ComplianceStatus(models.TextChoices):
    REGISTERED = "registered", _("Terdaftar penuh")
    PDS_TK = "pds_tk", _("PDS TK (sebagian tenaga kerja)")
    PDS_UPAH = "pds_upah", _("PDS Upah (upah dilaporkan kurang)")
    PDS_PROGRAM = "pds_program", _("PDS Program (sebagian program)")
    NOT_REGISTERED = "not_registered", _("Belum terdaftar (PWBD)")
    CLOSED = "closed", _("Tutup")


NON_COMPLIANT_STATUSES = (
    ComplianceStatus.PDS_TK,
    ComplianceStatus.PDS_UPAH,
    ComplianceStatus.PDS_PROGRAM,
    ComplianceStatus.NOT_REGISTERED,
)


class SizeClass(models.TextChoices):
    MICRO = "micro", _("Mikro (1-4)")
    SMALL = "small", _("Kecil (5-19)")
    MEDIUM = "medium", _("Menengah (20-99)")
    LARGE = "large", _("Besar (100+)")


class Sector(models.TextChoices):
    AGRICULTURE = "agriculture", _("Pertanian, kehutanan, perikanan")
    MANUFACTURING = "manufacturing", _("Industri pengolahan")
    CONSTRUCTION = "construction", _("Konstruksi")
    TRADE = "trade", _("Perdagangan")
    TRANSPORT = "transport", _("Transportasi dan pergudangan")
    HOSPITALITY = "hospitality", _("Akomodasi dan makan minum")
    SERVICES = "services", _("Jasa lainnya")
    GOVERNMENT = "government", _("Pemerintahan")
    MINING = "mining", _("Pertambangan")


class Employer(models.Model):
    name = models.CharField(_("nama"), max_length=200)
    npp = models.CharField(
        _("NPP"),
        max_length=20,
        null=True,
        blank=True,
        help_text=_("Nomor Pendaftaran Perusahaan di BPJS Ketenagakerjaan, bila sudah terdaftar."),
    )
    nib = models.CharField(_("NIB"), max_length=13, blank=True, validators=[validate_nib])
    npwp = models.CharField(_("NPWP"), max_length=16, blank=True, validators=[validate_npwp])
    sector = models.CharField(_("sektor"), max_length=20, choices=Sector.choices)
    size_class = models.CharField(_("skala"), max_length=10, choices=SizeClass.choices)
    regency = models.ForeignKey(
        "regions.Regency",
        on_delete=models.PROTECT,
        related_name="employers",
        verbose_name=_("kab/kota"),
    )
    district = models.ForeignKey(
        "regions.District",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="employers",
        verbose_name=_("kecamatan"),
    )
    address = models.CharField(_("alamat"), max_length=300, blank=True)
    branch = models.ForeignKey(
        "regions.BranchOffice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="employers",
        verbose_name=_("kantor cabang"),
    )
    compliance_status = models.CharField(
        _("status kepatuhan"), max_length=16, choices=ComplianceStatus.choices
    )
    reported_workers = models.PositiveIntegerField(
        _("tenaga kerja dilaporkan"),
        default=0,
        help_text=_("Jumlah pekerja menurut pemberi kerja atau temuan lapangan."),
    )
    registered_workers = models.PositiveIntegerField(
        _("tenaga kerja terdaftar"),
        default=0,
        help_text=_("Jumlah pekerja yang terdaftar aktif."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("pemberi kerja")
        verbose_name_plural = _("pemberi kerja")
        constraints = [
            models.UniqueConstraint(
                fields=["npp"],
                condition=Q(npp__isnull=False),
                name="employer_npp_unique",
            ),
            # One employer per identifier where it is known (empty means not known yet).
            models.UniqueConstraint(
                fields=["nib"], condition=~Q(nib=""), name="employer_nib_unique"
            ),
            models.UniqueConstraint(
                fields=["npwp"], condition=~Q(npwp=""), name="employer_npwp_unique"
            ),
            models.CheckConstraint(
                condition=Q(nib="") | Q(nib__regex=r"^\d{13}$"),
                name="employer_nib_13_digits",
            ),
            models.CheckConstraint(
                condition=Q(npwp="") | Q(npwp__regex=r"^\d{15,16}$"),
                name="employer_npwp_15_16_digits",
            ),
        ]
        indexes = [
            models.Index(fields=["branch", "compliance_status"]),
            models.Index(fields=["regency", "compliance_status"]),
            # The employer list sorts by name within a branch (branch staff) or overall.
            models.Index(fields=["branch", "name"]),
            models.Index(fields=["name"], name="employer_name_idx"),
            models.Index(fields=["compliance_status", "name"], name="employer_status_name_idx"),
            # The search box matches a name (trigram index, migration 0005) OR an NPP exactly
            # (npp__iexact: UPPER(npp)); without an index on the NPP side PostgreSQL cannot
            # combine the two and scans the table (50 ms at 100,000 employers).
            models.Index(Upper("npp"), name="employer_npp_upper_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class ComplianceStatusChange(models.Model):
    """When and why an employer's compliance status changed (and who changed it)."""

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(
        _("dari status"), max_length=16, choices=ComplianceStatus.choices, blank=True
    )
    to_status = models.CharField(_("ke status"), max_length=16, choices=ComplianceStatus.choices)
    changed_at = models.DateTimeField(_("waktu"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("oleh"),
    )
    reason = models.TextField(_("alasan"))
    visit = models.ForeignKey(
        "campaigns.Visit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="status_changes",
        verbose_name=_("kunjungan"),
    )

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("perubahan status kepatuhan")
        verbose_name_plural = _("perubahan status kepatuhan")
        indexes = [
            models.Index(fields=["employer", "-changed_at"]),
            # Campaign progress: employers moved to a status within a period.
            models.Index(fields=["to_status", "changed_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.employer_id}: {self.from_status or '-'} -> {self.to_status}"


class StatusProposal(models.Model):
    """A compliance status proposed by someone who may not set it (the agency that resolved a
    case); the owning branch accepts or rejects it, and the change is then recorded as usual."""

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="proposals")
    to_status = models.CharField(
        _("status diusulkan"), max_length=16, choices=ComplianceStatus.choices
    )
    reason = models.TextField(_("alasan"))
    proposed_at = models.DateTimeField(_("diusulkan pada"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diusulkan oleh"),
    )
    proposed_by_agency = models.ForeignKey(
        "agencies.PartnerAgency",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("instansi pengusul"),
    )
    case = models.ForeignKey(
        "campaigns.EscalationCase",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="status_proposals",
        verbose_name=_("kasus"),
    )
    accepted = models.BooleanField(_("diterima"), null=True, blank=True)
    decided_at = models.DateTimeField(_("diputuskan pada"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diputuskan oleh"),
    )

    class Meta:
        ordering = ["-proposed_at", "-id"]
        verbose_name = _("usulan status kepatuhan")
        verbose_name_plural = _("usulan status kepatuhan")
        indexes = [models.Index(fields=["employer", "accepted"])]

    def __str__(self) -> str:
        return f"{self.employer_id}: -> {self.to_status}"
