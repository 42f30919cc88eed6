"""Reads for worker lists and the leads they produce (scoped by accounts.permissions)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import F, Min, Q, QuerySet, Sum, Window

from accounts.permissions import (
    Actor,
    agencies_visible_to,
    lead_tallies_visible_to,
    leads_visible_to,
    worker_lists_visible_to,
)
from agencies.models import PartnerAgency
from core.pagination import KnownCountPaginator
from regions.models import Regency

from .models import (
    EnrollmentLead,
    LeadStatus,
    LeadTally,
    RowOutcome,
    WorkerListRow,
    WorkerListSubmission,
)
from .validation import error_message


def worker_list_list(*, user: Actor) -> QuerySet[WorkerListSubmission]:
    return worker_lists_visible_to(WorkerListSubmission.objects.select_related("agency"), user)


def worker_list_get(*, user: Actor, pk: int) -> WorkerListSubmission | None:
    return worker_list_list(user=user).filter(pk=pk).first()


def worker_list_rows(
    *, submission: WorkerListSubmission, outcome: str | None = None
) -> QuerySet[WorkerListRow]:
    rows = WorkerListRow.objects.filter(submission=submission)
    if outcome:
        rows = rows.filter(outcome=outcome)
    return rows.order_by("row_number")


def row_errors(row: WorkerListRow) -> list[dict[str, str]]:
    """Errors with messages in the active language."""
    return [
        {"field": error["field"], "code": error["code"], "message": error_message(error["code"])}
        for error in row.errors
    ]


def worker_list_report_rows(
    *, submission: WorkerListSubmission, invalid_only: bool = False
) -> Iterator[tuple]:
    """The checked rows in file order, streamed from the database in chunks, as tuples of
    (row_number, nik, full_name, birth_date, regency_code, unit, position, outcome, errors,
    first_row, source_cells): `first_row` is the data row number of the first valid row with the
    same NIK, the row a duplicate repeats (one window over the list, not a lookup per row);
    `source_cells` the cells kept as typed (see WorkerListRow.source_cells)."""
    rows = worker_list_rows(
        submission=submission, outcome=RowOutcome.INVALID if invalid_only else None
    ).annotate(
        first_row=Window(
            Min("row_number", filter=~Q(outcome=RowOutcome.INVALID)), partition_by=[F("nik")]
        )
    )
    return rows.values_list(
        "row_number",
        "nik",
        "full_name",
        "birth_date",
        "regency_code",
        "unit",
        "position",
        "outcome",
        "errors",
        "first_row",
        "source_cells",
    ).iterator(chunk_size=5000)


def _lead_search_is_nik(search: str) -> bool:
    return search.isdigit() and len(search) == 16


def lead_list(
    *,
    user: Actor,
    agency_id: int | None = None,
    regency_code: str | None = None,
    status: str | None = None,
    search: str = "",
) -> QuerySet[EnrollmentLead]:
    leads = leads_visible_to(
        EnrollmentLead.objects.select_related("agency", "work_regency", "branch"), user
    )
    search = search.strip()
    if _lead_search_is_nik(search):
        # Through the unique (agency, nik) index, one probe per agency: no index starts with
        # the NIK, and a bare `nik =` scanned millions of leads (issue 14).
        leads = leads.filter(agency_id__in=PartnerAgency.objects.values("pk"), nik=search)
    elif search:
        leads = leads.filter(full_name__icontains=search)
    if agency_id:
        leads = leads.filter(agency_id=agency_id)
    if regency_code:
        leads = leads.filter(work_regency_id=regency_code)
    if status:
        leads = leads.filter(status=status)
    return leads


def _lead_tallies(*, user: Actor) -> QuerySet[LeadTally]:
    """The tally rows of the leads the user may see, zeros left out."""
    return lead_tallies_visible_to(LeadTally.objects.filter(count__gt=0), user)


# A name search reads its matches up to here, in page order: beyond, a trigram match over
# millions of leads costs more than the page (issue 14); the page says "more than" and asks for
# a narrower search.
LEAD_SEARCH_COUNT_CAP = 1000
LEADS_PER_PAGE = 50


@dataclass(frozen=True)
class LeadPage:
    page: Page
    # True when more leads match than the page counts (a name search past its cap).
    more: bool = False


def lead_page(
    *,
    user: Actor,
    leads: QuerySet[EnrollmentLead],
    number: object,
    agency_id: int | None = None,
    regency_code: str | None = None,
    status: str | None = None,
    search: str = "",
    status_totals: dict[str, int] | None = None,
) -> LeadPage:
    """One page of `leads` (lead_list with these filters), with its total, never counting
    millions of leads: without a search the total is the lead tally's; a NIK search counts
    its few rows; a name search reads the ids of its first LEAD_SEARCH_COUNT_CAP + 1 matches
    in page order in one query (one trigram index scan, where a count and a page were two)
    and pages over them. `status_totals` (lead_status_totals), when the caller has them, spare
    a second read of the tally for a page filtered by status alone or not at all."""
    search = search.strip()
    if search and not _lead_search_is_nik(search):
        ids = list(leads.values_list("pk", flat=True)[: LEAD_SEARCH_COUNT_CAP + 1])
        more = len(ids) > LEAD_SEARCH_COUNT_CAP
        page = Paginator(ids[:LEAD_SEARCH_COUNT_CAP], LEADS_PER_PAGE).get_page(number)
        page.object_list = leads.filter(pk__in=list(page.object_list))
        return LeadPage(page, more=more)
    if search:
        total = leads.count()
    elif status_totals is not None and not agency_id and not regency_code:
        total = status_totals.get(status, 0) if status else sum(status_totals.values())
    else:
        tallies = _lead_tallies(user=user)
        if agency_id:
            tallies = tallies.filter(agency_id=agency_id)
        if regency_code:
            tallies = tallies.filter(work_regency_id=regency_code)
        if status:
            tallies = tallies.filter(status=status)
        total = tallies.aggregate(total=Sum("count"))["total"] or 0
    return LeadPage(KnownCountPaginator(leads, LEADS_PER_PAGE, count=total).get_page(number))


LEAD_EXPORT_HEADER = [
    "nik",
    "full_name",
    "birth_date",
    "work_regency_code",
    "work_regency",
    "unit",
    "position",
    "agency",
    "branch",
    "status",
    "status_changed_at",
]


def lead_export_rows(*, leads: QuerySet[EnrollmentLead], full_nik: bool) -> Iterator[list]:
    """Lead rows for an export (header apart: LEAD_EXPORT_HEADER), streamed in chunks. Roles
    that do not work with the person get the NIK masked (UU PDP)."""
    rows = leads.order_by("id").values_list(
        "nik",
        "full_name",
        "birth_date",
        "work_regency_id",
        "work_regency__name",
        "unit",
        "position",
        "agency__name",
        "branch__name",
        "status",
        "status_changed_at",
    )
    labels = dict(LeadStatus.choices)
    for row in rows.iterator(chunk_size=5000):
        nik, *rest = row
        rest[8] = str(labels.get(rest[8], rest[8]))
        yield [nik if full_nik else nik[:6] + "*" * 10, *rest]


def lead_get(*, user: Actor, pk: int) -> EnrollmentLead | None:
    return lead_list(user=user).filter(pk=pk).first()


def lead_filter_choices(*, user: Actor) -> dict[str, QuerySet]:
    """Agencies and regencies that occur among the leads the user may see (filter drop-downs),
    read from the lead tally."""
    present = _lead_tallies(user=user)
    return {
        "agencies": agencies_visible_to(PartnerAgency.objects.all(), user).filter(
            pk__in=present.values("agency_id")
        ),
        "regencies": Regency.objects.filter(pk__in=present.values("work_regency_id")),
    }


def lead_status_totals(*, user: Actor) -> dict[str, int]:
    """{status: number of leads} over the leads the user may see, from the lead tally."""
    return dict(
        _lead_tallies(user=user)
        .order_by()
        .values_list("status")
        .annotate(total=Sum("count"))
        .values_list("status", "total")
    )


def lead_status_counts(
    *, user: Actor, totals: dict[str, int] | None = None
) -> list[tuple[str, int]]:
    """(label, count) for every lead status, zeros included, from the lead tally."""
    counts = lead_status_totals(user=user) if totals is None else totals
    return [(label, counts.get(status, 0)) for status, label in LeadStatus.choices]
