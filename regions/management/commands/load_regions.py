from django.conf import settings
from django.core.management.base import BaseCommand

from regions.services import regions_load, workforce_estimate


class Command(BaseCommand):
    help = (
        "Load provinces, regencies and districts (Kemendagri codes) and the national workforce "
        "figure with population-share estimates. Idempotent."
    )

    def handle(self, *args, **options):
        counts = regions_load(data_dir=settings.REFERENCE_DATA_DIR)
        figures = workforce_estimate(data_dir=settings.REFERENCE_DATA_DIR)
        self.stdout.write(
            self.style.SUCCESS(
                f"{counts['provinces']} provinces, {counts['regencies']} regencies/cities, "
                f"{counts['districts']} districts; {figures} workforce figures (national official, "
                "regional estimates)"
            )
        )
