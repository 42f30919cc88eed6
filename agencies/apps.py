from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgenciesConfig(AppConfig):
    name = "agencies"
    verbose_name = _("Instansi mitra")

    def ready(self) -> None:
        from . import schema  # noqa: F401  (registers the OpenAPI auth extension)
