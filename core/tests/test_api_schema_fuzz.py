"""schemathesis against the OpenAPI schema, through the WSGI app, with a valid API key: every
check it has, on every operation, a bounded number of examples each (well under a minute).

No 500, no answer the schema does not describe, no status code it does not list."""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.core.failures import FailureGroup

from agencies.authentication import ApiKeyRateThrottle
from agencies.models import AgencyAPIKey
from bpjs_outreach.wsgi import application
from worker_lists.tests.helpers import csv_bytes, worker

pytestmark = pytest.mark.django_db

# Bounded so the run takes well under a minute; deterministic so CI does not flake. Raise it
# locally to explore further (random seeds): SCHEMATHESIS_MAX_EXAMPLES=500 pytest <this file>
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "25"))
DERANDOMIZE = "SCHEMATHESIS_MAX_EXAMPLES" not in os.environ


@pytest.fixture
def key(agency, monkeypatch):
    # The fuzzer sends hundreds of requests a minute; budgets are tested elsewhere.
    monkeypatch.setattr(
        ApiKeyRateThrottle,
        "THROTTLE_RATES",
        dict.fromkeys(("api_key", "api_key_submit", "api_key_read"), "100000/minute"),
    )
    _key, key = AgencyAPIKey.objects.create_key(name="schemathesis", agency=agency)
    return key


def test_every_api_operation_answers_as_its_schema_says(key, settings_media):
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application)

    @schema.hook("map_body")
    def a_real_list_file(context, body):
        # The schema can say "a binary file", not "a CSV with the list's headers"; arbitrary
        # bytes are refused at once (tested in worker_lists), so valid cases send a real list.
        if isinstance(body, dict) and "file" in body:
            body = {**body, "file": csv_bytes([worker(1)])}
        return body

    headers = {"Authorization": f"Api-Key {key}"}
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            database=None,
            derandomize=DERANDOMIZE,
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            case.call_and_validate(headers=headers)

        try:
            run()
        except FailureGroup as group:
            failures.append(f"{operation.label}: {group}")
        except Exception as error:
            failures.append(f"{operation.label}: {error!r}")
    assert not failures, "\n\n".join(failures)


@pytest.fixture
def settings_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ALLOWED_HOSTS = ["*"]
    # The WSGI handler closes the database connection after each request, which would close
    # the test's transaction; Django's own test client disconnects the same receiver.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
