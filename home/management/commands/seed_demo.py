from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from home.demo import DEMO_PASSWORD, demo_data_create, demo_worker_list_submit
from regions.models import BranchOffice


class Command(BaseCommand):
    help = "Load reference data and clearly synthetic demo data, and print demo logins. Idempotent."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            # The demo creates `admin` and other logins with a password printed in the README.
            raise CommandError(
                "seed_demo creates logins with a published password: it runs only with DEBUG on."
            )
        call_command("load_regions", stdout=self.stdout)
        if not BranchOffice.objects.exists():
            call_command(
                "import_offices",
                str(settings.REFERENCE_DATA_DIR / "demo_offices.csv"),
                stdout=self.stdout,
            )
        credentials = demo_data_create()
        # After the demo data commits: the list's processing reads those participants.
        demo_worker_list_submit()
        # The dashboards read snapshots only: compute this month and five before it for the trend.
        call_command(
            "compute_coverage", months=6, stdout=self.stdout, verbosity=options["verbosity"]
        )
        self.stdout.write(self.style.SUCCESS("Demo data ready (synthetic). Demo logins:"))
        for username, role in credentials:
            self.stdout.write(f"  {username:<18} {DEMO_PASSWORD}   ({role})")
