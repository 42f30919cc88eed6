"""Coverage snapshots: active participants against the workforce, per region or office and month."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from regions.models import WorkforceFlag


class SnapshotLevel(models.TextChoices):
    NATIONAL = "national", _("Nasional")
    PROVINCE = "province", _("Provinsi")
    REGENCY = "regency", _("Kabupaten/Kota")
    KANWIL = "kanwil", _("Kantor Wilayah")
    BRANCH = "branch", _("Kantor Cabang")


class WorkforceKind(models.TextChoices):
    OFFICIAL = "official", _("resmi")
    ESTIMATE = "estimate", _("estimasi")


class CoverageSnapshot(models.Model):
    """One region's or office's coverage in one month, as computed by coverage.services.

    Written only by `coverage_compute`, which replaces a whole period at once; dashboards and the
    API read nothing else, so they stay fast at tens of millions of participants.
    """

    period = models.DateField(_("periode"), help_text=_("Hari pertama bulan."))
    level = models.CharField(_("tingkat"), max_length=10, choices=SnapshotLevel.choices)
    code = models.CharField(_("kode"), max_length=20)
    name = models.CharField(_("nama"), max_length=150)
    parent_code = models.CharField(_("kode induk"), max_length=20, blank=True)
    active_total = models.BigIntegerField(_("peserta aktif"), default=0)
    active_pu = models.BigIntegerField(_("aktif PU"), default=0)
    active_bpu = models.BigIntegerField(_("aktif BPU"), default=0)
    active_jakon = models.BigIntegerField(_("aktif Jakon"), default=0)
    active_pmi = models.BigIntegerField(_("aktif PMI"), default=0)
    workforce_employed = models.BigIntegerField(_("penduduk bekerja"), null=True, blank=True)
    workforce_formal = models.BigIntegerField(_("pekerja formal"), null=True, blank=True)
    workforce_kind = models.CharField(
        _("jenis angka angkatan kerja"), max_length=10, choices=WorkforceKind.choices, blank=True
    )
    workforce_source = models.CharField(_("sumber angkatan kerja"), max_length=300, blank=True)
    workforce_period = models.DateField(_("periode angkatan kerja"), null=True, blank=True)
    workforce_flags = models.CharField(
        _("catatan sumber angkatan kerja"), max_length=200, blank=True
    )
    coverage_pct = models.DecimalField(
        _("cakupan (%)"), max_digits=9, decimal_places=3, null=True, blank=True
    )
    coverage_pu_pct = models.DecimalField(
        _("cakupan PU / pekerja formal (%)"), max_digits=9, decimal_places=3, null=True, blank=True
    )
    coverage_bpu_pct = models.DecimalField(
        _("cakupan BPU / pekerja informal (%)"),
        max_digits=9,
        decimal_places=3,
        null=True,
        blank=True,
    )
    target_pct = models.DecimalField(
        _("target (%)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    target_inherited_from = models.CharField(
        _("target diwarisi dari"),
        max_length=10,
        blank=True,
        help_text=_("Kosong: target wilayah itu sendiri; province/national: target induk."),
    )
    gap_to_target = models.BigIntegerField(
        _("kekurangan peserta menuju target"), null=True, blank=True
    )
    new_participants = models.BigIntegerField(_("peserta baru dalam periode"), default=0)
    non_asn_enrolled = models.BigIntegerField(
        _("non-ASN terdaftar dari daftar instansi"), default=0
    )
    computed_at = models.DateTimeField(_("dihitung pada"))

    class Meta:
        ordering = ["period", "level", "code"]
        verbose_name = _("snapshot cakupan")
        verbose_name_plural = _("snapshot cakupan")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "level", "code"], name="coverage_snapshot_unique"
            ),
            models.CheckConstraint(
                condition=Q(workforce_employed__isnull=True) | Q(workforce_employed__gte=0),
                name="coverage_snapshot_workforce_nonnegative",
            ),
        ]
        indexes = [
            models.Index(fields=["period", "level", "parent_code"], name="coverage_parent_idx"),
            models.Index(fields=["level", "code", "period"], name="coverage_trend_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.level} {self.code} {self.period:%Y-%m}"

    @property
    def is_estimate(self) -> bool:
        return self.workforce_kind == WorkforceKind.ESTIMATE

    @property
    def has_denominator(self) -> bool:
        return self.coverage_pct is not None

    @property
    def workforce_flag_labels(self) -> list[str]:
        if not self.workforce_flags:
            return []
        labels = dict(WorkforceFlag.choices)
        return [str(labels[f]) for f in self.workforce_flags.split(",") if f in labels]

    @property
    def workforce_informal(self) -> int | None:
        if self.workforce_employed is None or self.workforce_formal is None:
            return None
        return self.workforce_employed - self.workforce_formal


class PartnerAgencySnapshot(models.Model):
    """What one partner agency's worker lists gave by the end of a month (cumulative).

    Written by `coverage_compute` with the month's coverage snapshots, in the same transaction,
    so the partner panel reads ~35 rows instead of counting millions of leads per request.
    Rows: finished lists created before the month end (each row has one outcome). Leads: people
    (one per NIK and agency) created before the month end; enrolled: marked enrolled before it.
    """

    period = models.DateField(_("periode"), help_text=_("Hari pertama bulan."))
    agency = models.ForeignKey(
        "agencies.PartnerAgency",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("instansi"),
        db_index=False,  # the unique (period, agency) index serves every lookup
    )
    lists = models.BigIntegerField(_("daftar selesai"), default=0)
    invalid = models.BigIntegerField(_("tidak valid"), default=0)
    duplicate_in_list = models.BigIntegerField(_("ganda dalam daftar"), default=0)
    already_covered = models.BigIntegerField(_("sudah terdaftar (aktif)"), default=0)
    lapsed = models.BigIntegerField(_("peserta nonaktif"), default=0)
    new_lead_rows = models.BigIntegerField(_("baris prospek baru"), default=0)
    existing_lead = models.BigIntegerField(_("sudah menjadi prospek"), default=0)
    needs_verification = models.BigIntegerField(_("perlu verifikasi"), default=0)
    leads = models.BigIntegerField(_("prospek baru (orang)"), default=0)
    leads_enrolled = models.BigIntegerField(_("prospek sudah didaftarkan"), default=0)
    computed_at = models.DateTimeField(_("dihitung pada"))

    class Meta:
        ordering = ["period", "agency"]
        verbose_name = _("snapshot hasil instansi mitra")
        verbose_name_plural = _("snapshot hasil instansi mitra")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "agency"], name="partner_agency_snapshot_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.period:%Y-%m}"


class ClosedPeriod(models.Model):
    """A month whose snapshots were frozen when it closed.

    The nightly job counts the month that just ended once more with the statuses of that moment
    (exact, not the past-month approximation) and records it here; afterwards only an explicit
    recompute (the admin action) rewrites it, so old months are rarely recomputed.
    """

    period = models.DateField(_("periode"), unique=True, help_text=_("Hari pertama bulan."))
    closed_at = models.DateTimeField(_("ditutup pada"))

    class Meta:
        ordering = ["period"]
        verbose_name = _("periode ditutup")
        verbose_name_plural = _("periode ditutup")

    def __str__(self) -> str:
        return f"{self.period:%Y-%m}"
