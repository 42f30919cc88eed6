from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from participants.services import reported_participants_load
from regions.services import ImportRowError


class Command(BaseCommand):
    help = (
        "Load the shipped official active-participant counts (national 2018-2025, provinces "
        "December 2023) as reported figures, beside the register. Idempotent."
    )

    def handle(self, *args, **options):
        try:
            counts = reported_participants_load(data_dir=settings.REFERENCE_DATA_DIR)
        except ImportRowError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{counts['national']} national and {counts['province']} province reported "
                "participant counts"
            )
        )
