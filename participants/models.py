"""Participants (peserta) of BPJS Ketenagakerjaan: the numerator of coverage."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.identifiers import validate_nik


class Segment(models.TextChoices):
    PU = "PU", _("Penerima Upah (PU)")
    BPU = "BPU", _("Bukan Penerima Upah (BPU)")
    JAKON = "JAKON", _("Jasa Konstruksi (Jakon)")
    PMI = "PMI", _("Pekerja Migran Indonesia (PMI)")


class ParticipantStatus(models.TextChoices):
    ACTIVE = "active", _("Aktif")
    INACTIVE = "inactive", _("Nonaktif")


class Sex(models.TextChoices):
    MALE = "M", _("Laki-laki")
    FEMALE = "F", _("Perempuan")


class ParticipantQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ParticipantQuerySet":
        from accounts.scoping import participants_visible_to

        return participants_visible_to(self, user)


class Participant(models.Model):
    nik = models.CharField(_("NIK"), max_length=16, unique=True, validators=[validate_nik])
    kpj = models.CharField(_("nomor KPJ"), max_length=11, null=True, blank=True, unique=True)
    full_name = models.CharField(_("nama lengkap"), max_length=150)
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("tanggal lahir"))
    segment = models.CharField(_("segmen"), max_length=5, choices=Segment.choices)
    status = models.CharField(_("status"), max_length=8, choices=ParticipantStatus.choices)
    employer = models.ForeignKey(
        "employers.Employer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participants",
        verbose_name=_("pemberi kerja"),
    )
    work_regency = models.ForeignKey(
        "regions.Regency",
        on_delete=models.PROTECT,
        related_name="participants",
        verbose_name=_("kab/kota tempat kerja"),
    )
    registered_on = models.DateField(_("tanggal terdaftar"))
    last_paid_period = models.DateField(_("periode iuran terakhir"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("peserta")
        verbose_name_plural = _("peserta")
        constraints = [
            models.CheckConstraint(condition=Q(nik__regex=r"^\d{16}$"), name="participant_nik_16"),
        ]
        indexes = [
            # Coverage: active participants per regency and segment, answered from the index alone.
            models.Index(
                fields=["status", "work_regency", "segment"],
                name="participant_coverage_idx",
            ),
            models.Index(fields=["work_regency", "registered_on"], name="participant_new_idx"),
            models.Index(fields=["employer", "status"], name="participant_employer_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.nik})"


class LeadStatus(models.TextChoices):
    NEW = "new", _("Baru")
    ENROLLED = "enrolled", _("Sudah didaftarkan")
    UNREACHABLE = "unreachable", _("Tidak dapat dihubungi")
    NOT_ELIGIBLE = "not_eligible", _("Tidak memenuhi syarat")


class EnrollmentLeadQuerySet(models.QuerySet):
    def visible_to(self, user) -> "EnrollmentLeadQuerySet":
        from accounts.scoping import leads_visible_to

        return leads_visible_to(self, user)


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
    agency = models.ForeignKey(
        "agencies.PartnerAgency",
        on_delete=models.PROTECT,
        related_name="leads",
        verbose_name=_("instansi pengirim"),
        db_index=False,
    )
    work_regency = models.ForeignKey(
        "regions.Regency",
        on_delete=models.PROTECT,
        related_name="leads",
        verbose_name=_("kab/kota tempat kerja"),
        db_index=False,
    )
    branch = models.ForeignKey(
        "regions.BranchOffice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="leads",
        verbose_name=_("kantor cabang"),
        db_index=False,
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
    first_submission = models.ForeignKey(
        "worker_lists.WorkerListSubmission",
        db_index=False,
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

    objects = EnrollmentLeadQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("prospek pendaftaran")
        verbose_name_plural = _("prospek pendaftaran")
        constraints = [
            # Agency first, so the same index serves an agency's leads (scoping, panels).
            models.UniqueConstraint(fields=["agency", "nik"], name="lead_unique_per_agency_nik"),
        ]
        indexes = [
            models.Index(fields=["branch", "status"], name="lead_branch_status_idx"),
            models.Index(fields=["work_regency", "status"], name="lead_regency_status_idx"),
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
