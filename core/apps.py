from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Inti")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from core import checks  # noqa: F401 (registers the production start checks)
        from core.middleware import session_lifetime_start

        user_logged_in.connect(session_lifetime_start, dispatch_uid="core.session_lifetime_start")
