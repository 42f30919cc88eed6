from django.core.management.base import BaseCommand, CommandError

from core.tabular import TableReadError, read_table
from regions.services import ImportRowError, offices_import


class Command(BaseCommand):
    help = (
        "Import the Kanwil/Kantor Cabang/regency mapping from CSV or XLSX with columns "
        "regional_office_code, regional_office_name, branch_code, branch_name, regency_code, "
        "is_primary."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
        try:
            counts = offices_import(rows=read_table(path))
        except (TableReadError, ImportRowError, FileNotFoundError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(", ".join(f"{v} {k}" for k, v in counts.items())))
