from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoverageConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "coverage"
    verbose_name = _("Cakupan kepesertaan")

    def ready(self) -> None:
        from worker_lists.signals import worker_list_finished

        from .receivers import recompute_after_worker_list

        worker_list_finished.connect(
            recompute_after_worker_list, dispatch_uid="coverage-after-worker-list"
        )
