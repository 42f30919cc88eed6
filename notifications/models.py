"""In-app notifications (the inbox) and each user's choice about email."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    CASE_SENT = "case_sent", _("Kasus dikirim ke instansi")
    SANCTION_LAPSED = "sanction_lapsed", _("Tenggat sanksi lewat")
    LIST_FINISHED = "list_finished", _("Daftar pekerja selesai diproses")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("jenis"), max_length=20, choices=NotificationKind.choices)
    # One event, one notification per person: the key names the event (e.g. "case_sent:12").
    key = models.CharField(max_length=100)
    # Names and counts for the text, rendered in the reader's language (no personal data).
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Set when the email is claimed for sending: an email goes out at most once.
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notifikasi")
        verbose_name_plural = _("notifikasi")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_once_per_event")
        ]
        indexes = [
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id}: {self.key}"


class NotificationSetting(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_setting"
    )
    email_enabled = models.BooleanField(_("kirim juga lewat email"), default=True)

    class Meta:
        verbose_name = _("pengaturan notifikasi")
        verbose_name_plural = _("pengaturan notifikasi")

    def __str__(self) -> str:
        return f"{self.user_id}: email={'on' if self.email_enabled else 'off'}"
