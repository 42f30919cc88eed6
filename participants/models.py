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
