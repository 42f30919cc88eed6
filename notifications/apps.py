from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"
    verbose_name = _("Notifikasi")

    def ready(self) -> None:
        # The apps that raise events do not know who listens: they send signals, we connect.
        from campaigns.signals import case_sent, sanction_deadline_lapsed
        from worker_lists.signals import worker_list_finished

        from . import receivers

        case_sent.connect(receivers.on_case_sent, dispatch_uid="notify-case-sent")
        sanction_deadline_lapsed.connect(
            receivers.on_sanction_deadline_lapsed, dispatch_uid="notify-sanction-lapsed"
        )
        worker_list_finished.connect(
            receivers.on_worker_list_finished, dispatch_uid="notify-worker-list-finished"
        )
