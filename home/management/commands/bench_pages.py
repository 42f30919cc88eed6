"""Pages and API lists at production shape, through a real server (PostgreSQL). Not a test.

Shape (synthetic, generated set-based when missing): the participants already in the database
(bench_coverage generates 10M), 5M enrollment leads over 35 partner agencies, 1,000 finished
partner lists, 100,000 employers. The month is recomputed (snapshots and partner figures), then
gunicorn (2 workers, DEBUG off) serves the board, branch and administrator pages and the API
lists on 127.0.0.1:PORT; every URL is requested at concurrency 1 and 4 (threads, one keep-alive
connection each) and its p50/p95 recorded. The floor beside it: the same URL's SQL alone
(captured in-process, then re-run on one connection), so "page / SQL" says how much is Python.
Appends the results, with the machine's load, to docs/BENCHMARKS.md.
"""

from __future__ import annotations

import datetime as dt
import http.client
import os
import platform
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.module_loading import import_string

from accounts.models import Role, User
from agencies.models import AgencyKind, PartnerAgency
from coverage.services import coverage_compute, period_start
from employers.models import Employer
from participants.models import Participant
from regions.models import BranchOffice, Province
from worker_lists.models import (
    EnrollmentLead,
    LeadStatus,
    LeadTally,
    SubmissionStatus,
    WorkerListSubmission,
)
from worker_lists.services import lead_tally_rebuild
from worker_lists.views import LEAD_SEARCH_SESSION_KEY

