"""Administrative regions (Kemendagri codes), BPJS offices, workforce figures, coverage targets."""

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

NATIONAL_CODE = "ID"


class RegionLevel(models.TextChoices):
    NATIONAL = "national", _("Nasional")
    PROVINCE = "province", _("Provinsi")
    REGENCY = "regency", _("Kabupaten/Kota")


class Province(models.Model):
    code = models.CharField(
        _("kode"),
        max_length=2,
        primary_key=True,
        validators=[RegexValidator(r"^\d{2}$")],
    )
    name = models.CharField(_("nama"), max_length=100)
    population = models.PositiveBigIntegerField(_("jumlah penduduk"), default=0)
    area_km2 = models.DecimalField(_("luas (km²)"), max_digits=12, decimal_places=3, null=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("provinsi")
        verbose_name_plural = _("provinsi")

    def __str__(self) -> str:
        return self.name


class Regency(models.Model):
    class Kind(models.TextChoices):
        KABUPATEN = "Kabupaten", _("Kabupaten")
        KOTA = "Kota", _("Kota")

    code = models.CharField(
        _("kode"),
        max_length=5,
        primary_key=True,
        validators=[RegexValidator(r"^\d{2}\.\d{2}$")],
    )
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        related_name="regencies",
        verbose_name=_("provinsi"),
    )
    name = models.CharField(_("nama"), max_length=100)
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    population = models.PositiveBigIntegerField(_("jumlah penduduk"), default=0)
    area_km2 = models.DecimalField(_("luas (km²)"), max_digits=12, decimal_places=3, null=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("kabupaten/kota")
        verbose_name_plural = _("kabupaten/kota")

    def __str__(self) -> str:
        return self.name


class District(models.Model):
    """Kecamatan. Its code without dots is the first six digits of a NIK."""

    code = models.CharField(
        _("kode"),
        max_length=8,
        primary_key=True,
        validators=[RegexValidator(r"^\d{2}\.\d{2}\.\d{2}$")],
    )
    regency = models.ForeignKey(
        Regency,
        on_delete=models.PROTECT,
        related_name="districts",
        verbose_name=_("kab/kota"),
    )
    name = models.CharField(_("nama"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("kecamatan")
        verbose_name_plural = _("kecamatan")

    def __str__(self) -> str:
        return self.name


class RegionalOffice(models.Model):
    """Kantor Wilayah (Kanwil)."""

    code = models.SlugField(_("kode"), max_length=20, unique=True)
    name = models.CharField(_("nama"), max_length=120, unique=True)
    provinces = models.ManyToManyField(
        Province,
        related_name="regional_offices",
        blank=True,
        verbose_name=_("provinsi"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("kantor wilayah")
        verbose_name_plural = _("kantor wilayah")

    def __str__(self) -> str:
        return self.name


class BranchOffice(models.Model):
    """Kantor Cabang: serves a set of regencies; a big city may be served by several branches."""

    code = models.SlugField(_("kode"), max_length=20, unique=True)
    name = models.CharField(_("nama"), max_length=120, unique=True)
    regional_office = models.ForeignKey(
        RegionalOffice,
        on_delete=models.PROTECT,
        related_name="branches",
        verbose_name=_("kantor wilayah"),
    )
    regencies = models.ManyToManyField(
        Regency,
        through="BranchRegency",
        related_name="branches",
        verbose_name=_("kabupaten/kota layanan"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("kantor cabang")
        verbose_name_plural = _("kantor cabang")

    def __str__(self) -> str:
        return self.name


class BranchRegency(models.Model):
    """A branch serves a regency. `is_primary` picks the branch that receives new leads there."""

    branch = models.ForeignKey(BranchOffice, on_delete=models.CASCADE)
    regency = models.ForeignKey(Regency, on_delete=models.PROTECT)
    is_primary = models.BooleanField(_("cabang utama"), default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["branch", "regency"], name="branch_regency_unique"),
            models.UniqueConstraint(
                fields=["regency"],
                condition=Q(is_primary=True),
                name="one_primary_branch_per_regency",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.branch_id} -> {self.regency_id}"


class WorkforceFlag(models.TextChoices):
    """Remarks the Sakernas files carry per row (regions/data/SOURCES.md), shown with the figure."""

    STATUS_SWAPPED = "status_swapped", _("dikoreksi: dua kolom status pekerjaan tertukar di sumber")
    ROW_MISALIGNED = (
        "row_misaligned",
        _("dikoreksi: baris angkatan kerja tergeser di berkas sumber"),
    )
    WORKING_AGE_SUSPECT = "working_age_suspect", _("penduduk usia kerja diragukan")
    BACKCAST = "backcast", _("dihitung mundur oleh sumber: provinsi belum terbentuk")


class WorkforceFigure(models.Model):
    """Workforce (BPS Sakernas) for a region and period: the coverage denominator.

    `kind` says whether the figure is official or an estimate derived from population share;
    every place that shows a figure shows its kind and source. `formal_employed` (BPS status 3 + 4)
    is the denominator of wage-earner (PU) coverage; employed - formal_employed that of
    non-wage-earner (BPU) coverage. `flags` holds WorkforceFlag values, comma-separated.
    """

    class Kind(models.TextChoices):
        OFFICIAL = "official", _("resmi")
        ESTIMATE = "estimate", _("estimasi")

    level = models.CharField(_("tingkat"), max_length=10, choices=RegionLevel.choices)
    region_code = models.CharField(_("kode wilayah"), max_length=8)
    period = models.DateField(_("periode"), help_text=_("Hari pertama bulan survei."))
    labour_force = models.PositiveBigIntegerField(_("angkatan kerja"), null=True, blank=True)
    employed = models.PositiveBigIntegerField(_("penduduk bekerja"))
    formal_employed = models.PositiveBigIntegerField(
        _("pekerja formal"), null=True, blank=True, help_text=_("BPS: status pekerjaan 3 dan 4.")
    )
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    source = models.CharField(_("sumber"), max_length=300)
    flags = models.CharField(_("catatan sumber"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["level", "region_code", "-period"]
        verbose_name = _("angka angkatan kerja")
        verbose_name_plural = _("angka angkatan kerja")
        constraints = [
            models.UniqueConstraint(
                fields=["level", "region_code", "period", "kind"],
                name="workforce_unique",
            ),
            models.CheckConstraint(
                condition=Q(level="national", region_code=NATIONAL_CODE)
                | Q(level="province", region_code__regex=r"^\d{2}$")
                | Q(level="regency", region_code__regex=r"^\d{2}\.\d{2}$"),
                name="workforce_region_code_matches_level",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.level} {self.region_code} {self.period:%Y-%m} ({self.kind})"


class CoverageTarget(models.Model):
    """Target coverage (percent of workforce) for a region in a year.

    A region without a target for a year inherits its province's, then the national one
    (coverage.services). Every change is kept in `history` (who, when, old value).
    """

    level = models.CharField(_("tingkat"), max_length=10, choices=RegionLevel.choices)
    region_code = models.CharField(_("kode wilayah"), max_length=8)
    year = models.PositiveSmallIntegerField(_("tahun"))
    target_pct = models.DecimalField(
        _("target (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    note = models.CharField(_("catatan"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["level", "region_code", "year"]
        verbose_name = _("target cakupan")
        verbose_name_plural = _("target cakupan")
        constraints = [
            models.UniqueConstraint(
                fields=["level", "region_code", "year"], name="coverage_target_unique"
            ),
            models.CheckConstraint(
                condition=Q(target_pct__gte=0) & Q(target_pct__lte=100),
                name="coverage_target_pct_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region_code} {self.year}: {self.target_pct}%"
