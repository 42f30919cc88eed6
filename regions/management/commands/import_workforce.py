from django.core.management.base import BaseCommand, CommandError

from core.tabular import TableReadError, read_table
from regions.services import ImportRowError, workforce_import


class Command(BaseCommand):
    help = (
        "Import official BPS workforce figures (CSV or XLSX) with columns region_code "
        "(ID, 36 or 36.73), period (YYYY-MM), employed, labour_force, formal_employed, source. "
        "Rejects the whole file if a row is bad."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--source", default="BPS Sakernas", help="source when a row has none")

    def handle(self, *args, path, source, **options):
        try:
            count = workforce_import(rows=read_table(path), default_source=source)
        except (TableReadError, ImportRowError, FileNotFoundError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"{count} official workforce figures imported"))
