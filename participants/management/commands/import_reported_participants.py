from django.core.management.base import BaseCommand, CommandError

from core.tabular import TableReadError, read_table
from participants.services import reported_participants_import
from regions.services import ImportRowError


class Command(BaseCommand):
    help = (
        "Import published active-participant counts (CSV or XLSX) with columns region_code "
        "(ID or a province code), period (YYYY-MM), active_total, active_pu, active_bpu, "
        "active_jakon, source. Rejects the whole file if a row is bad."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--source", default="", help="source when a row has none")

    def handle(self, *args, path, source, **options):
        try:
            count = reported_participants_import(rows=read_table(path), default_source=source)
        except (TableReadError, ImportRowError, FileNotFoundError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"{count} reported participant counts imported"))
