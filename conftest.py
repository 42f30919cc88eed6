"""Shared fixtures: a small Banten world (one Kanwil, two branches) and a user per role."""

import os

import pytest
from django.db import connection

from accounts.models import Role
from accounts.tests.factories import UserFactory
from agencies.tests.factories import PartnerAgencyFactory
from bpjs_outreach.celery import app as celery_app
from regions.tests.factories import BranchOfficeFactory, DistrictFactory, RegionalOfficeFactory


def pytest_configure(config):
    """PBKDF2 costs about 0.4 s per password by design; tests hash hundreds of them and test
    nothing about the hash's strength, so they use a fast one (production keeps PBKDF2)."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Parallel workers (pytest-xdist) share one Redis: each keeps its cache keys (throttle
    # budgets of keys whose ids coincide across the workers' databases) to itself.
    settings.CACHES["default"]["KEY_PREFIX"] = os.environ.get("PYTEST_XDIST_WORKER", "")


@pytest.fixture(autouse=True)
def _celery_runs_eagerly_unless_a_test_asks_for_a_worker():
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(scope="session", autouse=True)
def _no_stray_connections_at_teardown(django_db_setup, django_db_blocker):
    """Celery worker threads started by tests keep their own connections open; end them before
    the test database is dropped, or PostgreSQL refuses to drop it."""
    yield
    if connection.vendor == "postgresql":
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


@pytest.fixture(scope="module")
def seeded_demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo, seeded once per test module (seeding takes seconds). Tests run inside it (each in
    its own savepoint) and the whole module's data is rolled back at its end."""
    from django.core.management import call_command
    from django.db import transaction
    from django.test import override_settings

    media = tmp_path_factory.mktemp("demo-media")
    with django_db_blocker.unblock(), override_settings(DEBUG=True, MEDIA_ROOT=media):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("seed_demo", verbosity=0)
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def demo_allowed(settings):
    """seed_demo runs only with DEBUG on (it creates logins with a published password)."""
    settings.DEBUG = True


@pytest.fixture(scope="session")
def _chromium():
    """Debian's chromium, driven by Playwright, started once for the whole session."""
    from core.tests.browser import CHROMIUM

    if not CHROMIUM.exists():
        pytest.skip("needs Debian's chromium (/usr/bin/chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop; Django refuses ORM calls inside one otherwise.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield launched
        launched.close()


@pytest.fixture
def browser(_chromium):
    """The session's chromium; whatever pages a test opened are closed after it, so none keeps
    polling a live server that has moved on to the next test."""
    yield _chromium
    for context in _chromium.contexts:
        context.close()


@pytest.fixture
def real_worker(transactional_db):
    """A Celery worker (threads) on the Redis broker when the suite runs on PostgreSQL with
    REDIS_URL, as in CI; None (tasks run eagerly) otherwise. Tests using it carry the
    `real_worker` mark: the shared broker keeps them out of the parallel run."""
    if not os.environ.get("REDIS_URL") or connection.vendor != "postgresql":
        yield None
        return
    from celery.contrib.testing.worker import start_worker

    celery_app.conf.task_always_eager = False
    celery_app.control.purge()
    with start_worker(
        celery_app, pool="threads", concurrency=2, perform_ping_check=False, shutdown_timeout=30
    ) as worker_controller:
        yield worker_controller


@pytest.fixture
def on_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")


@pytest.fixture
def kanwil_banten(db):
    return RegionalOfficeFactory(code="kw-banten", name="Kanwil Banten")


@pytest.fixture
def branch_serang(kanwil_banten):
    for code in ("36.73.01", "36.73.02", "36.04.01"):
        DistrictFactory(code=code)
    return BranchOfficeFactory(
        code="kc-serang",
        name="Cabang Serang Raya",
        regional_office=kanwil_banten,
        regencies=["36.73", "36.04"],
    )


@pytest.fixture
def branch_tangerang(kanwil_banten):
    DistrictFactory(code="36.71.01")
    return BranchOfficeFactory(
        code="kc-tangerang",
        name="Cabang Tangerang",
        regional_office=kanwil_banten,
        regencies=["36.71"],
    )


@pytest.fixture
def branch_bandung(db):
    DistrictFactory(code="32.73.01")
    return BranchOfficeFactory(
        code="kc-bandung",
        name="Cabang Bandung",
        regional_office=RegionalOfficeFactory(code="kw-jabar", name="Kanwil Jawa Barat"),
        regencies=["32.73"],
    )


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", role=Role.ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def management_user(db):
    return UserFactory(username="dewas", role=Role.MANAGEMENT)


@pytest.fixture
def regional_user(kanwil_banten):
    return UserFactory(username="kanwil", role=Role.REGIONAL, regional_office=kanwil_banten)


@pytest.fixture
def branch_user(branch_serang):
    return UserFactory(
        username="serang",
        role=Role.BRANCH,
        branch=branch_serang,
        regional_office=branch_serang.regional_office,
    )


@pytest.fixture
def other_branch_user(branch_tangerang):
    return UserFactory(
        username="tangerang",
        role=Role.BRANCH,
        branch=branch_tangerang,
        regional_office=branch_tangerang.regional_office,
    )


@pytest.fixture
def agency(db):
    return PartnerAgencyFactory(name="Pemerintah Kota Serang (uji)", jurisdiction_province=None)


@pytest.fixture
def agency_user(agency):
    return UserFactory(username="pemda", role=Role.AGENCY, agency=agency)


@pytest.fixture
def disnaker(db):
    from agencies.models import AgencyKind

    return PartnerAgencyFactory(name="Disnaker Kota Serang (uji)", kind=AgencyKind.DISNAKER)


@pytest.fixture
def disnaker_user(disnaker):
    return UserFactory(username="disnaker", role=Role.AGENCY, agency=disnaker)


def pytest_collection_modifyitems(items):
    """Every test that drives chromium carries the `browser` mark, so a run can leave them out
    (CI runs them once, on SQLite; the PostgreSQL pass is for the database's behaviour)."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