HOST = "127.0.0.1"
AGENCIES = 35
PREFIX = "BENCH"
LEAD_TRGM_INDEX = "lead_full_name_trgm_idx"
BENCH_SECRET_KEY = "bench-pages-only-not-a-secret-" + "x" * 40


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class Command(BaseCommand):
    help = "Benchmark pages and API lists at production shape through gunicorn (PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("--leads", type=int, default=5_000_000)
        parser.add_argument("--employers", type=int, default=100_000)
        parser.add_argument("--lists", type=int, default=1_000)
        parser.add_argument("--requests", type=int, default=60, help="per URL and concurrency")
        parser.add_argument("--port", type=int, default=8140)
        parser.add_argument("--only", default="", help="measure only URLs whose label has this")
        parser.add_argument("--output", default=str(settings.BASE_DIR / "docs" / "BENCHMARKS.md"))

    def handle(self, *args, leads, employers, lists, requests, port, output, only, **options):
        if connection.vendor != "postgresql":
            raise CommandError("The benchmark needs PostgreSQL (set DATABASE_URL).")
        if not Participant.objects.exists():
            raise CommandError("No participants: run `make bench-coverage` on this database first.")
        # The session cookies are signed here and read by gunicorn: one key for both (the
        # development default is refused with DEBUG off).
        if "DJANGO_SECRET_KEY" not in os.environ:
            settings.SECRET_KEY = BENCH_SECRET_KEY
        self._prepare(leads=leads, employers=employers, lists=lists)
        period = period_start(timezone.localdate())
        began = time.perf_counter()
        coverage_compute(period=period, force=True)
        recompute = time.perf_counter() - began
        users = self._users()
        urls = [url for url in self._urls(period) if only in url[0]]
        floors = self._sql_floors(urls, users)
        load_before = os.getloadavg()
        server = self._serve(port)
        try:
            cookies = {name: self._session_cookie(user) for name, user in users.items()}
            results = self._measure(port, urls, cookies, requests)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        load_after = os.getloadavg()
        report = self._report(
            urls, results, floors, recompute, requests, load_before, load_after, period
        )
        self.stdout.write(report)
        path = Path(output)
        with path.open("a") as handle:
            handle.write("\n" + report)
        self.stdout.write(self.style.SUCCESS(f"appended to {path}"))

    # --- data ------------------------------------------------------------------------------

    def _prepare(self, *, leads: int, employers: int, lists: int) -> None:
        agencies = list(PartnerAgency.objects.filter(name__startswith=PREFIX).order_by("id"))
        if len(agencies) < AGENCIES:
            provinces = list(Province.objects.order_by("code").values_list("code", flat=True))
            for index in range(len(agencies), AGENCIES):
                PartnerAgency.objects.create(
                    name=f"{PREFIX} Instansi sintetis {index + 1:02d}",
                    kind=AgencyKind.choices[index % len(AgencyKind.choices)][0],
                    jurisdiction_province_id=provinces[index % len(provinces)],
                )
        agency_ids = list(
            PartnerAgency.objects.filter(name__startswith=PREFIX)
            .order_by("id")
            .values_list("id", flat=True)
        )
        t = {
            "lead": EnrollmentLead._meta.db_table,
            "list": WorkerListSubmission._meta.db_table,
            "employer": Employer._meta.db_table,
        }
        params = {
            "agencies": agency_ids,
            "done": str(SubmissionStatus.DONE),
            "new": str(LeadStatus.NEW),
            "enrolled": str(LeadStatus.ENROLLED),
            "prefix": PREFIX,
        }
        # Each regency's primary (else any) branch, so branch staff have leads and employers.
        branch_of = """
            SELECT DISTINCT ON (regency_id) regency_id, branch_id FROM regions_branchregency
            ORDER BY regency_id, is_primary DESC, branch_id
        """
        regencies = "SELECT array_agg(code ORDER BY code) AS codes FROM regions_regency"
        with connection.cursor() as cursor:
            have = WorkerListSubmission.objects.filter(reference__startswith=PREFIX).count()
            if have < lists:
                self.stdout.write(f"generating {lists - have:,} finished partner lists ...")
                cursor.execute(
                    f"""
                    INSERT INTO {t["list"]} (reference, idempotency_key, content_hash,
                        source_format, original_filename, file, status, failure_reason,
                        processed_rows, total_rows, count_invalid, count_duplicate_in_list,
                        count_already_covered, count_lapsed, count_new_lead,
                        count_needs_verification, count_existing_lead, register_lookups,
                        register_disclosures, attempts, created_at, finished_at, agency_id)
                    SELECT %(prefix)s || ' daftar ' || g, '', md5(g::text), 'csv', '', '',
                           %(done)s, '', 5000, 5000, 50, 20, 3000, 400, 1530, 0, 0, 4930,
                           3400, 1,
                           now() - (g %% 300) * interval '1 day',
                           now() - (g %% 300) * interval '1 day',
                           (%(agencies)s::bigint[])[1 + g %% cardinality(%(agencies)s::bigint[])]
                    FROM generate_series(%(start)s, %(stop)s) AS g
                    """,
                    {**params, "start": have + 1, "stop": lists},
                )
            have = EnrollmentLead.objects.filter(agency_id__in=agency_ids).count()
            generated_leads = have < leads
            if generated_leads:
                self.stdout.write(f"generating {leads - have:,} synthetic leads ...")
                began = time.perf_counter()
                # Built after the bulk insert: maintaining a trigram index row by row is slow.
                cursor.execute(f"DROP INDEX IF EXISTS {LEAD_TRGM_INDEX}")
                cursor.execute(
                    f"""
                    INSERT INTO {t["lead"]} (nik, full_name, unit, position, status,
                        status_changed_at, created_at, agency_id, work_regency_id, branch_id)
                    SELECT lpad(g::text, 16, '9'),
                           (ARRAY['Budi','Siti','Agus','Dewi','Rina','Joko','Ani','Eko',
                                  'Sri','Wahyu','Putri','Hendra','Lestari','Yusuf','Indah',
                                  'Bayu','Ratna','Fajar','Nur','Rudi'])[1 + g %% 20]
                             || ' ' ||
                           (ARRAY['Santoso','Wijaya','Saputra','Lestari','Hidayat','Pratama',
                                  'Kurniawan','Setiawan','Utami','Nugroho','Rahmawati',
                                  'Susanto','Siregar','Harahap','Simanjuntak','Sihombing',
                                  'Manurung','Nasution','Lubis','Tanjung'])[1 + (g / 20) %% 20]
                             || ' ' || g,
                           '', '',
                           CASE WHEN g %% 10 = 0 THEN %(enrolled)s ELSE %(new)s END,
                           CASE WHEN g %% 10 = 0 THEN now() - (g %% 30) * interval '1 day' END,
                           now() - (g %% 600) * interval '1 day',
                           (%(agencies)s::bigint[])[1 + g %% cardinality(%(agencies)s::bigint[])],
                           r.codes[1 + (g / 7) %% cardinality(r.codes)],
                           b.branch_id
                    FROM generate_series(%(start)s, %(stop)s) AS g
                    CROSS JOIN ({regencies}) r
                    LEFT JOIN ({branch_of}) b
                           ON b.regency_id = r.codes[1 + (g / 7) %% cardinality(r.codes)]
                    """,
                    {**params, "start": have + 1, "stop": leads},
                )
                self.stdout.write(f"  inserted in {time.perf_counter() - began:.0f}s")
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {LEAD_TRGM_INDEX} ON {t['lead']} "
                "USING gin ((UPPER(full_name::text)) gin_trgm_ops)"
            )
            # The leads above bypass the ingest: recount the tally the lead list reads.
            if not LeadTally.objects.exists() or generated_leads:
                lead_tally_rebuild()
            have = Employer.objects.filter(npp__startswith=PREFIX).count()
            if have < employers:
                self.stdout.write(f"generating {employers - have:,} synthetic employers ...")
                cursor.execute(
                    f"""
                    INSERT INTO {t["employer"]} (name, npp, nib, npwp, sector, size_class,
                        regency_id, address, branch_id, compliance_status, reported_workers,
                        registered_workers, created_at, updated_at)
                    SELECT 'PT Sintetis ' ||
                           (ARRAY['Makmur','Jaya','Abadi','Sentosa','Mandiri','Sejahtera',
                                  'Bersama','Utama','Nusantara','Perkasa'])[1 + g %% 10]
                           || ' ' || g,
                           %(prefix)s || g, '', '', 'trade', 'small',
                           r.codes[1 + (g / 3) %% cardinality(r.codes)], '', b.branch_id,
                           (ARRAY['registered','pds_tk','pds_upah','not_registered'])[1 + g %% 4],
                           g %% 200, g %% 150, now(), now()
                    FROM generate_series(%(start)s, %(stop)s) AS g
                    CROSS JOIN ({regencies}) r
                    LEFT JOIN ({branch_of}) b
                           ON b.regency_id = r.codes[1 + (g / 3) %% cardinality(r.codes)]
                    """,
                    {**params, "start": have + 1, "stop": employers},
                )
            for table in t.values():
                cursor.execute(f"VACUUM ANALYZE {table}")

    def _users(self) -> dict[str, User]:
        branch = BranchOffice.objects.filter(regencies__isnull=False).order_by("code").first()
        specs = {
            "board": {"role": Role.MANAGEMENT},
            "admin": {"role": Role.ADMIN},
            "branch": {"role": Role.BRANCH, "branch": branch},
            "admin-search": {"role": Role.ADMIN},
            "branch-nik": {"role": Role.BRANCH, "branch": branch},
        }
        users = {}
        for name, fields in specs.items():
            user, _ = User.objects.get_or_create(username=f"bench.{name}", defaults=fields)
            users[name] = user
        return users

    def _urls(self, period: dt.date) -> list[tuple[str, str, str]]:
        """(label, viewer, url): every board and branch page and API list, by who opens it."""
        month = f"{period:%Y-%m}"
        period_q = f"period={month}"
        branch = User.objects.get(username="bench.branch").branch
        kanwil = branch.regional_office.code
        regency = branch.regencies.order_by("code").values_list("code", flat=True).first()
        return [
            ("national page", "board", f"/cakupan/?period={month}"),
            ("province page", "board", f"/cakupan/provinsi/32/?period={month}"),
            ("regency page", "board", f"/cakupan/kabkota/32.73/?period={month}"),
            ("kanwil page", "board", f"/cakupan/kanwil/{kanwil}/?period={month}"),
            ("branch page (own)", "branch", f"/cakupan/cabang/{branch.code}/?period={month}"),
            ("regency page (branch)", "branch", f"/cakupan/kabkota/{regency}/?period={month}"),
            ("employer list (admin)", "admin", "/pemberi-kerja/"),
            ("employer search (admin)", "admin", "/pemberi-kerja/?q=makmur+12"),
            ("employer list (branch)", "branch", "/pemberi-kerja/"),
            ("lead list (branch)", "branch", "/prospek/"),
            ("lead list (admin)", "admin", "/prospek/"),
            ("lead name search (admin)", "admin-search", "/prospek/"),
            ("lead NIK search (branch)", "branch-nik", "/prospek/"),
            ("API coverage, regencies", "board", f"/api/v1/coverage/?level=regency&{period_q}"),
            ("API coverage, provinces", "board", f"/api/v1/coverage/?level=province&{period_q}"),
            ("API employers (admin)", "admin", "/api/v1/employers/"),
            ("API employers (branch)", "branch", "/api/v1/employers/"),
        ]

    # --- measuring ---------------------------------------------------------------------------

    def _session_cookie(self, user: User) -> str:
        client = Client()
        client.force_login(user)
        key = client.cookies[settings.SESSION_COOKIE_NAME].value
        search = self._search_of(user)
        if search:
            store: SessionBase = import_string(f"{settings.SESSION_ENGINE}.SessionStore")(key)
            store[LEAD_SEARCH_SESSION_KEY] = search
            store.save()
        return key

    def _search_of(self, user: User) -> str:
        """What a viewer has typed in the lead search (kept in its session, as the page does):
        a name for the administrator, the NIK of one of its leads for branch staff."""
        if user.username == "bench.admin-search":
            return "budi santoso 1"
        if user.username == "bench.branch-nik":
            nik = EnrollmentLead.objects.filter(branch=user.branch).values_list("nik", flat=True)
            return nik.first() or ""
        return ""

    def _sql_floors(self, urls, users) -> dict[str, float]:
        """Per URL, its SQL alone: the queries captured in-process, re-run 10 times, median."""
        floors = {}
        clients = {}
        for label, viewer, url in urls:
            client = clients.get(viewer)
            if client is None:
                client = clients[viewer] = Client()
                client.force_login(users[viewer])
                search = self._search_of(users[viewer])
                if search:
                    session = client.session
                    session[LEAD_SEARCH_SESSION_KEY] = search
                    session.save()
            reset_queries()
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            if response.status_code != 200:
                raise CommandError(f"{url} answered {response.status_code} to {viewer}")
            statements = [q["sql"] for q in captured.captured_queries]
            runs = []
            for _ in range(10):
                began = time.perf_counter()
                with connection.cursor() as cursor:
                    for sql in statements:
                        if sql.lstrip().upper().startswith(("SELECT", "WITH")):
                            cursor.execute(sql.replace("%", "%%"))
                            cursor.fetchall()
                runs.append((time.perf_counter() - began) * 1000)
            floors[label] = (statistics.median(runs), len(statements))
        return floors

    def _serve(self, port: int) -> subprocess.Popen:
        if not 8140 <= port <= 8149:
            raise CommandError("use a port in 8140-8149")
        env = {
            **os.environ,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            # The API's per-user throttle (120/minute) would answer 429 to a benchmark.
            "API_SESSION_THROTTLE_RATE": "1000000/minute",
            "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        }
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=settings.BASE_DIR,
            env=env,
            check=True,
        )
        gunicorn = Path(sys.executable).parent / "gunicorn"
        server = subprocess.Popen(
            [
                gunicorn,
                "bpjs_outreach.wsgi",
                "-b",
                f"{HOST}:{port}",
                "-w",
                "2",
                "--log-level",
                "warning",
            ],
            cwd=settings.BASE_DIR,
            env=env,
        )
        self.stdout.write(f"gunicorn pid {server.pid} on {HOST}:{port}")
        for _ in range(100):
            try:
                conn = http.client.HTTPConnection(HOST, port, timeout=2)
                conn.request("GET", "/healthz")
                conn.getresponse().read()
                return server
            except OSError:
                time.sleep(0.2)
        server.kill()
        raise CommandError("gunicorn did not start")

    def _measure(self, port, urls, cookies, requests) -> dict:
        results = {}
        for label, viewer, url in urls:
            headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookies[viewer]}"}
            for concurrency in (1, 4):
                for _ in range(3):  # warm both workers
                    self._get(port, url, headers)
                samples: list[float] = []
                lock = threading.Lock()

                def worker(count, headers=headers, url=url, samples=samples, lock=lock):
                    conn = http.client.HTTPConnection(HOST, port, timeout=60)
                    mine = []
                    for _ in range(count):
                        began = time.perf_counter()
                        conn.request("GET", url, headers=headers)
                        response = conn.getresponse()
                        response.read()
                        mine.append((time.perf_counter() - began) * 1000)
                        if response.status != 200:
                            raise CommandError(f"{url} answered {response.status}")
                    with lock:
                        samples.extend(mine)

                threads = [
                    threading.Thread(target=worker, args=(requests // concurrency,))
                    for _ in range(concurrency)
                ]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
                results[(label, concurrency)] = {
                    "p50": statistics.median(samples),
                    "p95": _percentile(samples, 0.95),
                    "n": len(samples),
                }
        return results

    def _get(self, port, url, headers) -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        conn.request("GET", url, headers=headers)
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise CommandError(f"{url} answered {response.status} through gunicorn")

    def _report(self, urls, results, floors, recompute, requests, before, after, period) -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            server_version = cursor.fetchone()[0]
        counts = {
            "participants": Participant.objects.count(),
            "leads": EnrollmentLead.objects.count(),
            "employers": Employer.objects.count(),
            "lists": WorkerListSubmission.objects.count(),
            "agencies": PartnerAgency.objects.count(),
        }
        lines = [
            f"## Pages at production shape, {timezone.now():%Y-%m-%d %H:%M} UTC",
            "",
            "`manage.py bench_pages` (`make bench-pages`): gunicorn, 2 workers, DEBUG off, "
            f"127.0.0.1; {platform.machine()}, {os.cpu_count()} CPUs, PostgreSQL "
            f"{server_version}. Synthetic data: {counts['participants']:,} participants, "
            f"{counts['leads']:,} leads over {counts['agencies']} agencies, "
            f"{counts['lists']:,} partner lists, {counts['employers']:,} employers. "
            f"Recompute of {period:%Y-%m} (snapshots + partner figures): {recompute:.2f} s.",
            f"- Load average (1/5/15 min) before: {before[0]:.2f} / {before[1]:.2f} / "
            f"{before[2]:.2f}; after: {after[0]:.2f} / {after[1]:.2f} / {after[2]:.2f}. "
            "A load above 1 before the run means other work shared the 2 CPUs: figures are then "
            "pessimistic; ratios in the same run are the steadier signal.",
            f"- {requests} requests per URL and concurrency (keep-alive, one connection per "
            "client thread). SQL floor: the URL's queries captured in-process and re-run on one "
            "connection (median of 10), i.e. the database work the page cannot avoid.",
            "",
            "| request | viewer | c=1 p50 | c=1 p95 | c=4 p50 | c=4 p95 | SQL floor ms "
            "(queries) | c=1 p50 / floor | p95 c=1 < 50 ms |",
            "|---|---|---:|---:|---:|---:|---:|---:|:---:|",
        ]
        for label, viewer, _url in urls:
            one, four = results[(label, 1)], results[(label, 4)]
            floor, queries = floors[label]
            ratio = one["p50"] / floor if floor else 0
            lines.append(
                f"| {label} | {viewer} | {one['p50']:.1f} | {one['p95']:.1f} | "
                f"{four['p50']:.1f} | {four['p95']:.1f} | {floor:.1f} ({queries}) | "
                f"{ratio:.1f}x | {'yes' if one['p95'] < 50 else '**no**'} |"
            )
        lines.append("")
        return "\n".join(lines) + "\n"
