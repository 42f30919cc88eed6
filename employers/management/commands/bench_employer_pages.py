"""Time the employer list page (and its search/filters) at 100,000 synthetic employers.

PostgreSQL only. Everything runs inside a transaction that is rolled back, so the database is left
as it was. Results are appended to docs/BENCHMARKS.md.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from accounts.models import Role, User
from regions.models import BranchOffice, BranchRegency, Regency, RegionalOffice

QUERIES = {
    "first page": {},
    "status filter": {"compliance_status": "pds_tk"},
    "search by name": {"q": "makmur 12"},
    "no visit in 90 days": {"no_recent_visit": "true"},
    "sort by registered workers, page 200": {"sort": "-registered", "page": "200"},
}


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Benchmark the employer list page at N synthetic employers (PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("--employers", type=int, default=100_000)
        parser.add_argument("--repeat", type=int, default=5)

    def handle(self, *args, employers: int, repeat: int, **options):
        if connection.vendor != "postgresql":
            raise CommandError("needs PostgreSQL (set DATABASE_URL)")
        if not Regency.objects.filter(code="36.73").exists():
            raise CommandError("load the regions first: manage.py load_regions")
        try:
            with transaction.atomic():
                results = self._run(employers, repeat)
                raise _Rollback
        except _Rollback:
            pass
        self._report(employers, results)

    def _run(self, employers: int, repeat: int) -> dict[str, dict[str, float]]:
        kanwil = RegionalOffice.objects.create(code="bench-kw", name="Kanwil benchmark")
        branch = BranchOffice.objects.create(
            code="bench-kc", name="Cabang benchmark", regional_office=kanwil
        )
        BranchRegency.objects.create(branch=branch, regency_id="36.73", is_primary=False)
        other = BranchOffice.objects.create(
            code="bench-kc2", name="Cabang benchmark 2", regional_office=kanwil
        )
        staff = User.objects.create(username="bench-branch", role=Role.BRANCH, branch=branch)
        admin = User.objects.create(username="bench-admin", role=Role.ADMIN)
        with connection.cursor() as cursor:
            # Set-based: one INSERT ... SELECT for all synthetic employers, half in each branch.
            cursor.execute(
                """
                INSERT INTO employers_employer
                    (name, npp, nib, npwp, sector, size_class, regency_id, address, branch_id,
                     compliance_status, reported_workers, registered_workers, created_at,
                     updated_at)
                SELECT 'PT Sintetis Makmur ' || g, 'BENCH' || g, '', '', 'trade', 'small',
                       '36.73', '', CASE WHEN g %% 2 = 0 THEN %s ELSE %s END,
                       (ARRAY['registered','pds_tk','pds_upah','not_registered'])[1 + g %% 4],
                       g %% 200, g %% 150, now(), now()
                FROM generate_series(1, %s) AS g
                """,
                [branch.pk, other.pk, employers],
            )
            cursor.execute(
                """
                INSERT INTO campaigns_visit
                    (employer_id, branch_id, officer_id, visited_on, purpose, finding, outcome,
                     workers_enrolled, follow_up_done, notes, created_at)
                SELECT e.id, e.branch_id, %s, current_date - (e.id %% 200)::int, 'sosialisasi',
                       '', 'refused', 0, false, '', now()
                FROM employers_employer e WHERE e.npp LIKE 'BENCH%%' AND e.id %% 3 = 0
                """,
                [staff.pk],
            )
            cursor.execute("ANALYZE employers_employer; ANALYZE campaigns_visit;")
        results: dict[str, dict[str, float]] = {}
        for role_name, user in (("branch staff", staff), ("administrator", admin)):
            client = Client()
            client.force_login(user)
            for label, params in QUERIES.items():
                timings = []
                for _ in range(repeat):
                    started = time.perf_counter()
                    response = client.get("/pemberi-kerja/", params)
                    timings.append((time.perf_counter() - started) * 1000)
                    assert response.status_code == 200, response.status_code
                results[f"{role_name}: {label}"] = {
                    "median_ms": statistics.median(timings),
                    "max_ms": max(timings),
                }
        return results

    def _report(self, employers: int, results: dict[str, dict[str, float]]) -> None:
        lines = [
            "",
            f"## Employer list page, {employers:,} employers ({timezone.now():%Y-%m-%d %H:%M} UTC)",
            "",
            "`manage.py bench_employer_pages` on PostgreSQL; synthetic employers, a third with "
            "visits; wall time of the whole request through Django's test client (page of 25, "
            "paginator COUNT included). The machine is shared with other test runs: expect noise.",
            "",
            "| request | median ms | max ms |",
            "|---|---:|---:|",
        ]
        for label, timing in results.items():
            lines.append(f"| {label} | {timing['median_ms']:.0f} | {timing['max_ms']:.0f} |")
        text = "\n".join(lines) + "\n"
        self.stdout.write(text)
        path = Path(settings.BASE_DIR) / "docs" / "BENCHMARKS.md"
        path.parent.mkdir(exist_ok=True)
        if not path.exists():
            path.write_text("# Benchmarks\n\nAppended by the `bench*` commands; newest last.\n")
        with path.open("a") as handle:
            handle.write(text)
