"""Employer pages: list with filters and exports, detail, create/edit, compliance status change."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import permissions
from accounts.permissions import Ability, ability_required_page
from core.exports import EXPORT_FORMATS
from core.forms import add_service_errors, posted_data

from . import exports, selectors, services
from .filters import EmployerFilter
from .forms import EmployerForm, StatusChangeForm

PAGE_SIZE = 25


@ability_required_page(Ability.VIEW_EMPLOYERS)
def employer_list(request: HttpRequest) -> HttpResponse:
    employer_filter = EmployerFilter(
        request.GET or None, queryset=selectors.employer_table(user=request.user), user=request.user
    )
    queryset = employer_filter.qs
    export = request.GET.get("export")
    if export in EXPORT_FORMATS:
        return exports.employers_export(
            selectors.employer_with_last_visit(queryset), file_format=export
        )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.employer_attach_last_visit(list(page.object_list))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("export", None)
    return render(
        request,
        "employers/employer_list.html",
        {
            "filter": employer_filter,
            "page": page,
            "query": query.urlencode(),
            "can_create": permissions.can(request.user, Ability.EDIT_EMPLOYERS),
        },
    )


def _employer_or_404(request: HttpRequest, pk: int):
    employer = selectors.employer_get(user=request.user, pk=pk)
    if employer is None:
        raise Http404
    return employer


@ability_required_page(Ability.VIEW_EMPLOYERS)
def employer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    employer = _employer_or_404(request, pk)
    can_edit = permissions.can_edit_employer(request.user, employer)
    context = {
        "employer": employer,
        "can_edit": can_edit,
        "status_form": StatusChangeForm(initial={"to_status": employer.compliance_status}),
        **selectors.employer_detail(user=request.user, employer=employer),
    }
    return render(request, "employers/employer_detail.html", context)


@ability_required_page(Ability.EDIT_EMPLOYERS)
def employer_create(request: HttpRequest) -> HttpResponse:
    form = EmployerForm(posted_data(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        fields.pop("confirm_duplicate", None)
        status = fields.pop("compliance_status")
        if "branch" not in form.fields:
            fields["branch"] = request.user.branch
        try:
            employer = services.employer_create(
                user=request.user, compliance_status=status, **fields
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Pemberi kerja disimpan."))
            return redirect("employers:detail", pk=employer.pk)
    return render(request, "employers/employer_form.html", {"form": form, "employer": None})


@ability_required_page(Ability.EDIT_EMPLOYERS)
def employer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    employer = _employer_or_404(request, pk)
    if not permissions.can_edit_employer(request.user, employer):
        raise PermissionDenied
    form = EmployerForm(posted_data(request), instance=employer, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            data = {k: v for k, v in form.cleaned_data.items() if k != "confirm_duplicate"}
            services.employer_update(employer=employer, user=request.user, data=data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Perubahan disimpan."))
            return redirect("employers:detail", pk=employer.pk)
    return render(request, "employers/employer_form.html", {"form": form, "employer": employer})


@ability_required_page(Ability.EDIT_EMPLOYERS)
@require_POST
def employer_status_change(request: HttpRequest, pk: int) -> HttpResponse:
    employer = _employer_or_404(request, pk)
    if not permissions.can_edit_employer(request.user, employer):
        raise PermissionDenied
    form = StatusChangeForm(request.POST)
    if form.is_valid():
        try:
            services.employer_status_change(
                employer=employer,
                to_status=form.cleaned_data["to_status"],
                reason=form.cleaned_data["reason"],
                user=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Status kepatuhan diubah."))
            return redirect("employers:detail", pk=employer.pk)
    context = {
        "employer": employer,
        "can_edit": True,
        "status_form": form,
        **selectors.employer_detail(user=request.user, employer=employer),
    }
    return render(request, "employers/employer_detail.html", context, status=400)


@ability_required_page(Ability.EDIT_EMPLOYERS)
@require_POST
def employer_proposal_decide(request: HttpRequest, pk: int, proposal_pk: int) -> HttpResponse:
    """The branch accepts or rejects a compliance status proposed by an agency."""
    employer = _employer_or_404(request, pk)
    proposal = selectors.status_proposal_get(employer=employer, pk=proposal_pk)
    if proposal is None:
        raise Http404
    decision = request.POST.get("decision")
    if decision not in ("accept", "reject"):
        return HttpResponse(_("Keputusan tidak dikenal."), status=400)
    try:
        services.status_proposal_decide(
            proposal=proposal, accept=decision == "accept", user=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Usulan status diputuskan."))
    return redirect("employers:detail", pk=employer.pk)
