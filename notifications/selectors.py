"""Reads of the inbox: only ever the user's own notifications."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.permissions import Actor

from .models import Notification
from .texts import notification_body, notification_title


def notification_list(*, user: Actor) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def notification_unread_count(*, user: Actor) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_with_texts(notifications) -> list[Notification]:
    """Title and body in the reader's language."""
    notifications = list(notifications)
    for notification in notifications:
        notification.title = notification_title(notification.kind, notification.params)
        notification.body = notification_body(notification.kind, notification.params)
    return notifications
