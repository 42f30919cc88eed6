"""Reads for employers, always through the user's scope."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts import scoping

from .models import Employer


def employer_list(*, user) -> QuerySet[Employer]:
    return scoping.employers_visible_to(
        Employer.objects.select_related("regency", "district", "branch"), user
    )


def employer_get(*, user, pk: int) -> Employer:
    """The employer if the user may see it; 404 otherwise, so existence is not revealed."""
    return get_object_or_404(employer_list(user=user), pk=pk)
