"""Recount the lead tally from the leads: a repair after writes that bypassed the services (raw
SQL, a data fix). Safe while the application runs (see services.lead_tally_rebuild)."""

from django.core.management.base import BaseCommand

from worker_lists.services import lead_tally_rebuild


class Command(BaseCommand):
    help = "Recount the lead tally (counts per agency, regency, branch and status) from the leads."

    def handle(self, *args, **options):
        rows = lead_tally_rebuild()
        self.stdout.write(self.style.SUCCESS(f"lead tally rebuilt: {rows:,} rows"))
