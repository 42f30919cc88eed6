"""The inbox page, the header's unread count (fetched once per page, no polling) and the
email choice."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import selectors, services


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.notification_list(user=request.user), 25).get_page(
        request.GET.get("page")
    )
    page.object_list = selectors.notification_with_texts(page.object_list)
    return render(
        request,
        "notifications/inbox.html",
        {
            "page": page,
            "email_enabled": services.notification_email_enabled(user=request.user),
            "unread": selectors.notification_unread_count(user=request.user),
        },
    )


@login_required
@require_GET
def unread_badge(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "notifications/_badge.html",
        {"unread": selectors.notification_unread_count(user=request.user)},
    )


@login_required
@require_POST
def open_notification(request: HttpRequest) -> HttpResponse:
    """Mark read and go to what it is about (only a path on this site). The id comes in the
    form; another user's id finds nothing and leads back to the inbox."""
    raw = request.POST.get("notification", "")
    notification = (
        selectors.notification_list(user=request.user).filter(pk=int(raw)).first()
        if raw.isdigit()
        else None
    )
    if notification is not None:
        services.notification_mark_read(user=request.user, notification_id=notification.pk)
    url = notification.url if notification else ""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return redirect(url)
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    services.notification_mark_read(user=request.user)
    return redirect("notifications:inbox")


@login_required
@require_POST
def email_setting(request: HttpRequest) -> HttpResponse:
    enabled = request.POST.get("email_enabled") == "on"
    services.notification_email_set(user=request.user, enabled=enabled)
    messages.success(
        request, _("Email notifikasi diaktifkan.") if enabled else _("Email notifikasi dimatikan.")
    )
    return redirect("notifications:inbox")
