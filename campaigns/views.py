"""Field work pages: visit log, follow-ups, escalation cases and campaigns."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import permissions
from accounts.permissions import Ability, ability_required_page
from core.forms import add_service_errors, posted_data
from employers.models import ComplianceStatus
from employers.selectors import employer_get, employer_search

from . import selectors, services
from .forms import (
    CampaignForm,
    CaseOpenForm,
    CaseTransitionForm,
    SanctionIssueForm,
    SanctionOutcomeForm,
    SanctionRecoveryForm,
    VisitForm,
)
from .models import CaseKind, CaseState, SanctionKind, SanctionStep

PAGE_SIZE = 25


# --- Visits -----------------------------------------------------------------------------------


@ability_required_page(Ability.VIEW_VISITS)
def visit_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.visit_list(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "campaigns/visit_list.html", {"page": page})


@ability_required_page(Ability.LOG_VISITS)
def visit_create(request: HttpRequest) -> HttpResponse:
    initial = {}
    employer = None
    if request.GET.get("employer", "").isdigit():
        employer = employer_get(user=request.user, pk=int(request.GET["employer"]))
        if employer is not None:
            initial["employer"] = employer.pk
    form = VisitForm(posted_data(request), initial=initial, user=request.user)
    if request.method == "POST":
        employer = None
        if form.is_valid():
            data = form.cleaned_data
            employer = data["employer"]
            try:
                services.visit_log(
                    employer=employer,
                    officer=request.user,
                    visited_on=data["visited_on"],
                    purpose=data["purpose"],
                    outcome=data["outcome"],
                    finding=data["finding"],
                    workers_enrolled=data["workers_enrolled"] or 0,
                    promised_by=data["promised_by"],
                    follow_up_on=data["follow_up_on"],
                    notes=data["notes"],
                    latitude=data["latitude"],
                    longitude=data["longitude"],
                    new_status=data["new_status"],
                    status_reason=data["status_reason"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            except PermissionDenied:
                form.add_error(
                    "employer", _("Anda tidak berwenang mencatat kunjungan ke pemberi kerja ini.")
                )
            else:
                messages.success(request, _("Kunjungan ke %(name)s dicatat.") % {"name": employer})
                return redirect("employers:detail", pk=employer.pk)
        elif form.cleaned_data.get("employer"):
            employer = form.cleaned_data["employer"]
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "campaigns/visit_form.html",
        {"form": form, "employer": employer},
        status=status,
    )


@ability_required_page(Ability.LOG_VISITS)
@require_GET
def visit_employer_search(request: HttpRequest) -> HttpResponse:
    """htmx: employers matching what has been typed so far."""
    text = request.GET.get("q", "")
    return render(
        request,
        "campaigns/_employer_search_results.html",
        {"employers": employer_search(user=request.user, text=text), "text": text.strip()},
    )


@ability_required_page(Ability.LOG_VISITS)
@require_POST
def visit_follow_up_done(request: HttpRequest, pk: int) -> HttpResponse:
    visit = selectors.visit_get(user=request.user, pk=pk)
    if visit is None:
        raise Http404
    services.visit_follow_up_done(visit=visit, user=request.user)
    if request.htmx:
        return HttpResponse("")
    messages.success(request, _("Tindak lanjut ditandai selesai."))
    return redirect("home")


# --- Cases ------------------------------------------------------------------------------------


@ability_required_page(Ability.VIEW_CASES)
def case_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    kind = request.GET.get("kind", "")
    cases = selectors.case_list(user=request.user, state=state, kind=kind)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "campaigns/case_list.html",
        {
            "page": page,
            "state": state,
            "kind": kind,
            "states": CaseState.choices,
            "kinds": CaseKind.choices,
            "summary": selectors.case_state_summary(user=request.user),
        },
    )


@ability_required_page(Ability.VIEW_CASES)
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get(user=request.user, pk=pk)
    if case is None:
        raise Http404
    allowed = services.case_allowed_transitions(case=case, user=request.user, in_scope=True)
    form = CaseTransitionForm(posted_data(request), allowed=allowed)
    status = 200
    if request.method == "POST":
        if not allowed:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.case_transition(
                    case=case,
                    to_state=form.cleaned_data["to_state"],
                    user=request.user,
                    letter_number=form.cleaned_data["letter_number"],
                    note=form.cleaned_data["note"],
                    proposed_status=form.cleaned_data.get("proposed_status")
                    or ComplianceStatus.REGISTERED,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Status kasus diperbarui."))
                return redirect("cases:detail", pk=case.pk)
        status = 400
    transitions = selectors.case_transitions(case=case)
    return render(
        request,
        "campaigns/case_detail.html",
        {
            "case": case,
            "form": form,
            "allowed": allowed,
            "transitions": transitions,
            "durations": selectors.case_state_durations(transitions=transitions),
        },
        status=status,
    )


@ability_required_page(Ability.ESCALATE_CASES)
def case_open(request: HttpRequest, employer_pk: int) -> HttpResponse:
    employer = employer_get(user=request.user, pk=employer_pk)
    if employer is None:
        raise Http404
    if not permissions.can_edit_employer(request.user, employer):
        raise PermissionDenied
    form = CaseOpenForm(posted_data(request), employer=employer)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_open(employer=employer, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Kasus dibuat."))
            return redirect("cases:detail", pk=case.pk)
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request, "campaigns/case_form.html", {"form": form, "employer": employer}, status=status
    )


# --- Campaigns --------------------------------------------------------------------------------


@ability_required_page(Ability.VIEW_CAMPAIGNS)
def campaign_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "campaigns/campaign_list.html",
        {
            "campaigns": selectors.campaign_list(user=request.user)[:200],
            "can_create": permissions.can(request.user, Ability.MANAGE_CAMPAIGNS),
        },
    )


@ability_required_page(Ability.VIEW_CAMPAIGNS)
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    if campaign is None:
        raise Http404
    return render(
        request,
        "campaigns/campaign_detail.html",
        {
            "campaign": campaign,
            "progress": selectors.campaign_progress(campaign=campaign, user=request.user),
            "activities": selectors.campaign_activities(campaign=campaign, user=request.user),
            "branches": list(campaign.branches.all()),
            "agencies": list(campaign.agencies.all()),
        },
    )


@ability_required_page(Ability.MANAGE_CAMPAIGNS)
def campaign_create(request: HttpRequest) -> HttpResponse:
    form = CampaignForm(posted_data(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Kampanye dibuat."))
            return redirect("campaigns:detail", pk=campaign.pk)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "campaigns/campaign_form.html", {"form": form}, status=status)


# --- The sanction ladder ----------------------------------------------------------------------


def _ladder_context(request: HttpRequest, employer, issue_form=None) -> dict:
    steps = selectors.sanction_ladder(employer=employer, user=request.user)
    latest = steps[-1] if steps else None
    next_kind = services.sanction_next_kind(latest=latest)
    may_act = permissions.can_for_branch(request.user, Ability.ESCALATE_CASES, employer)
    if issue_form is None and next_kind and may_act:
        issue_form = SanctionIssueForm(kind=next_kind, employer=employer)
    return {
        "employer": employer,
        "steps": steps,
        "latest": latest,
        "next_kind": next_kind,
        "next_label": SanctionKind(next_kind).label if next_kind else "",
        "may_act": may_act,
        "issue_form": issue_form,
        "outcome_form": SanctionOutcomeForm(),
        "recovery_form": SanctionRecoveryForm(),
        "today": timezone.localdate(),
    }


@ability_required_page(Ability.VIEW_CASES)
def sanction_ladder(request: HttpRequest, employer_pk: int) -> HttpResponse:
    """Where an employer stands on the ladder; the branch issues the next rung here."""
    if not permissions.can(request.user, Ability.VIEW_VISITS):
        raise PermissionDenied  # BPJS's own acts: partner agencies see the cases instead.
    employer = employer_get(user=request.user, pk=employer_pk)
    if employer is None:
        raise Http404
    form = None
    status = 200
    if request.method == "POST":
        if not permissions.can_for_branch(request.user, Ability.ESCALATE_CASES, employer):
            raise PermissionDenied
        latest = employer.sanction_steps.order_by("-issued_on", "-id").first()
        kind = services.sanction_next_kind(latest=latest)
        if kind is None:
            # Someone issued a step meanwhile: the page shows where the ladder stands now.
            messages.error(request, _("Tahap sebelumnya belum memiliki hasil."))
            return render(
                request,
                "campaigns/sanction_ladder.html",
                _ladder_context(request, employer),
                status=400,
            )
        form = SanctionIssueForm(request.POST, kind=kind, employer=employer)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.sanction_issue(
                    employer=employer,
                    kind=kind,
                    letter_number=data["letter_number"],
                    issued_on=data["issued_on"],
                    user=request.user,
                    arrears_amount=data.get("arrears_amount") or Decimal(0),
                    months_late=data.get("months_late"),
                    agency=data.get("agency"),
                    public_services=data.get("public_services") or (),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, _("%(kind)s dicatat.") % {"kind": SanctionKind(kind).label}
                )
                return redirect("cases:sanctions", employer_pk=employer.pk)
        status = 400
    return render(
        request,
        "campaigns/sanction_ladder.html",
        _ladder_context(request, employer, form),
        status=status,
    )


def _step_or_404(request: HttpRequest, pk: int) -> SanctionStep:
    step = selectors.sanction_steps_visible(user=request.user).filter(pk=pk).first()
    if step is None:
        raise Http404
    return step


@ability_required_page(Ability.ESCALATE_CASES)
@require_POST
def sanction_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    step = _step_or_404(request, pk)
    form = SanctionOutcomeForm(request.POST)
    if form.is_valid():
        try:
            services.sanction_outcome_record(
                step=step,
                outcome=form.cleaned_data["outcome"],
                user=request.user,
                note=form.cleaned_data["note"],
                recovered_amount=form.cleaned_data["recovered_amount"] or Decimal(0),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Hasil tahap sanksi dicatat."))
    else:
        messages.error(request, _("Pilih hasil tahap sanksi."))
    return redirect("cases:sanctions", employer_pk=step.employer_id)


@ability_required_page(Ability.ESCALATE_CASES)
@require_POST
def sanction_recovery(request: HttpRequest, pk: int) -> HttpResponse:
    step = _step_or_404(request, pk)
    form = SanctionRecoveryForm(request.POST)
    if form.is_valid():
        try:
            services.sanction_recovery_add(
                step=step, amount=form.cleaned_data["amount"], user=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Tunggakan tertagih dicatat."))
    else:
        messages.error(request, _("Isi jumlah yang tertagih."))
    return redirect("cases:sanctions", employer_pk=step.employer_id)
