import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.periods import parse_period
from coverage.services import coverage_compute, period_start


class Command(BaseCommand):
    help = "Compute coverage snapshots for a month (default: this month) and earlier months."

    def add_arguments(self, parser):
        parser.add_argument("--period", help="YYYY-MM (default: this month)")
        parser.add_argument(
            "--months", type=int, default=1, help="how many months back from --period, inclusive"
        )

    def handle(self, *args, period=None, months=1, **options):
        try:
            last = parse_period(period) if period else timezone.localdate()
        except ValueError:
            raise CommandError("--period must be YYYY-MM") from None
        for period_day in coverage_periods_back(period_start(last), months):
            rows = coverage_compute(period=period_day, force=True)
            if options["verbosity"]:
                self.stdout.write(f"coverage {period_day:%Y-%m}: {rows} snapshots")


def coverage_periods_back(last: dt.date, months: int) -> list[dt.date]:
    periods = []
    year, month = last.year, last.month
    for _ in range(max(months, 1)):
        periods.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return sorted(periods)
