"""Writes for notifications: create them for an event (once per person), send their emails
(once, after commit, by Celery), mark them read, and each user's email choice."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation

from accounts.permissions import Actor

from .models import Notification, NotificationSetting
from .texts import notification_body, notification_title


@transaction.atomic
def notify(
    *, recipients: QuerySet | Iterable, kind: str, key: str, params: dict, url: str = ""
) -> list[int]:
    """Put the event in each recipient's inbox (an event already there is skipped) and, once the
    surrounding transaction commits, hand the emails to Celery. Returns the new notifications."""
    recipient_ids = sorted({user.pk for user in recipients})
    if not recipient_ids:
        return []
    already = set(
        Notification.objects.filter(recipient_id__in=recipient_ids, key=key).values_list(
            "recipient_id", flat=True
        )
    )
    Notification.objects.bulk_create(
        [
            Notification(recipient_id=pk, kind=kind, key=key, params=params, url=url)
            for pk in recipient_ids
            if pk not in already
        ],
        # A concurrent delivery of the same event loses quietly (the unique key decides).
        ignore_conflicts=True,
    )
    new_ids = list(
        Notification.objects.filter(key=key, recipient_id__in=recipient_ids)
        .exclude(recipient_id__in=already)
        .values_list("pk", flat=True)
    )
    emails = list(
        Notification.objects.filter(pk__in=new_ids, recipient__is_active=True)
        .exclude(recipient__email="")
        .exclude(recipient__notification_setting__email_enabled=False)
        .values_list("pk", flat=True)
    )
    if emails:
        from .tasks import notification_email_send

        transaction.on_commit(
            lambda: [notification_email_send.delay(notification_id=pk) for pk in emails]
        )
    return new_ids


def notification_email_send(*, notification_id: int) -> bool:
    """Send one notification's email, at most once: the row is claimed (emailed_at set) in a
    committed UPDATE before the message goes out, so a re-delivered task sends nothing. A
    failure after the claim loses that email; the inbox still has it."""
    claimed = Notification.objects.filter(
        pk=notification_id, emailed_at__isnull=True, recipient__is_active=True
    ).update(emailed_at=timezone.now())
    if not claimed:
        return False
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    recipient = notification.recipient
    if not recipient.email or not notification_email_enabled(user=recipient):
        return False
    with translation.override(settings.LANGUAGE_CODE):
        subject = notification_title(notification.kind, notification.params)
        body = notification_body(notification.kind, notification.params)
    link = f"{settings.SITE_URL}{notification.url}" if notification.url else ""
    send_mail(
        subject=subject,
        message=f"{body}\n\n{link}".strip(),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[recipient.email],
    )
    return True


def notification_email_enabled(*, user: Actor) -> bool:
    setting = NotificationSetting.objects.filter(user=user).first()
    return setting is None or setting.email_enabled


@transaction.atomic
def notification_email_set(*, user: Actor, enabled: bool) -> NotificationSetting:
    setting, _created = NotificationSetting.objects.update_or_create(
        user=user, defaults={"email_enabled": enabled}
    )
    return setting


@transaction.atomic
def notification_mark_read(*, user: Actor, notification_id: int | None = None) -> int:
    """Mark one notification (or, without an id, all of them) read; only the user's own."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())
