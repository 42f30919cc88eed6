"""Writes for participants and enrollment leads."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from .models import EnrollmentLead, LeadStatus

# What branch staff may record after working a lead; "new" is only ever set on creation.
LEAD_WORK_OUTCOMES = (LeadStatus.ENROLLED, LeadStatus.UNREACHABLE, LeadStatus.NOT_ELIGIBLE)


@transaction.atomic
def lead_status_set(*, lead: EnrollmentLead, status: str, user) -> EnrollmentLead:
    if status not in LEAD_WORK_OUTCOMES:
        raise ValueError(f"status {status!r} cannot be set by hand")
    lead.status = status
    lead.status_changed_at = timezone.now()
    lead.status_changed_by = user
    lead.save(update_fields=["status", "status_changed_at", "status_changed_by"])
    return lead
