from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """The site's top layer: the landing page and the synthetic demo, which use every domain app
    and which no domain app uses."""

    name = "home"
    verbose_name = _("Beranda")
