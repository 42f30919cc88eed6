from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmployersConfig(AppConfig):
    name = "employers"
    verbose_name = _("Pemberi kerja")
