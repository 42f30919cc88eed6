"""Celery tasks of notifications (thin: the service claims and sends)."""

from celery import shared_task

from . import services


@shared_task(name="notifications.email_send", acks_late=True)
def notification_email_send(*, notification_id: int) -> bool:
    return services.notification_email_send(notification_id=notification_id)
