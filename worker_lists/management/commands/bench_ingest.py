"""Benchmark the worker-list pipeline end to end against its floor (see `make bench-ingest`).

PostgreSQL with at least 1,000,000 participants; a real Celery worker subprocess and a real HTTP
server subprocess (gunicorn on BENCH_PORT). In one run, per file size:

- end to end: a CSV of N synthetic rows is posted to /api/v1/worker-lists/ and polled over HTTP
  (another connection) until `done`, which commits together with the rows and leads;
- the floor: the rows and leads that run stored are COPYed, in one transaction, into fresh
  tables with the same columns and indexes (CREATE TABLE ... (LIKE ... INCLUDING ALL)), COMMIT
  included: the least work that stores the same result durably and indexed;
- raw COPY: the CSV file COPYed into an unlogged table without indexes, a second reference.

The worker logs its phases (seconds per phase); they are reported as the breakdown. Results are
printed and appended to docs/BENCHMARKS.md. All data is synthetic.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from http.client import HTTPConnection
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from agencies.models import AgencyAPIKey, AgencyKind, PartnerAgency
from participants.models import Participant
from participants.synthetic import participants_generate
from regions.models import District
from worker_lists.models import EnrollmentLead, WorkerListRow, WorkerListSubmission

# The register at production shape (issue 14): the participant match probes its NIK index.
MIN_PARTICIPANTS = 10_000_000
HOST = "127.0.0.1"
WAIT_LIMIT_S = 1800


def _write_csv(path: Path, rows: int) -> dict[str, int]:
    """Synthetic list: ~10% participants (covered or lapsed), 2% damaged NIKs, 1% repeats of an
    earlier row, the rest new valid workers (serial >= 2, which generate_participants never uses
    below 100M rows)."""
    districts = list(District.objects.order_by("code").values_list("code", "regency_id"))
    participants = list(
        Participant.objects.order_by("id").values_list(
            "nik", "birth_date", "work_regency_id", "full_name"
        )[: rows // 10 + 10]
    )
    base = dt.date(1970, 1, 1)

    def new_worker(index: int) -> tuple[str, dt.date, str]:
        district, regency = districts[index % len(districts)]
        birth = base + dt.timedelta(days=(index // len(districts)) % 12_000)
        serial = 2 + index // (len(districts) * 12_000)
        return f"{district.replace('.', '')}{birth:%d%m%y}{serial:04d}", birth, regency

    mix = {"participant": 0, "damaged": 0, "repeat": 0, "new": 0}
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["nik", "nama", "tanggal_lahir", "kode_kabkota", "unit_kerja", "jabatan"])
        for index in range(rows):
            bucket = index % 100
            name = f"Pekerja Sintetis {index}"
            if bucket < 10:
                # Sent as registered: participant status is disclosed only on NIK, name and
                # birth date together.
                nik, birth, regency, name = participants[index // 100 * 10 + bucket]
                mix["participant"] += 1
            elif bucket in (10, 11):
                nik, birth, regency = new_worker(index)
                nik = f"{nik[:15]}.0"  # what a spreadsheet does to a NIK stored as a number
                mix["damaged"] += 1
            elif bucket == 12 and index >= 100:
                nik, birth, regency = new_worker(index - 87)  # a "new" row of the previous 100
                mix["repeat"] += 1
            else:
                nik, birth, regency = new_worker(index)
                mix["new"] += 1
            writer.writerow([nik, name, birth.isoformat(), regency, "Dinas Uji", "Staf"])
    return mix


def _copy_raw(path: Path) -> float:
    """Raw COPY of the same file into a scratch table: the floor the pipeline is compared to."""
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_ingest_scratch")
        cursor.execute(
            "CREATE UNLOGGED TABLE bench_ingest_scratch (nik text, full_name text, "
            "birth_date date, regency_code text, unit text, position text)"
        )
        began = time.perf_counter()
        with (
            path.open("rb") as handle,
            cursor.cursor.copy(
                "COPY bench_ingest_scratch FROM STDIN WITH (FORMAT csv, HEADER true)"
            ) as copy,
        ):
            while chunk := handle.read(1 << 20):
                copy.write(chunk)
        elapsed = time.perf_counter() - began
        cursor.execute("DROP TABLE bench_ingest_scratch")
    return elapsed


def _copy_floor(submission_id: int, workdir: Path) -> tuple[float, int, int]:
    """The floor: the rows and leads the run stored, COPYed in one transaction into fresh
    (logged) tables with the same columns, indexes and constraints, COMMIT included. Returns
    (seconds, rows, leads). Exported to files first, untimed."""
    targets = (
        (WorkerListRow._meta.db_table, "submission_id", "bench_floor_rows"),
        (EnrollmentLead._meta.db_table, "first_submission_id", "bench_floor_leads"),
    )
    exported = []
    with connection.cursor() as cursor:
        for table, parent, floor in targets:
            columns = [
                column.name
                for column in connection.introspection.get_table_description(cursor, table)
                if column.name != "id"  # generated, as in the run
            ]
            names = ", ".join(connection.ops.quote_name(column) for column in columns)
            path = workdir / f"{floor}.copy"
            with (
                path.open("wb") as handle,
                cursor.cursor.copy(
                    f"COPY (SELECT {names} FROM {table} WHERE {parent} = {int(submission_id)}) "
                    "TO STDOUT"
                ) as copy,
            ):
                for data in copy:
                    handle.write(data)
            cursor.execute(f"DROP TABLE IF EXISTS {floor}")
            cursor.execute(f"CREATE TABLE {floor} (LIKE {table} INCLUDING ALL)")
            exported.append((floor, names, path))
    began = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for floor, names, path in exported:
            with (
                path.open("rb") as handle,
                cursor.cursor.copy(f"COPY {floor} ({names}) FROM STDIN") as copy,
            ):
                while chunk := handle.read(1 << 20):
                    copy.write(chunk)
    elapsed = time.perf_counter() - began
    counts = []
    with connection.cursor() as cursor:
        for floor, _names, path in exported:
            cursor.execute(f"SELECT COUNT(*) FROM {floor}")
            counts.append(cursor.fetchone()[0])
            cursor.execute(f"DROP TABLE {floor}")
            path.unlink()
    return elapsed, counts[0], counts[1]


_PHASES = re.compile(r"phases ((?:\w+=[\d.]+ ?)+)")


def _worker_phases(log: Path) -> str:
    """The phase breakdown the worker logged for its (only) list."""
    found = _PHASES.findall(log.read_text(errors="replace"))
    return found[-1].strip() if found else "n/a"


def _peak_rss_mb(pid: int) -> float:
    """VmHWM: the process's peak resident set size, as the kernel recorded it."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _post_file(port: int, key: str, path: Path, reference: str) -> dict:
    boundary = uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="reference"\r\n\r\n{reference}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{path.name}"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    size = len(head) + path.stat().st_size + len(tail)
    conn = HTTPConnection(HOST, port, timeout=600)
    conn.putrequest("POST", "/api/v1/worker-lists/")
    conn.putheader("Authorization", f"Api-Key {key}")
    conn.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
    conn.putheader("Content-Length", str(size))
    conn.endheaders()
    conn.send(head)
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            conn.send(chunk)
    conn.send(tail)
    response = conn.getresponse()
    body = response.read()
    if response.status != 202:
        raise CommandError(f"POST answered {response.status}: {body[:500]!r}")
    return json.loads(body)


