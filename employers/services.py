"""Writes for employers: create, edit, and change of compliance status (always with its history).

Each function is one transaction.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.permissions import Actor

from .models import ComplianceStatus, ComplianceStatusChange, Employer, StatusProposal

CREATE_FIELDS = (
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


@transaction.atomic
def employer_create(*, user: Actor, compliance_status: str, **fields: Any) -> Employer:
    unknown = set(fields) - set(CREATE_FIELDS)
    if unknown:
        raise TypeError(f"unknown employer fields: {sorted(unknown)}")
    if fields.get("npp") == "":
        fields["npp"] = None
    employer = Employer(compliance_status=compliance_status, **fields)
    if not permissions.can_edit_employer(user, employer):
        raise PermissionDenied(_("Anda tidak berwenang menambah pemberi kerja untuk cabang ini."))
    employer._history_user = permissions.user_row(user)
    employer.full_clean()
    employer.save()
    ComplianceStatusChange.objects.create(
        employer=employer,
        from_status="",
        to_status=compliance_status,
        changed_at=timezone.now(),
        changed_by=permissions.user_row(user),
        reason=_("Data pemberi kerja dicatat."),
    )
    return employer


@transaction.atomic
def employer_update(
    *, employer: Employer, user, data: dict[str, Any], reason: str = ""
) -> Employer:
    """Update an employer's fields; a compliance status change is recorded with its reason."""
    if not permissions.can_edit_employer(user, employer):
        raise PermissionDenied
    employer = Employer.objects.select_for_update().get(pk=employer.pk)
    old_status = employer.compliance_status
    if data.get("npp") == "":
        data = {**data, "npp": None}
    for field, value in data.items():
        setattr(employer, field, value)
    if not permissions.can_edit_employer(user, employer):
        # Staff may not hand an employer over to a branch outside their own scope.
        raise PermissionDenied
    # The audit trail names the author even when the request was authenticated by DRF, which the
    # history middleware does not see.
    employer._history_user = permissions.user_row(user)
    employer.full_clean()
    employer.save()
    if employer.compliance_status != old_status:
        ComplianceStatusChange.objects.create(
            employer=employer,
            from_status=old_status,
            to_status=employer.compliance_status,
            changed_at=timezone.now(),
            changed_by=permissions.user_row(user),
            reason=reason,
        )
    return employer


@transaction.atomic
def employer_status_change(
    *, employer: Employer, to_status: str, reason: str, user, visit=None
) -> ComplianceStatusChange:
    """Change the compliance status with a reason (and the visit that found it, if any)."""
    if to_status not in ComplianceStatus.values:
        raise ValidationError({"to_status": _("Status kepatuhan tidak dikenal.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Alasan perubahan status wajib diisi.")})
    # Lock the row so two officers changing the status at once leave a consistent history.
    locked = Employer.objects.select_for_update().get(pk=employer.pk)
    if not permissions.can_edit_employer(user, locked):
        raise PermissionDenied(_("Anda tidak berwenang mengubah pemberi kerja ini."))
    if locked.compliance_status == to_status:
        raise ValidationError({"to_status": _("Status kepatuhan sudah sama dengan status baru.")})
    change = ComplianceStatusChange.objects.create(
        employer=locked,
        from_status=locked.compliance_status,
        to_status=to_status,
        changed_at=timezone.now(),
        changed_by=permissions.user_row(user),
        reason=reason.strip(),
        visit=visit,
    )
    locked.compliance_status = to_status
    locked._history_user = permissions.user_row(user)
    locked.save(update_fields=["compliance_status", "updated_at"])
    employer.compliance_status = to_status
    return change


@transaction.atomic
def employer_workers_enrolled(*, employer: Employer, count: int, user: Actor) -> Employer:
    """Workers enrolled in the field (during a visit) join the employer's registered count."""
    if count <= 0:
        return employer
    locked = Employer.objects.select_for_update().get(pk=employer.pk)
    if not permissions.can_edit_employer(user, locked):
        raise PermissionDenied(_("Anda tidak berwenang mengubah pemberi kerja ini."))
    locked.registered_workers += count
    # A registered worker is a reported one too: the reported count never trails it.
    locked.reported_workers = max(locked.reported_workers, locked.registered_workers)
    locked._history_user = permissions.user_row(user)
    locked.save(update_fields=["registered_workers", "reported_workers", "updated_at"])
    employer.registered_workers = locked.registered_workers
    employer.reported_workers = locked.reported_workers
    return employer


@transaction.atomic
def status_proposal_create(
    *, employer: Employer, to_status: str, reason: str, user, agency=None, case=None
) -> StatusProposal:
    """Propose a compliance status to the employer's branch (who proposed, why, from which case)."""
    if to_status not in ComplianceStatus.values:
        raise ValidationError({"proposed_status": _("Status kepatuhan tidak dikenal.")})
    return StatusProposal.objects.create(
        employer=employer,
        to_status=to_status,
        reason=reason.strip(),
        proposed_at=timezone.now(),
        proposed_by=permissions.user_row(user),
        proposed_by_agency=agency,
        case=case,
    )


@transaction.atomic
def status_proposal_decide(
    *, proposal: StatusProposal, accept: bool, user: Actor
) -> StatusProposal:
    """The branch accepts (the status changes, citing the proposal) or rejects a proposal."""
    locked = (
        StatusProposal.objects.select_for_update().select_related("employer").get(pk=proposal.pk)
    )
    if not permissions.can_edit_employer(user, locked.employer):
        raise PermissionDenied(_("Anda tidak berwenang mengubah pemberi kerja ini."))
    if locked.accepted is not None:
        raise ValidationError(_("Usulan ini sudah diputuskan."))
    if accept and locked.employer.compliance_status != locked.to_status:
        who = locked.proposed_by_agency or locked.proposed_by or "-"
        employer_status_change(
            employer=locked.employer,
            to_status=locked.to_status,
            reason=_("Usulan %(who)s: %(reason)s") % {"who": who, "reason": locked.reason},
            user=user,
        )
    locked.accepted = accept
    locked.decided_at = timezone.now()
    locked.decided_by = permissions.user_row(user)
    locked.save(update_fields=["accepted", "decided_at", "decided_by"])
    return locked
