"""Participants (peserta) of BPJS Ketenagakerjaan: the numerator of coverage."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.identifiers import validate_nik
from regions.models import NATIONAL_CODE


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
            # Partial (active only) with the grouping columns as the whole key and registered_on
            # carried, not sorted: equal keys stay in heap order, so the index-only scan checks
            # the visibility map page by page instead of jumping between its pages for every
            # entry, which made the former (status, regency, segment, registered_on) key cost
            # 1.3-2x the raw GROUP BY (issue 14, docs/BENCHMARKS.md). registered_on lets a past
            # month filter those registered by its end on the index tuple. (INCLUDE is
            # PostgreSQL's; SQLite builds the index without the carried column.)
            models.Index(
                fields=["work_regency", "segment"],
                include=["registered_on"],
                condition=Q(status="active"),
                name="participant_active_idx",
            ),
            # The current month (the nightly recompute) needs no registration date: without the
            # carried column, equal keys are deduplicated and the index is a quarter of the size
            # (54 MB against 241 MB at 10M participants), read as fast as the raw GROUP BY's.
            models.Index(
                fields=["work_regency", "segment"],
                condition=Q(status="active"),
                name="participant_active_now_idx",
            ),
            # Past months: participants inactive today count as active up to the last month
            # paid. Partial (inactive only: ~a fifth of the register), so it stays small.
            models.Index(
                fields=["last_paid_period", "work_regency", "segment", "registered_on"],
                condition=~Q(status="active"),
                name="participant_lapsed_paid_idx",
            ),
            models.Index(fields=["work_regency", "registered_on"], name="participant_new_idx"),
            models.Index(fields=["employer", "status"], name="participant_employer_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.nik})"


class ReportedParticipantCount(models.Model):
    """An official published count of active participants (BPJS TK, Kemnaker Satu Data).

    A data kind of its own beside the register above: published figures count participants where
    their employer is registered and come with their source and date; the register counts where
    people work. Dashboards show the two as separate, labelled series and never add them up.
    """

    class Level(models.TextChoices):
        NATIONAL = "national", _("Nasional")
        PROVINCE = "province", _("Provinsi")

    level = models.CharField(_("tingkat"), max_length=10, choices=Level.choices)
    region_code = models.CharField(_("kode wilayah"), max_length=8)
    period = models.DateField(_("periode"), help_text=_("Hari pertama bulan data."))
    active_total = models.PositiveBigIntegerField(_("peserta aktif"))
    active_pu = models.PositiveBigIntegerField(_("aktif PU"), null=True, blank=True)
    active_bpu = models.PositiveBigIntegerField(_("aktif BPU"), null=True, blank=True)
    active_jakon = models.PositiveBigIntegerField(_("aktif Jakon"), null=True, blank=True)
    territory_codes = models.CharField(
        _("wilayah yang dicakup"),
        max_length=40,
        blank=True,
        help_text=_(
            "Kode provinsi masa kini yang tercakup bila angka memakai wilayah lama "
            "(mis. Papua sebelum pemekaran 2022: 91,93,94,95); kosong = wilayah itu sendiri."
        ),
    )
    territory_note = models.CharField(_("catatan wilayah"), max_length=200, blank=True)
    as_published = models.CharField(_("seperti diterbitkan"), max_length=120, blank=True)
    caveat = models.CharField(_("catatan"), max_length=300, blank=True)
    source = models.CharField(_("sumber"), max_length=600)
    imported_at = models.DateTimeField(_("diimpor pada"), auto_now=True)

    class Meta:
        ordering = ["level", "region_code", "period"]
        verbose_name = _("jumlah peserta dilaporkan")
        verbose_name_plural = _("jumlah peserta dilaporkan")
        constraints = [
            models.UniqueConstraint(
                fields=["level", "region_code", "period"], name="reported_participants_unique"
            ),
            models.CheckConstraint(
                condition=Q(level="national", region_code=NATIONAL_CODE)
                | Q(level="province", region_code__regex=r"^\d{2}$"),
                name="reported_participants_code_matches_level",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region_code} {self.period:%Y-%m}: {self.active_total}"

    def territory(self) -> list[str]:
        """Present-day province codes this figure covers (the denominator's regions)."""
        if self.territory_codes:
            return self.territory_codes.split(",")
        return [self.region_code]
