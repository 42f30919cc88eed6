import time

from django.core.management.base import BaseCommand, CommandError

from participants.synthetic import participants_generate
from regions.models import District


class Command(BaseCommand):
    help = (
        "Generate synthetic participants fast for benchmarks (PostgreSQL: one INSERT ... SELECT "
        "over generate_series per million rows). Deterministic and idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True)
        parser.add_argument("--start", type=int, default=0, help="first synthetic number")

    def handle(self, *args, count, start, **options):
        if not District.objects.exists():
            raise CommandError("Load regions first: manage.py load_regions")
        began = time.perf_counter()

        def progress(done: int, inserted: int) -> None:
            self.stdout.write(f"  {done:,} processed, {inserted:,} inserted")

        inserted = participants_generate(count=count, start=start, progress=progress)
        self.stdout.write(
            self.style.SUCCESS(
                f"{inserted:,} participants inserted in {time.perf_counter() - began:.1f}s"
            )
        )
