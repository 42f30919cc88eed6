"""Fault suite: the production shape (gunicorn + Celery worker + beat + Redis + PostgreSQL, each
its own process) under the faults of issue 11, each bounded in time and cleaned up.

Runs only with PostgreSQL and a `redis-server` binary (CI's PostgreSQL pass); it starts its OWN
Redis on a free port, so stopping and restarting it never touches the shared one. Every test ends
with every accepted list `done`, rows and counts equal to a recount made here from the file the
test wrote, no duplicate leads and no HTTP 500. Recovery times are printed and collected in
artifacts/faults.json (figures recorded in docs/RELIABILITY.md).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection
from django.db.models import Count, Q

from agencies.models import AgencyAPIKey
from core.identifiers import nik_compose
from worker_lists.models import (
    EnrollmentLead,
    RowOutcome,
    SubmissionStatus,
    WorkerListRow,
    WorkerListSubmission,
)

REDIS_SERVER = shutil.which("redis-server")
pytestmark = [
    pytest.mark.real_worker,
    pytest.mark.postgres,
    pytest.mark.skipif(not REDIS_SERVER, reason="needs a redis-server binary"),
]
ROOT = Path(settings.BASE_DIR)
RECOVERY_LIMIT_S = 30  # every fault must be recovered from within this
RESULTS = ROOT / "artifacts" / "faults.json"
ROWS = 24_000


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(predicate, *, limit: float, what: str, step: float = 0.1):
    deadline = time.monotonic() + limit
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {limit} s waiting for {what}")
        time.sleep(step)


def _record(fault: str, seconds: float) -> None:
    print(f"\nfault {fault}: recovered in {seconds:.1f} s")
    RESULTS.parent.mkdir(exist_ok=True)
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results[fault] = round(seconds, 1)
    RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True))


class Stack:
    """Own Redis, gunicorn (deploy/gunicorn.conf.py), a Celery worker and beat on the test DB."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.redis_port = _free_port()
        self.web_port = _free_port()
        self.redis_url = f"redis://127.0.0.1:{self.redis_port}/0"
        db = connection.settings_dict
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        database_url = (
            f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        )
        self.base_env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "REDIS_URL": self.redis_url,
            "DJANGO_DEBUG": "1",
            "DJANGO_LOG_LEVEL": "WARNING",
            # Small batches: progress shows early and often, so a fault lands mid-list.
            "WORKER_LIST_BATCH_ROWS": "1000",
            "WORKER_LIST_SWEEP_INTERVAL_S": "1",
            "WORKER_LIST_REQUEUE_AFTER_S": "3",
            "PYTHONUNBUFFERED": "1",
        }
        self.processes: dict[str, subprocess.Popen] = {}
        self.statuses: list[int] = []

    # --- processes ---------------------------------------------------------------------------
    def _spawn(self, name: str, command: list[str], env: dict[str, str]) -> None:
        log = open(self.workdir / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        self.processes[name] = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        process = self.processes.pop(name, None)
        if process is None:
            return
        if process.poll() is None:
            # The whole process group: a prefork worker's children die with it.
            os.killpg(process.pid, sig)
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(5)

    def start_redis(self) -> None:
        # Like .ci/run: no persistence, so a restart loses every queued message.
        self._spawn(
            "redis",
            [
                REDIS_SERVER,
                "--port",
                str(self.redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            self.base_env,
        )
        _wait(self._redis_answers, limit=10, what="redis")

    def _redis_answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.redis_port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop_redis(self) -> None:
        self.kill("redis", signal.SIGKILL)

    def start_worker(self, *, pool: str = "solo", name: str = "worker") -> None:
        env = {**self.base_env, "DJANGO_MEDIA_ROOT": str(self.workdir / "worker-media")}
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "bpjs_outreach",
            "worker",
            "--pool",
            pool,
            "--loglevel",
            "WARNING",
            "-n",
            f"{name}@%h",
            "--without-gossip",
            "--without-mingle",
        ]
        if pool == "prefork":
            command += ["--concurrency", "1"]
        self._spawn(name, command, env)

    def start_beat(self) -> None:
        self._spawn(
            "beat",
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "bpjs_outreach",
                "beat",
                "--loglevel",
                "WARNING",
                "--schedule",
                str(self.workdir / "beat-schedule"),
            ],
            self.base_env,
        )

    def start_web(self) -> None:
        env = {
            **self.base_env,
            "DJANGO_MEDIA_ROOT": str(self.workdir / "web-media"),
            "GUNICORN_BIND": f"127.0.0.1:{self.web_port}",
            "GUNICORN_WORKERS": "1",
            "GUNICORN_THREADS": "4",
            # Short, so the slow-upload test shows a request outliving it is not killed.
            "GUNICORN_TIMEOUT": "3",
        }
        self._spawn(
            "web",
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                "deploy/gunicorn.conf.py",
                "bpjs_outreach.wsgi",
            ],
            env,
        )
        _wait(lambda: self._get_status("/healthz") == 200, limit=20, what="gunicorn")

    def stop(self) -> None:
        for name in reversed(list(self.processes)):  # Redis last
            self.kill(name)

    # --- HTTP --------------------------------------------------------------------------------
    def _get_status(self, path: str) -> int | None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.web_port}{path}", timeout=2):
                return 200
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            return None

    def get_json(self, path: str) -> tuple[int, dict]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.web_port}{path}", timeout=10) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    def request(self, method: str, path: str, *, key: str, body=None, headers=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.web_port}{path}",
            data=data,
            method=method,
            headers={
                "Authorization": f"Api-Key {key}",
                "Content-Type": "application/json",
                **(headers or {}),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, payload = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, payload = error.code, error.read()
        self.statuses.append(status)
        return status, json.loads(payload or b"{}")

    def broker(self) -> Celery:
        return Celery("faults", broker=self.redis_url)


@pytest.fixture(scope="module")
def _services(django_db_setup, tmp_path_factory):
    """Redis, gunicorn and beat, started once for the module (the tests restart Redis as their
    fault needs; workers are started per test)."""
    if not REDIS_SERVER or connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL and a redis-server binary")
    workdir = tmp_path_factory.mktemp("faults")
    running = Stack(workdir)
    try:
        running.start_redis()
        running.start_web()
        running.start_beat()
        yield running
    finally:
        running.stop()


@pytest.fixture
def stack(_services, transactional_db):
    running = _services
    if "redis" not in running.processes:
        running.start_redis()
    with socket.create_connection(("127.0.0.1", running.redis_port), timeout=2) as sock:
        sock.sendall(b"FLUSHALL\r\n")  # our own Redis: nothing left from the previous fault
        sock.recv(16)
    running.statuses.clear()
    try:
        yield running
    finally:
        for name in [n for n in running.processes if n not in ("redis", "web", "beat")]:
            running.kill(name)
        assert 500 not in running.statuses, running.statuses
        for log in running.workdir.glob("*.log"):
            text = log.read_text(errors="replace")
            if "Traceback" in text:
                print(f"--- {log.name} ---\n{text[-3000:]}")
            log.write_text("")


@pytest.fixture
def key(world, agency):
    _obj, secret = AgencyAPIKey.objects.create_key(name="faults", agency=agency)
    return secret


def _rows(first: int, count: int) -> list[dict]:
    """Synthetic workers; every 10th repeats the one before it, every 50th has no name."""
    rows = []
    for index in range(first, first + count):
        serial = index % 9000 + 1
        birth = dt.date(1980, 1, 1) + dt.timedelta(days=index // 9000)
        row = {
            "nik": nik_compose(
                district_code="36.73.01", birth_date=birth, female=False, serial=serial
            ),
            "full_name": "" if index % 50 == 0 else f"Pekerja Sintetis {index}",
            "birth_date": birth.isoformat(),
            "work_regency_code": "36.73",
        }
        if index % 10 == 0 and rows:
            row = {**rows[-1]}
        rows.append(row)
    return rows


def _expected(rows: list[dict]) -> dict[str, int]:
    """The recount, made without the service: first valid row of a NIK is a lead."""
    counts = dict.fromkeys(RowOutcome.values, 0)
    seen = set()
    for row in rows:
        if not row["full_name"]:
            counts[RowOutcome.INVALID] += 1
        elif row["nik"] in seen:
            counts[RowOutcome.DUPLICATE_IN_LIST] += 1
        else:
            seen.add(row["nik"])
            counts[RowOutcome.NEW_LEAD] += 1
    return counts


def _post(stack: Stack, key: str, rows: list[dict], reference: str, **headers) -> int:
    status, body = stack.request(
        "POST",
        "/api/v1/worker-lists/",
        key=key,
        body={"reference": reference, "rows": rows},
        headers=headers,
    )
    assert status in (200, 202), body
    return body["id"]


def _status(pk: int) -> str:
    return WorkerListSubmission.objects.filter(pk=pk).values_list("status", flat=True).first()


def _processing(pk: int) -> bool:
    """A run is under way and has written rows (its progress is reported)."""
    return WorkerListSubmission.objects.filter(
        pk=pk, status=SubmissionStatus.PROCESSING, live_progress__processed_rows__gt=0
    ).exists()


def _wait_done(stack: Stack, key: str, pks: list[int], *, limit: float = RECOVERY_LIMIT_S):
    """Polls through the API (reads during the fault count for the no-500 rule)."""

    def all_done():
        states = [stack.request("GET", f"/api/v1/worker-lists/{pk}/", key=key)[1] for pk in pks]
        return all(state.get("status") == "done" for state in states)

    _wait(all_done, limit=limit, what=f"lists {pks} done", step=0.5)


def _assert_recount(pk: int, rows: list[dict]) -> None:
    expected = _expected(rows)
    submission = WorkerListSubmission.objects.get(pk=pk)
    by_outcome = dict(
        WorkerListRow.objects.filter(submission_id=pk)
        .values_list("outcome")
        .annotate(n=Count("pk"))
        .values_list("outcome", "n")
    )
    assert WorkerListRow.objects.filter(submission_id=pk).count() == len(rows)
    assert sorted(
        WorkerListRow.objects.filter(submission_id=pk).values_list("row_number", flat=True)
    ) == list(range(1, len(rows) + 1))
    assert {o: by_outcome.get(o, 0) for o in expected} == expected
    assert {o: submission.counts[o] for o in expected} == expected
    assert (submission.processed_rows, submission.total_rows) == (len(rows), len(rows))


def _assert_no_duplicate_leads(agency, lists: list[list[dict]]) -> None:
    duplicates = (
        EnrollmentLead.objects.values("agency", "nik").annotate(n=Count("pk")).filter(n__gt=1)
    )
    assert not duplicates.exists()
    expected = {row["nik"] for rows in lists for row in rows if row["full_name"]}
    assert set(EnrollmentLead.objects.filter(agency=agency).values_list("nik", flat=True)) == (
        expected
    )


# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("pool", ["solo", "prefork"])
def test_a_worker_killed_mid_list_is_replaced_and_the_list_finishes(stack, key, agency, pool):
    stack.start_worker(pool=pool)
    rows = _rows(0, ROWS)
    pk = _post(stack, key, rows, "kill-9")
    _wait(lambda: _processing(pk), limit=RECOVERY_LIMIT_S, what="the list mid-run", step=0.02)

    stack.kill("worker")  # kill -9 of the whole worker (main process and pool children)
    killed = time.monotonic()
    stack.start_worker(pool=pool)
    _wait_done(stack, key, [pk])

    _record(f"worker kill -9 mid-list ({pool})", time.monotonic() - killed)
    _assert_recount(pk, rows)
    _assert_no_duplicate_leads(agency, [rows])


def test_a_list_delivered_twice_runs_once_and_a_late_delivery_changes_nothing(stack, key, agency):
    stack.start_worker(name="first")
    stack.start_worker(name="second")
    rows = _rows(0, ROWS // 2)
    pk = _post(stack, key, rows, "duplicate")
    broker = stack.broker()
    started = time.monotonic()
    for _ in range(3):  # the same message again, to both workers, while the first runs
        broker.send_task("worker_lists.process", args=[pk])
    _wait_done(stack, key, [pk])
    # finished_at is written once more right after COMMIT (when the rows became visible).
    time.sleep(1)
    finished_at = WorkerListSubmission.objects.get(pk=pk).finished_at
    row_ids = set(WorkerListRow.objects.filter(submission_id=pk).values_list("pk", flat=True))

    broker.send_task("worker_lists.process", args=[pk])  # a delivery after it is done
    time.sleep(2)

    _record("duplicate delivery", time.monotonic() - started)
    submission = WorkerListSubmission.objects.get(pk=pk)
    assert (submission.status, submission.finished_at) == (SubmissionStatus.DONE, finished_at)
    assert set(WorkerListRow.objects.filter(submission_id=pk).values_list("pk", flat=True)) == (
        row_ids
    )
    _assert_recount(pk, rows)
    _assert_no_duplicate_leads(agency, [rows])


def test_a_list_posted_while_redis_is_down_is_accepted_and_processed_once_it_is_back(
    stack, key, agency
):
    stack.start_worker()
    stack.stop_redis()
    rows = _rows(0, 5_000)

    pk = _post(stack, key, rows, "redis-down", **{"Idempotency-Key": "redis-down-1"})
    again = _post(stack, key, rows, "redis-down", **{"Idempotency-Key": "redis-down-1"})
    read_status, _body = stack.request("GET", f"/api/v1/worker-lists/{pk}/", key=key)

    ready_status, ready = stack.get_json("/readyz")
    assert again == pk
    assert read_status == 200
    assert _status(pk) == SubmissionStatus.QUEUED
    assert stack._get_status("/healthz") == 200
    assert ready_status == 503
    assert ready["checks"] == {"database": "ok", "redis": "unavailable", "broker": "unavailable"}
    stack.start_redis()
    back = time.monotonic()
    _wait_done(stack, key, [pk])

    _record("redis stopped at POST", time.monotonic() - back)
    _assert_recount(pk, rows)
    _assert_no_duplicate_leads(agency, [rows])


def test_redis_stopped_mid_list_leaves_the_list_done(stack, key, agency):
    stack.start_worker()
    rows = _rows(0, ROWS)
    pk = _post(stack, key, rows, "redis-mid-list")
    _wait(lambda: _processing(pk), limit=RECOVERY_LIMIT_S, what="the list mid-run", step=0.02)

    stack.stop_redis()
    stopped = time.monotonic()
    time.sleep(3)
    stack.start_redis()
    _wait_done(stack, key, [pk])

    _record("redis stopped mid-list", time.monotonic() - stopped)
    _assert_recount(pk, rows)
    _assert_no_duplicate_leads(agency, [rows])


def test_queued_lists_lost_by_a_redis_restart_are_queued_again(stack, key, agency):
    # No worker yet: three lists wait in Redis, which then restarts without persistence.
    lists = [_rows(n * 5_000, 5_000) for n in range(3)]
    pks = [_post(stack, key, rows, f"restart-{n}") for n, rows in enumerate(lists)]
    stack.stop_redis()
    stack.start_redis()
    restarted = time.monotonic()
    stack.start_worker()
    _wait_done(stack, key, pks)

    _record("redis restarted without persistence (3 queued lists)", time.monotonic() - restarted)
    for pk, rows in zip(pks, lists, strict=True):
        _assert_recount(pk, rows)
    _assert_no_duplicate_leads(agency, lists)


def _terminate_other_backends() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def test_the_workers_database_connections_terminated_twice_mid_list(stack, key, agency):
    stack.start_worker()
    rows = _rows(0, ROWS)
    pk = _post(stack, key, rows, "db-terminated")
    _wait(lambda: _processing(pk), limit=RECOVERY_LIMIT_S, what="the list mid-run", step=0.02)

    first = time.monotonic()
    assert _terminate_other_backends() > 0
    _wait(
        lambda: (
            WorkerListSubmission.objects.filter(pk=pk, attempts__gte=2)
            .filter(
                Q(status=SubmissionStatus.PROCESSING, live_progress__processed_rows__gt=0)
                | Q(status=SubmissionStatus.DONE)
            )
            .exists()
        ),
        limit=RECOVERY_LIMIT_S,
        what="the retry to be under way",
    )
    _terminate_other_backends()  # again, while the retry runs
    _wait_done(stack, key, [pk])

    _record("worker DB connections terminated (twice)", time.monotonic() - first)
    _assert_recount(pk, rows)
    _assert_no_duplicate_leads(agency, [rows])


def _multipart(reference: str, content: bytes) -> tuple[bytes, str]:
    boundary = "faultsuiteboundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="reference"\r\n\r\n'
            f"{reference}\r\n--{boundary}\r\n"
            'Content-Disposition: form-data; name="file"; filename="daftar.csv"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def test_a_slow_upload_outlives_the_worker_timeout_and_health_checks_still_answer(
    stack, key, agency
):
    stack.start_worker()
    rows = _rows(0, 20_000)
    text = io.StringIO()
    writer = csv.DictWriter(
        text, fieldnames=["nik", "full_name", "birth_date", "work_regency_code"]
    )
    writer.writeheader()
    writer.writerows(rows)
    body, content_type = _multipart("slow upload", text.getvalue().encode())
    pieces = 20
    size = len(body) // pieces + 1
    response = bytearray()

    def upload():  # the body over about 6 s: twice gunicorn's timeout of 3 s
        with socket.create_connection(("127.0.0.1", stack.web_port), timeout=30) as sock:
            sock.sendall(
                (
                    "POST /api/v1/worker-lists/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    f"Authorization: Api-Key {key}\r\nContent-Type: {content_type}\r\n"
                    f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
                ).encode()
            )
            for start in range(0, len(body), size):
                sock.sendall(body[start : start + size])
                time.sleep(6 / pieces)
            while chunk := sock.recv(65536):
                response.extend(chunk)

    started = time.monotonic()
    uploading = threading.Thread(target=upload)
    uploading.start()
    health_latencies = []
    while uploading.is_alive():
        asked = time.monotonic()
        assert stack._get_status("/healthz") == 200
        health_latencies.append(time.monotonic() - asked)
        time.sleep(0.5)
    uploading.join()

    assert time.monotonic() - started > 5
    assert response.startswith(b"HTTP/1.1 202"), bytes(response[:200])
    assert max(health_latencies) < 1
    pk = json.loads(bytes(response).split(b"\r\n\r\n", 1)[1])["id"]
    _wait_done(stack, key, [pk])
    _assert_recount(pk, rows)
    _record("slow upload: /healthz slowest answer during it", max(health_latencies))
