"""The lead intake (issue 14): leads created per agency and month, kept by the ingest, read by the
coverage recompute for the leads by a month's end."""

import datetime as dt

import pytest
from django.db.models import Count, DateField
from django.db.models.functions import TruncMonth
from django.utils import timezone

from agencies.tests.factories import PartnerAgencyFactory
from worker_lists.models import EnrollmentLead, LeadIntake
from worker_lists.services import lead_tally_rebuild

from .test_lead_tally import process

pytestmark = pytest.mark.django_db


def intake() -> dict[tuple, int]:
    return {(row.agency_id, row.month): row.count for row in LeadIntake.objects.all()}


def grouped() -> dict[tuple, int]:
    """Leads per agency and local month, by a GROUP BY over the leads themselves."""
    rows = (
        EnrollmentLead.objects.order_by()
        .annotate(month=TruncMonth("created_at", output_field=DateField()))
        .values_list("agency_id", "month")
        .annotate(n=Count("id"))
    )
    return {(agency, month): n for agency, month, n in rows}


def at(moment: dt.datetime, monkeypatch) -> None:
    monkeypatch.setattr(timezone, "now", lambda: moment)


def test_two_lists_in_one_month_add_up_in_one_row(world, agency):
    process(agency, range(1, 4))
    process(agency, range(10, 12))

    month = timezone.localdate().replace(day=1)
    assert intake() == {(agency.pk, month): 5}


def test_lists_in_different_months_and_agencies_get_their_own_rows(world, agency, monkeypatch):
    other = PartnerAgencyFactory(jurisdiction_regency=agency.jurisdiction_regency)
    at(timezone.make_aware(dt.datetime(2026, 9, 30, 23, 30)), monkeypatch)
    process(agency, range(1, 4))
    at(timezone.make_aware(dt.datetime(2026, 10, 1, 0, 30)), monkeypatch)
    process(agency, range(10, 12))
    process(other, range(1, 3))

    assert intake() == {
        (agency.pk, dt.date(2026, 9, 1)): 3,
        (agency.pk, dt.date(2026, 10, 1)): 2,
        (other.pk, dt.date(2026, 10, 1)): 2,
    }
    assert intake() == grouped()


def test_a_list_that_creates_no_lead_adds_no_row(world, agency):
    process(agency, range(1, 4))
    process(agency, range(1, 4))  # every worker is already a lead of the agency

    assert sum(intake().values()) == 3
    assert LeadIntake.objects.count() == 1


def test_the_rebuild_recounts_what_the_ingest_kept(world, agency, monkeypatch):
    at(timezone.make_aware(dt.datetime(2026, 9, 15, 8, 0)), monkeypatch)
    process(agency, range(1, 4))
    monkeypatch.undo()
    process(agency, range(10, 12))
    kept = intake()
    LeadIntake.objects.all().delete()

    lead_tally_rebuild()

    assert intake() == kept == grouped()
