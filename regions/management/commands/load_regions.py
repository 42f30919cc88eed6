from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from regions.services import (
    ImportRowError,
    regions_load,
    workforce_estimate,
    workforce_sakernas_load,
)


class Command(BaseCommand):
    help = (
        "Load provinces, regencies and districts (Kemendagri codes), the official BPS Sakernas "
        "August 2018-2025 workforce figures and, only where a region has none, population-share "
        "estimates. Idempotent."
    )

    def handle(self, *args, **options):
        data_dir = settings.REFERENCE_DATA_DIR
        counts = regions_load(data_dir=data_dir)
        try:
            official = workforce_sakernas_load(data_dir=data_dir)
        except ImportRowError as error:
            raise CommandError(str(error)) from None
        estimates = workforce_estimate(data_dir=data_dir)
        self.stdout.write(
            self.style.SUCCESS(
                f"{counts['provinces']} provinces, {counts['regencies']} regencies/cities, "
                f"{counts['districts']} districts; official workforce figures (BPS Sakernas "
                f"August): {official['national']} national, {official['province']} province, "
                f"{official['regency']} regency; {estimates} population-share estimates"
            )
        )
