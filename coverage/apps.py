from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoverageConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "coverage"
    verbose_name = _("Cakupan kepesertaan")
