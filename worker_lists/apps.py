from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkerListsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "worker_lists"
    verbose_name = _("Daftar pekerja instansi")
