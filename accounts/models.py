"""Users and their role. The role decides which slice of the data a user may read and write."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    MANAGEMENT = "management", _("Manajemen / Dewan Pengawas")
    REGIONAL = "regional", _("Staf Kantor Wilayah")
    BRANCH = "branch", _("Staf Kantor Cabang")
    AGENCY = "agency", _("Pengguna Instansi Mitra")


class AppUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    role = models.CharField(_("peran"), max_length=12, choices=Role.choices)
    regional_office = models.ForeignKey(
        "regions.RegionalOffice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("kantor wilayah"),
    )
    branch = models.ForeignKey(
        "regions.BranchOffice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("kantor cabang"),
    )
    agency = models.ForeignKey(
        "agencies.PartnerAgency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("instansi mitra"),
    )

    objects = AppUserManager()

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")
        constraints = [
            # Each scoped role needs exactly its own anchor, so no user is left with "everything".
            models.CheckConstraint(
                condition=(
                    Q(
                        role__in=["admin", "management"],
                        branch__isnull=True,
                        agency__isnull=True,
                    )
                    | Q(
                        role="regional",
                        regional_office__isnull=False,
                        branch__isnull=True,
                        agency__isnull=True,
                    )
                    | Q(role="branch", branch__isnull=False, agency__isnull=True)
                    | Q(role="agency", agency__isnull=False, branch__isnull=True)
                ),
                name="user_role_scope_consistent",
            )
        ]
