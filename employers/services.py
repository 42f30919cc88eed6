"""Writes on employers: create, edit, and change of compliance status (always with its history)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import scoping

from .models import ComplianceStatus, ComplianceStatusChange, Employer

# Compliance status moves only through employer_status_change, so its history is never skipped.
EDITABLE_FIELDS = (
    "name",
    "npp",
    "nib",
    "npwp",
    "sector",
    "size_class",
    "regency",
    "district",
    "address",
    "branch",
    "reported_workers",
    "registered_workers",
)


def _actor(user):
    # An API key principal is not a row in the user table.
    return user if getattr(user, "pk", None) else None


@transaction.atomic
def employer_create(*, user, compliance_status: str, **fields: Any) -> Employer:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown employer fields: {sorted(unknown)}")
    if fields.get("npp") == "":
        fields["npp"] = None
    employer = Employer(compliance_status=compliance_status, **fields)
    if not scoping.can_edit_employer(user, employer) and not (
        employer.branch_id is None and scoping.sees_everything(user)
    ):
        raise PermissionDenied(_("Anda tidak berwenang menambah pemberi kerja untuk cabang ini."))
    employer.full_clean()
    employer.save()
    ComplianceStatusChange.objects.create(
        employer=employer,
        from_status="",
        to_status=compliance_status,
        changed_at=timezone.now(),
        changed_by=_actor(user),
        reason=_("Data pemberi kerja dicatat."),
    )
    return employer


@transaction.atomic
def employer_update(*, employer: Employer, user, **fields: Any) -> Employer:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown or protected employer fields: {sorted(unknown)}")
    if not scoping.can_edit_employer(user, employer):
        raise PermissionDenied(_("Anda tidak berwenang mengubah pemberi kerja ini."))
    if fields.get("npp") == "":
        fields["npp"] = None
    for name, value in fields.items():
        setattr(employer, name, value)
    if not scoping.can_edit_employer(user, employer):
        raise PermissionDenied(_("Pemberi kerja tidak dapat dipindahkan ke cabang lain."))
    employer.full_clean()
    employer.save()
    return employer


@transaction.atomic
def employer_status_change(
    *, employer: Employer, to_status: str, reason: str, user, visit=None
) -> ComplianceStatusChange:
    if to_status not in ComplianceStatus.values:
        raise ValidationError({"to_status": _("Status kepatuhan tidak dikenal.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Alasan perubahan status wajib diisi.")})
    # Lock the row so two officers changing the status at once leave a consistent history.
    locked = Employer.objects.select_for_update().get(pk=employer.pk)
    if not scoping.can_edit_employer(user, locked):
        raise PermissionDenied(_("Anda tidak berwenang mengubah pemberi kerja ini."))
    if locked.compliance_status == to_status:
        raise ValidationError({"to_status": _("Status kepatuhan sudah sama dengan status baru.")})
    change = ComplianceStatusChange.objects.create(
        employer=locked,
        from_status=locked.compliance_status,
        to_status=to_status,
        changed_at=timezone.now(),
        changed_by=_actor(user),
        reason=reason.strip(),
        visit=visit,
    )
    locked.compliance_status = to_status
    locked.save(update_fields=["compliance_status", "updated_at"])
    employer.compliance_status = to_status
    return change
