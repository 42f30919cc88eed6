"""Pages: partner agencies upload lists and read reports; branch staff work their leads."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import Ability, ability_required_page, can, can_update_lead
from core.exports import EXPORT_FORMATS, export_response

from . import reports, selectors, services
from .forms import LeadFilterForm, LeadSearchForm, RowFilterForm, WorkerListUploadForm
from .models import LeadStatus
from .reading import printable_filename
from .services import LEAD_WORK_OUTCOMES, lead_status_set


def _submission_or_404(request: HttpRequest, pk: int):
    submission = selectors.worker_list_get(user=request.user, pk=pk)
    if submission is None:
        raise Http404
    return submission


@ability_required_page(Ability.VIEW_WORKER_LISTS)
@require_http_methods(["GET", "POST"])
def worker_list_index(request: HttpRequest) -> HttpResponse:
    may_submit = can(request.user, Ability.SUBMIT_WORKER_LIST)
    form = WorkerListUploadForm()
    if request.method == "POST":
        if not may_submit:
            raise PermissionDenied
        form = WorkerListUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            submission, _created = services.worker_list_submit(
                agency=request.user.agency,
                reference=form.cleaned_data["reference"],
                fileobj=upload,
                filename=printable_filename(upload.name),
                submitted_by_user=request.user,
            )
            return redirect("worker-list-detail", pk=submission.pk)
    submissions = Paginator(selectors.worker_list_list(user=request.user), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "worker_lists/index.html",
        {"form": form, "may_submit": may_submit, "submissions": submissions},
    )


@ability_required_page(Ability.VIEW_WORKER_LISTS)
@require_GET
def worker_list_template(request: HttpRequest, file_format: str) -> HttpResponse:
    return reports.template_response(file_format=file_format)


@ability_required_page(Ability.VIEW_WORKER_LISTS)
@require_GET
def worker_list_detail(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _submission_or_404(request, pk)
    filters = RowFilterForm(request.GET)
    outcome = filters.cleaned_data.get("outcome") if filters.is_valid() else None
    rows = Paginator(selectors.worker_list_rows(submission=submission, outcome=outcome), 50)
    page = rows.get_page(request.GET.get("page"))
    for row in page.object_list:
        row.error_list = selectors.row_errors(row)
    return render(
        request,
        "worker_lists/detail.html",
        {"submission": submission, "filters": filters, "rows": page, "outcome": outcome or ""},
    )


@ability_required_page(Ability.VIEW_WORKER_LISTS)
@require_GET
def worker_list_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar alone, polled by htmx; once finished the page reloads to show the report."""
    submission = _submission_or_404(request, pk)
    response = render(request, "worker_lists/_progress.html", {"submission": submission})
    if submission.is_finished and request.htmx:
        response["HX-Refresh"] = "true"
    return response


LEAD_SEARCH_SESSION_KEY = "lead_search"


@ability_required_page(Ability.VIEW_LEADS)
@require_http_methods(["GET", "POST"])
def lead_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        # The search (a name or a NIK) lives in the session, never in the URL.
        search_form = LeadSearchForm(request.POST)
        search = search_form.cleaned_data["q"].strip() if search_form.is_valid() else ""
        request.session[LEAD_SEARCH_SESSION_KEY] = search
        query = request.GET.copy()
        query.pop("page", None)
        url = reverse("lead-list")
        return redirect(f"{url}?{query.urlencode()}" if query else url)
    search = request.session.get(LEAD_SEARCH_SESSION_KEY, "")
    filters = LeadFilterForm(request.GET, **selectors.lead_filter_choices(user=request.user))
    values = filters.cleaned_data if filters.is_valid() else {}
    chosen = {
        "agency_id": values["agency"].pk if values.get("agency") else None,
        "regency_code": values["regency"].pk if values.get("regency") else None,
        "status": values.get("status") or None,
        "search": search,
    }
    leads = selectors.lead_list(user=request.user, **chosen)
    export = request.GET.get("export")
    if export in EXPORT_FORMATS:
        return export_response(
            header=selectors.LEAD_EXPORT_HEADER,
            rows=selectors.lead_export_rows(
                leads=leads, full_nik=can(request.user, Ability.SEE_FULL_NIK)
            ),
            file_format=export,
            filename="prospek",
            sheet_title="prospek",
        )
    # Counted from the lead tally (a search: capped), not by COUNT(*) over millions of leads.
    status_totals = selectors.lead_status_totals(user=request.user)
    found = selectors.lead_page(
        user=request.user,
        leads=leads,
        number=request.GET.get("page"),
        status_totals=status_totals,
        **chosen,
    )
    page = found.page
    for lead in page.object_list:
        lead.editable = can_update_lead(request.user, lead)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("export", None)
    return render(
        request,
        "worker_lists/leads.html",
        {
            "filters": filters,
            "search_form": LeadSearchForm(initial={"q": search}),
            "search": search,
            "leads": page,
            "more_leads": found.more,
            "work_outcomes": [(s, LeadStatus(s).label) for s in LEAD_WORK_OUTCOMES],
            "status_counts": selectors.lead_status_counts(user=request.user, totals=status_totals),
            "query": query.urlencode(),
        },
    )


@ability_required_page(Ability.WORK_LEADS)
@require_POST
def lead_status_update(request: HttpRequest, pk: int) -> HttpResponse:
    lead = selectors.lead_get(user=request.user, pk=pk)
    if lead is None:
        raise Http404
    if not can_update_lead(request.user, lead):
        raise PermissionDenied
    status = request.POST.get("status", "")
    if status not in LEAD_WORK_OUTCOMES:
        return HttpResponse(_("Status tidak dikenal."), status=400)
    lead_status_set(lead=lead, status=status, user=request.user)
    if request.htmx:
        lead.editable = True
        return render(
            request,
            "worker_lists/_lead_row.html",
            {
                "lead": lead,
                "work_outcomes": [(s, LeadStatus(s).label) for s in LEAD_WORK_OUTCOMES],
            },
        )
    return redirect("lead-list")