def _get_json(url: str, key: str) -> dict:
    request = urllib.request.Request(url, headers={"Authorization": f"Api-Key {key}"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def _wait_http(url: str, process: subprocess.Popen, limit_s: float = 60) -> None:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise CommandError(f"{process.args[0]} exited with {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise CommandError(f"{url} did not answer")


class Command(BaseCommand):
    help = "End-to-end benchmark of worker-list ingestion; appends to docs/BENCHMARKS.md."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
        parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", 8101)))
        parser.add_argument("--no-record", action="store_true", help="print only")

    def handle(self, *args, rows, port, no_record, **options):
        if connection.vendor != "postgresql" or not settings.REDIS_URL:
            raise CommandError("Needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL).")
        if not District.objects.exists():
            call_command("load_regions")
        existing = Participant.objects.count()
        if existing < MIN_PARTICIPANTS:
            self.stdout.write(f"Generating participants up to {MIN_PARTICIPANTS:,}...")
            participants_generate(count=MIN_PARTICIPANTS - existing, start=existing)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE participants_participant")
        participants = Participant.objects.count()
        results = [self._run(count, port, participants) for count in rows]
        lines = [self._markdown(result) for result in results]
        for line in lines:
            self.stdout.write(line)
        if not no_record:
            self._record(lines)

    def _run(self, count: int, port: int, participants: int) -> dict:
        agency = PartnerAgency.objects.create(
            kind=AgencyKind.OTHER, name=f"Instansi benchmark sintetis {uuid.uuid4().hex[:8]}"
        )
        _key_obj, key = AgencyAPIKey.objects.create_key(name="benchmark", agency=agency)
        workdir = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
        path = workdir / f"daftar-{count}.csv"
        self.stdout.write(f"Writing {count:,} synthetic rows to {path}...")
        mix = _write_csv(path, count)
        env = {
            **os.environ,
            "DJANGO_DEBUG": "1",
            "DJANGO_MEDIA_ROOT": str(workdir / "media"),
            # The benchmark polls the status often; the per-key throttle is not what it measures.
            "API_KEY_THROTTLE_RATE": "100000/minute",
        }
        bin_dir = Path(sys.executable).parent
        subprocess.run(
            [bin_dir / "celery", "-A", "bpjs_outreach", "purge", "-f"],
            env=env,
            check=True,
            capture_output=True,
        )
        worker_log = workdir / "worker.log"
        worker = subprocess.Popen(
            [bin_dir / "celery", "-A", "bpjs_outreach", "worker", "--pool=solo",
             "--loglevel=info", "--without-gossip", "--without-mingle", "--without-heartbeat"],
            env=env,
            stdout=worker_log.open("wb"),
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        server = subprocess.Popen(
            [bin_dir / "gunicorn", "bpjs_outreach.wsgi", "-b", f"{HOST}:{port}", "-w", "2",
             "--timeout", "600", "--log-level", "warning"],
            env=env,
        )  # fmt: skip
        try:
            _wait_http(f"http://{HOST}:{port}/healthz", server)
            time.sleep(3)  # let the worker connect to the broker before the clock starts
            began = time.perf_counter()
            accepted = _post_file(port, key, path, reference=f"benchmark {count}")
            posted = time.perf_counter() - began
            deadline = time.monotonic() + WAIT_LIMIT_S
            while True:
                detail = _get_json(accepted["url"], key)
                if detail["status"] in ("done", "failed"):
                    break
                if time.monotonic() > deadline or worker.poll() is not None:
                    raise CommandError(f"submission not finished: {detail}")
                # Each poll is a Django request on the same two CPUs; poll gently.
                time.sleep(0.2)
            end_to_end = time.perf_counter() - began
            load = os.getloadavg()[0]
            peak_mb = _peak_rss_mb(worker.pid)
        finally:
            for process in (server, worker):
                process.terminate()
            for process in (server, worker):
                process.wait(30)
        if detail["status"] != "done":
            raise CommandError(f"submission failed: {detail['failure_reason']}")
        submission_id = accepted["id"]
        # Committed and visible to this connection too (not only to the poller).
        stored = WorkerListRow.objects.filter(submission_id=submission_id).count()
        if stored != count:
            raise CommandError(f"{stored} rows stored, {count} sent")
        floor_s, floor_rows, floor_leads = _copy_floor(submission_id, workdir)
        copy_s = _copy_raw(path)
        # Read now, not from the poll that saw `done`: finished_at is rewritten just after
        # COMMIT, so the poll can still see the time set before it.
        started, finished = WorkerListSubmission.objects.filter(pk=submission_id).values_list(
            "started_at", "finished_at"
        )[0]
        return {
            "worker_s": (finished - started).total_seconds(),
            "rows": count,
            "participants": participants,
            "upload_s": posted,
            "end_to_end_s": end_to_end,
            "copy_s": copy_s,
            "floor_s": floor_s,
            "floor_rows": floor_rows,
            "floor_leads": floor_leads,
            "load": load,
            "phases": _worker_phases(worker_log),
            "peak_mb": peak_mb,
            "counts": detail["counts"],
            "mix": mix,
            "size_mb": path.stat().st_size / 1e6,
        }

    def _markdown(self, r: dict) -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            pg = cursor.fetchone()[0]
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
        ).stdout.strip()
        counts = r["counts"]
        return (
            f"| {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} | {commit} | {r['rows']:,} "
            f"({r['size_mb']:.1f} MB) | {r['participants']:,} | {r['end_to_end_s']:.2f} "
            f"(upload {r['upload_s']:.2f}, task {r['worker_s']:.2f}) "
            f"| {r['floor_s']:.2f} ({r['floor_rows']:,} rows, {r['floor_leads']:,} leads) "
            f"| **{r['end_to_end_s'] / r['floor_s']:.2f}x** | {r['worker_s'] / r['floor_s']:.2f}x "
            f"| {r['copy_s']:.2f} | {r['peak_mb']:.0f} | {r['load']:.1f} | {r['phases']} "
            f"| invalid {counts['invalid']:,}, dup {counts['duplicate_in_list']:,}, "
            f"covered {counts['already_covered']:,}, lapsed {counts['lapsed']:,}, "
            f"to verify {counts['needs_verification']:,}, "
            f"existing {counts['existing_lead']:,}, new {counts['new_lead']:,}"
            f" | PostgreSQL {pg}, {os.cpu_count()} CPU, Python {platform.python_version()} |"
        )

    def _record(self, lines: list[str]) -> None:
        path = Path(settings.BASE_DIR) / "docs" / "BENCHMARKS.md"
        text = path.read_text() if path.exists() else "# Benchmarks\n"
        text += (
            f"\n## Worker-list ingestion against its floor (`make bench-ingest`), "
            f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC\n\n"
            "End to end: synthetic CSV posted to `POST /api/v1/worker-lists/` (gunicorn, 2 "
            "workers), processed by a real Celery worker (solo pool), polled over HTTP until "
            "`done` (committed with the rows and leads). Floor: the rows and leads that run "
            "stored, COPYed in one transaction into fresh tables `LIKE ... INCLUDING ALL` (same "
            "indexes), COMMIT included, same run. Raw COPY: the CSV into an unlogged table "
            "without indexes. Phases: seconds the worker logged per phase. Load: 1-minute load "
            "average when the list finished (above 1: other work shared the 2 CPUs)."
            "\n\n"
            "| when (UTC) | commit | rows (file) | participants | end-to-end s | floor s "
            "| end-to-end / floor | task / floor | raw COPY s | worker peak MB | load "
            "| worker phases s | outcomes | machine |\n"
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"
        )
        path.write_text(text.rstrip("\n") + "\n" + "\n".join(lines) + "\n")
        self.stdout.write(self.style.SUCCESS(f"Appended to {path}"))
