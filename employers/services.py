"""Writes for employers. Each function is one transaction."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts import scoping

from .models import ComplianceStatusChange, Employer


@transaction.atomic
def employer_update(
    *, employer: Employer, user, data: dict[str, Any], reason: str = ""
) -> Employer:
    """Update an employer's fields; a compliance status change is recorded with its reason."""
    if not scoping.can_edit_employer(user, employer):
        raise PermissionDenied
    employer = Employer.objects.select_for_update().get(pk=employer.pk)
    old_status = employer.compliance_status
    for field, value in data.items():
        setattr(employer, field, value)
    # The audit trail names the author even when the request was authenticated by DRF, which the
    # history middleware does not see.
    employer._history_user = user if getattr(user, "pk", None) else None
    employer.full_clean()
    employer.save()
    if employer.compliance_status != old_status:
        ComplianceStatusChange.objects.create(
            employer=employer,
            from_status=old_status,
            to_status=employer.compliance_status,
            changed_at=timezone.now(),
            changed_by=user if getattr(user, "pk", None) else None,
            reason=reason,
        )
    return employer
