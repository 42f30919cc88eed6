"""Benchmark of the coverage engine at national scale (PostgreSQL). Not a test: it measures.

Generates synthetic participants (participants.synthetic.participants_generate, INSERT ... SELECT
over generate_series), then in one run times the full recompute of one period against a raw
`SELECT work_regency_id, count(*) ... GROUP BY` over the same table, and the latency of the
dashboard pages and the coverage API over N requests each (Django test client: server time
without network). Appends the results to docs/BENCHMARKS.md.
"""

from __future__ import annotations

import datetime as dt
import platform
import statistics
import time
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role, User
from core.throttling import SessionUserRateThrottle
from coverage.services import coverage_compute, period_start
from participants.models import Participant
from participants.synthetic import participants_generate
from regions.models import BranchOffice, CoverageTarget, RegionLevel

RAW_SQL = "SELECT work_regency_id, count(*) FROM {table} GROUP BY work_regency_id"
# Past months measured: last month, a year ago, four years ago and the oldest Sakernas year.
PAST_MONTHS_BACK = (1, 12, 48, 106)


def _months_back(period: dt.date, months: int) -> dt.date:
    index = period.year * 12 + period.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class Command(BaseCommand):
    help = "Benchmark coverage recompute, dashboards and API at N participants (PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=10_000_000)
        parser.add_argument("--requests", type=int, default=200)
        parser.add_argument("--repeat", type=int, default=3, help="timed runs of each SQL")
        parser.add_argument("--output", default=str(settings.BASE_DIR / "docs" / "BENCHMARKS.md"))

    def handle(self, *args, count, requests, repeat, output, **options):
        if connection.vendor != "postgresql":
            raise CommandError("The benchmark needs PostgreSQL (set DATABASE_URL).")
        self._prepare(count)
        period = period_start(timezone.localdate())
        participants = Participant.objects.count()
        raw, recompute, past = self._time_sql(period, repeat)
        pages = self._time_pages(period, requests)
        report = self._report(participants, period, raw, recompute, past, pages, requests)
        self.stdout.write(report)
        path = Path(output)
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            path.write_text("# Benchmarks\n\nAppended by `make bench-*` runs; newest last.\n")
        with path.open("a") as handle:
            handle.write("\n" + report)
        self.stdout.write(self.style.SUCCESS(f"appended to {path}"))

    def _prepare(self, count: int) -> None:
        call_command("load_regions", verbosity=0)
        # The board's pages read the published counts beside the register: measure them with it.
        call_command("load_reported_participants", verbosity=0)
        if not BranchOffice.objects.exists():
            call_command(
                "import_offices", str(settings.REFERENCE_DATA_DIR / "demo_offices.csv"), verbosity=0
            )
        # Synthetic targets so the gap columns are computed (not official targets).
        CoverageTarget.objects.get_or_create(
            level=RegionLevel.NATIONAL,
            region_code="ID",
            year=timezone.localdate().year,
            defaults={"target_pct": 45, "note": "benchmark (synthetic)"},
        )
        existing = Participant.objects.count()
        if existing < count:
            self.stdout.write(f"generating {count - existing:,} synthetic participants ...")
            began = time.perf_counter()
            participants_generate(count=count - existing, start=existing)
            self.stdout.write(f"  done in {time.perf_counter() - began:.0f}s")
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {Participant._meta.db_table}")
        User.objects.get_or_create(username="bench.dewas", defaults={"role": Role.MANAGEMENT})

    def _time_sql(self, period: dt.date, repeat: int):
        """Alternated runs (so every statement sees the same cache state) of the raw GROUP BY,
        the current month's recompute and one recompute per past month of PAST_MONTHS_BACK."""
        raw_sql = RAW_SQL.format(table=Participant._meta.db_table)
        past_periods = [_months_back(period, back) for back in PAST_MONTHS_BACK]
        raw, recompute = [], []
        past: dict[dt.date, list[float]] = {month: [] for month in past_periods}
        for _ in range(repeat):
            began = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(raw_sql)
                cursor.fetchall()
            raw.append(time.perf_counter() - began)
            began = time.perf_counter()
            coverage_compute(period=period)
            recompute.append(time.perf_counter() - began)
            for month in past_periods:
                began = time.perf_counter()
                coverage_compute(period=month, force=True)
                past[month].append(time.perf_counter() - began)
        return raw, recompute, past

    def _time_pages(self, period: dt.date, requests: int) -> list[dict]:
        # The session API budget (120 a minute) would answer 429 long before N requests: the
        # timing measures the work, not the throttle, so the budget is lifted while it runs.
        unthrottled = {**SessionUserRateThrottle.THROTTLE_RATES, "session_user": None}
        with mock.patch.object(SessionUserRateThrottle, "THROTTLE_RATES", unthrottled):
            return self._time_urls(period, requests)

    def _time_urls(self, period: dt.date, requests: int) -> list[dict]:
        client = Client()
        client.force_login(User.objects.get(username="bench.dewas"))
        month = f"{period:%Y-%m}"
        urls = [
            ("national page", f"/cakupan/?period={month}"),
            ("province page", f"/cakupan/provinsi/32/?period={month}"),
            ("regency page", f"/cakupan/kabkota/32.73/?period={month}"),
            ("API regency level", f"/api/v1/coverage/?level=regency&period={month}"),
            ("API province level", f"/api/v1/coverage/?level=province&period={month}"),
        ]
        results = []
        for label, url in urls:
            reset_queries()  # the debug query log is capped; earlier steps may have filled it
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            if response.status_code != 200:
                raise CommandError(f"{url} answered {response.status_code}")
            samples = []
            for _ in range(requests):
                began = time.perf_counter()
                client.get(url)
                samples.append((time.perf_counter() - began) * 1000)
            results.append(
                {
                    "label": label,
                    "url": url,
                    "queries": len(queries),
                    "p50": statistics.median(samples),
                    "p95": _percentile(samples, 0.95),
                }
            )
        return results

    def _report(self, participants, period, raw, recompute, past, pages, requests) -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            server_version = cursor.fetchone()[0]
        raw_best, recompute_best = min(raw), min(recompute)
        lines = [
            f"## Coverage engine, {timezone.now():%Y-%m-%d %H:%M} UTC",
            "",
            f"- {participants:,} synthetic participants; period {period:%Y-%m}; PostgreSQL "
            f"{server_version}; {platform.machine()}, {_cpus()} CPUs; `make bench-coverage`.",
            f"- Raw `SELECT work_regency_id, count(*) ... GROUP BY work_regency_id`: best "
            f"{raw_best:.2f} s (runs: {', '.join(f'{s:.2f}' for s in raw)}).",
            f"- Full recompute of the current period {period:%Y-%m} (all levels, one "
            f"transaction; what the nightly job does): best {recompute_best:.2f} s "
            f"(runs: {', '.join(f'{s:.2f}' for s in recompute)}).",
            f"- Ratio recompute / raw GROUP BY: **{recompute_best / raw_best:.2f}x** "
            f"(target <= 1.5x).",
            "- Recompute of past months (explicit recompute of a closed month, the past-month "
            "rule; target <= 1.5x the raw GROUP BY): "
            + "; ".join(
                f"{month:%Y-%m} best {min(runs):.2f} s = **{min(runs) / raw_best:.2f}x** "
                f"(runs: {', '.join(f'{s:.2f}' for s in runs)})"
                for month, runs in past.items()
            )
            + ".",
            "",
            f"| request ({requests} each, Django test client, server time) | p50 ms | p95 ms "
            "| queries |",
            "|---|---:|---:|---:|",
        ]
        lines += [
            f"| {p['label']} `{p['url']}` | {p['p50']:.1f} | {p['p95']:.1f} | {p['queries']} |"
            for p in pages
        ]
        lines.append("")
        return "\n".join(lines) + "\n"


def _cpus() -> int:
    import os

    return os.cpu_count() or 0
