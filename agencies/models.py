"""Partner agencies under Inpres 2/2021 and their cooperation agreements."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.models import AbstractAPIKey, APIKeyManager


class AgencyKind(models.TextChoices):
    PEMDA = "pemda", _("Kemendagri / Pemerintah Daerah")
    DISNAKER = "disnaker", _("Kemenaker / Disnaker")
    KEJAKSAAN = "kejaksaan", _("Kejati / Kejari")
    APINDO = "apindo", _("Apindo")
    OTHER = "other", _("Lainnya")


class PartnerAgency(models.Model):
    kind = models.CharField(_("jenis"), max_length=12, choices=AgencyKind.choices)
    name = models.CharField(_("nama"), max_length=200, unique=True)
    # Jurisdiction: neither set = national; province only = provincial; regency = regency/city.
    jurisdiction_province = models.ForeignKey(
        "regions.Province",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agencies",
        verbose_name=_("provinsi yurisdiksi"),
    )
    jurisdiction_regency = models.ForeignKey(
        "regions.Regency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agencies",
        verbose_name=_("kab/kota yurisdiksi"),
    )
    is_active = models.BooleanField(_("aktif"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("instansi mitra")
        verbose_name_plural = _("instansi mitra")
        constraints = [
            models.CheckConstraint(
                condition=Q(jurisdiction_regency__isnull=True)
                | Q(jurisdiction_province__isnull=False),
                name="agency_regency_needs_province",
            )
        ]

    def __str__(self) -> str:
        return self.name


class AgencyContact(models.Model):
    agency = models.ForeignKey(PartnerAgency, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("nama"), max_length=150)
    position = models.CharField(_("jabatan"), max_length=150, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("telepon"), max_length=30, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("kontak instansi")
        verbose_name_plural = _("kontak instansi")

    def __str__(self) -> str:
        return self.name


class CooperationAgreement(models.Model):
    """Perjanjian kerja sama (PKS) or MoU between BPJS Ketenagakerjaan and the agency."""

    agency = models.ForeignKey(PartnerAgency, on_delete=models.CASCADE, related_name="agreements")
    number = models.CharField(_("nomor"), max_length=120)
    title = models.CharField(_("judul"), max_length=250, blank=True)
    signed_on = models.DateField(_("tanggal tanda tangan"))
    valid_from = models.DateField(_("berlaku mulai"))
    valid_until = models.DateField(_("berlaku sampai"), null=True, blank=True)

    class Meta:
        ordering = ["-signed_on"]
        verbose_name = _("perjanjian kerja sama")
        verbose_name_plural = _("perjanjian kerja sama")
        constraints = [
            models.UniqueConstraint(fields=["agency", "number"], name="agreement_number_unique"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="agreement_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class AgencyAPIKeyManager(APIKeyManager):
    def get_usable_keys(self):
        # Authentication reads the agency of every key it checks: fetch both in one query.
        return super().get_usable_keys().select_related("agency")


class AgencyAPIKey(AbstractAPIKey):
    """A partner agency's key for the REST API (stored hashed; the secret is shown once)."""

    objects = AgencyAPIKeyManager()

    agency = models.ForeignKey(
        PartnerAgency, on_delete=models.CASCADE, related_name="api_keys", verbose_name=_("instansi")
    )
    last_used_at = models.DateTimeField(_("terakhir dipakai"), null=True, blank=True)

    class Meta(AbstractAPIKey.Meta):
        verbose_name = _("kunci API instansi")
        verbose_name_plural = _("kunci API instansi")
