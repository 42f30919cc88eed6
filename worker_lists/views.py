"""Pages: partner agencies upload lists and read reports; branch staff work their leads."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import Ability, ability_required_page, can, can_update_lead
from core.exports import EXPORT_FORMATS, export_response
from core.identifiers import mask_nik

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
            "lead_rows": _lead_rows_html(request, page.object_list),
            "more_leads": found.more,
            "status_counts": selectors.lead_status_counts(user=request.user, totals=status_totals),
            "query": query.urlencode(),
        },
    )


def _lead_rows_html(request: HttpRequest, leads) -> list[SafeString]:
    """The lead table's rows (<tr>), rendered in Python: through a template, 50 rows took about
    25 ms of a lead page at millions of leads (issue 14). Every value is escaped; a lead the user
    may work on gets its outcome form (posted by htmx, the row swapped for the answer)."""
    full_nik = can(request.user, Ability.SEE_FULL_NIK)
    options = _outcome_options()
    csrf = format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request)
    )
    mark = _("Tandai")
    rows = []
    for lead in leads:
        action = reverse("lead-status-update", args=[lead.pk])
        form = ""
        if can_update_lead(request.user, lead):
            form = format_html(
                '<form method="post" action="{action}" class="mt-1" hx-post="{action}" '
                'hx-target="#lead-{pk}" hx-swap="outerHTML">{csrf}'
                '<label class="visually-hidden" for="lead-status-{pk}">{mark}</label>'
                '<select name="status" id="lead-status-{pk}" '
                'class="form-select form-select-sm mb-1" required>{options}</select>'
                '<button class="btn btn-sm btn-outline-success w-100" type="submit">{mark}'
                "</button></form>",
                action=action,
                pk=lead.pk,
                csrf=csrf,
                mark=mark,
                options=options[lead.status],
            )
        unit = f"{lead.unit} · {lead.position}" if lead.position else lead.unit
        rows.append(
            format_html(
                '<tr id="lead-{pk}"><td><code class="text-nowrap">{nik}</code>'
                '<div>{name}</div><div class="small text-muted">{unit}</div>'
                '<div class="small">{regency} · {agency}</div></td>'
                '<td><div class="fw-semibold" data-testid="lead-status">{status}</div>{form}</td>'
                "</tr>",
                pk=lead.pk,
                nik=lead.nik if full_nik else mask_nik(lead.nik),
                name=lead.full_name,
                unit=unit,
                regency=lead.work_regency.name,
                agency=lead.agency.name,
                status=lead.get_status_display(),
                form=form,
            )
        )
    return rows


def _outcome_options() -> dict[str, SafeString]:
    """The <option>s of the work-outcome select, rendered once per status a lead can have
    (the one it has selected): a lead page renders 50 rows, and looping over the outcomes in the
    template for each of them was most of the page's time at millions of leads (issue 14)."""
    return {
        current: format_html(
            '<option value=""{}>{}</option>{}',
            " selected" if current == LeadStatus.NEW else "",
            _("Pilih hasil…"),
            format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                (
                    (value, " selected" if value == current else "", LeadStatus(value).label)
                    for value in LEAD_WORK_OUTCOMES
                ),
            ),
        )
        for current in LeadStatus.values
    }


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
        return HttpResponse(_lead_rows_html(request, [lead])[0])
    return redirect("lead-list")
