"""The API as a client meets it: refusals as JSON in the request's language, nothing left behind
by a refused request, separate throttle budgets, and a schema that says what the server does
(issue 13, the API client's side; issue 9, findings 6 and 8)."""

import io

import pytest
from django.core.cache import cache
from django.urls import reverse
from rest_framework.test import APIClient

from agencies.authentication import ApiKeyRateThrottle
from agencies.models import AgencyAPIKey
from worker_lists.models import WorkerListSubmission
from worker_lists.services import worker_list_process

from .factories import submit_file
from .helpers import csv_bytes, nik, worker

pytestmark = pytest.mark.django_db

URL = "/api/v1/worker-lists/"


@pytest.fixture
def submit(api_client, django_capture_on_commit_callbacks):
    def _submit(body, *, client=None, fmt="json", headers=None):
        with django_capture_on_commit_callbacks(execute=True):
            return (client or api_client).post(URL, body, format=fmt, headers=headers)

    return _submit


def staged_files(settings):
    root = settings.MEDIA_ROOT
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def upload(content: bytes, name="daftar.csv", reference="Daftar honorer 2026"):
    file = io.BytesIO(content)
    file.name = name
    return {"reference": reference, "file": file}


# --- bad input: a 400 naming the field, and nothing left behind ---------------------------------


@pytest.mark.parametrize("fmt", ["json", "multipart"])
def test_a_reference_with_nul_is_a_400_leaving_nothing_behind(world, submit, settings, fmt):
    reference = "Daftar\x00 2026"
    body = (
        {"reference": reference, "rows": [worker(1)]}
        if fmt == "json"
        else upload(csv_bytes([worker(1)]), reference=reference)
    )

    response = submit(body, fmt=fmt)

    assert response.status_code == 400
    assert "reference" in response.json()["errors"]
    assert not WorkerListSubmission.objects.exists()
    assert staged_files(settings) == []


def test_a_reference_with_a_lone_surrogate_is_a_400_leaving_nothing_behind(
    world, api_client, settings
):
    body = '{"reference": "Daftar \\ud800", "rows": [{"nik": "1"}]}'

    response = api_client.post(URL, body, content_type="application/json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["reference"]
    assert not WorkerListSubmission.objects.exists()
    assert staged_files(settings) == []


def test_a_lone_surrogate_in_a_row_value_is_a_400_naming_the_row_and_field(
    world, api_client, settings
):
    body = '{"reference": "uji", "rows": [{"nik": "1", "full_name": "Budi \\ud800"}]}'

    response = api_client.post(URL, body, content_type="application/json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["rows[0].full_name"]
    assert not WorkerListSubmission.objects.exists()
    assert staged_files(settings) == []


def test_deeply_nested_json_is_a_400_not_a_crash(world, api_client):
    body = '{"reference": "uji", "rows": ' + "[" * 100_000 + "]" * 100_000 + "}"

    response = api_client.post(URL, body, content_type="application/json")

    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]
    assert not WorkerListSubmission.objects.exists()


def test_a_nul_in_a_json_row_value_fails_only_that_row(world, submit, api_client):
    response = submit({"reference": "uji", "rows": [worker(1, full_name="Bu\x00di"), worker(2)]})

    rows = api_client.get(f"{response.json()['url']}rows/").json()["results"]
    assert response.status_code == 202
    assert [row["outcome"] for row in rows] == ["invalid", "new_lead"]
    assert rows[0]["errors"][0]["field"] == "full_name"
    assert rows[0]["errors"][0]["code"] == "control_character"


def test_a_line_break_in_a_json_value_keeps_the_row_numbers(world, submit, api_client):
    response = submit({"reference": "uji", "rows": [worker(1, unit="Dinas\nUji"), worker(2)]})

    rows = api_client.get(f"{response.json()['url']}rows/").json()["results"]
    assert [(row["row"], row["outcome"]) for row in rows] == [(1, "new_lead"), (2, "new_lead")]


def test_an_empty_row_list_is_refused_at_once(world, submit):
    response = submit({"reference": "uji", "rows": []})

    assert response.status_code == 400
    assert "rows" in response.json()["errors"]


@pytest.mark.parametrize(
    ("content", "name"),
    [(b"", "daftar.csv"), (b"foo;bar\n1;2\n", "daftar.csv"), (b"PK\x03\x04broken", "a.xlsx")],
)
def test_an_empty_or_headerless_file_is_refused_at_once_naming_the_file(
    world, submit, settings, content, name
):
    response = submit(upload(content, name=name), fmt="multipart")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["file"]
    assert staged_files(settings) == []


def test_an_idempotency_key_over_200_characters_is_refused_not_cut(world, submit):
    response = submit(
        {"reference": "uji", "rows": [worker(1)]}, headers={"Idempotency-Key": "k" * 201}
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["Idempotency-Key"]
    assert not WorkerListSubmission.objects.exists()


def test_an_idempotency_key_of_200_characters_is_kept_whole(world, submit):
    submit({"reference": "uji", "rows": [worker(1)]}, headers={"Idempotency-Key": "k" * 200})

    assert WorkerListSubmission.objects.get().idempotency_key == "k" * 200


def test_a_multipart_text_field_over_the_form_limit_is_json_not_an_html_page(world, api_client):
    body = {"reference": "x" * (3 * 1024 * 1024), "file": io.BytesIO(b"nik\n")}

    response = api_client.post(URL, body, format="multipart")

    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert "file" in response.json()["detail"]


# --- errors in the request's language ----------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [("id", "Metode PUT tidak diizinkan"), ("en", "Method PUT is not allowed")],
)
def test_method_not_allowed_answers_in_the_requests_language(world, api_client, language, expected):
    response = api_client.put(URL, {}, format="json", headers={"Accept-Language": language})

    assert response.status_code == 405
    assert response.json()["detail"].startswith(expected)


@pytest.mark.parametrize(
    ("language", "expected"), [("id", "Halaman tidak valid."), ("en", "Invalid page.")]
)
def test_an_invalid_page_answers_in_the_requests_language(
    world, submit, api_client, language, expected
):
    url = submit({"reference": "uji", "rows": [worker(1)]}).json()["url"]

    response = api_client.get(f"{url}rows/", {"page": 9}, headers={"Accept-Language": language})

    assert response.status_code == 404
    assert response.json() == {"detail": expected}


def test_a_missing_list_is_a_404_in_indonesian(world, api_client):
    response = api_client.get(f"{URL}999999/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Tidak ditemukan."}


def test_no_credentials_is_a_401_in_english_when_asked(world):
    response = APIClient().get(URL + "1/", headers={"Accept-Language": "en"})

    assert response.status_code == 401
    assert response.json()["detail"].startswith("Authentication credentials were not provided")


@pytest.fixture
def rates(monkeypatch, api_key):
    """Tiny budgets for the throttle tests, and this key's history forgotten."""
    key = AgencyAPIKey.objects.get_from_key(api_key)
    for scope in ("api_key", "api_key_submit", "api_key_read"):
        cache.delete(f"throttle_{scope}_{key.pk}")

    def set_rates(**rates):
        monkeypatch.setattr(
            ApiKeyRateThrottle, "THROTTLE_RATES", {**ApiKeyRateThrottle.THROTTLE_RATES, **rates}
        )

    return set_rates


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("id", "Terlalu banyak permintaan. Coba lagi dalam"),
        ("en", "Too many requests. Try again in"),
    ],
)
def test_a_throttled_request_answers_wholly_in_the_requests_language(
    world, submit, api_client, rates, language, expected
):
    rates(api_key_read="1/minute")
    url = submit({"reference": "uji", "rows": [worker(1)]}).json()["url"]
    api_client.get(url)

    response = api_client.get(url, headers={"Accept-Language": language})

    assert response.status_code == 429
    assert response.json()["detail"].startswith(expected)
    assert response["Retry-After"]


def test_polling_the_status_does_not_spend_the_budget_for_submitting(
    world, submit, api_client, rates
):
    rates(api_key_submit="2/minute", api_key_read="10/minute")
    url = submit({"reference": "uji", "rows": [worker(1)]}).json()["url"]
    for _ in range(8):
        assert api_client.get(url).status_code == 200

    second = submit({"reference": "uji-2", "rows": [worker(2)]})
    third = submit({"reference": "uji-3", "rows": [worker(3)]})

    assert (second.status_code, third.status_code) == (202, 429)
    assert api_client.get(url).status_code == 200


def test_the_failure_reason_is_a_code_translated_on_read(world, agency, api_client):
    submission = submit_file(agency=agency, data=b"foo,bar\n1,2\n")
    worker_list_process(submission_id=submission.pk)

    english = api_client.get(f"{URL}{submission.pk}/", headers={"Accept-Language": "en"}).json()
    indonesian = api_client.get(f"{URL}{submission.pk}/").json()

    assert english["failure_code"] == indonesian["failure_code"] == "header_columns_missing"
    assert english["failure_reason"].startswith("Required columns missing from the header row")
    assert indonesian["failure_reason"].startswith("Kolom wajib tidak ditemukan")


# --- NIKs masked for readers who do not work with the person ----------------------------------


@pytest.fixture
def list_url(world, submit):
    return submit({"reference": "uji", "rows": [worker(1), worker(2, full_name="")]}).json()["url"]


def test_the_rows_api_masks_niks_for_the_board(list_url, management_user):
    client = APIClient()
    client.force_login(management_user)

    rows = client.get(f"{list_url}rows/").json()["results"]

    assert [row["nik"] for row in rows] == ["3673********0001", "3673********0002"]


def test_the_rows_api_shows_full_niks_to_the_submitting_agency(list_url, api_client):
    rows = api_client.get(f"{list_url}rows/").json()["results"]

    assert [row["nik"] for row in rows] == [nik(1), nik(2)]


@pytest.mark.parametrize("download", ["report", "fix"])
def test_downloads_mask_niks_for_the_board(list_url, management_user, download):
    client = APIClient()
    client.force_login(management_user)

    response = client.get(f"{list_url}{download}.csv")

    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert nik(2) not in text
    assert "3673********0002" in text


# --- the schema says what the server does ------------------------------------------------------


@pytest.fixture
def schema(client):
    return client.get(reverse("schema"), {"format": "json"}).json()


def resolve(schema, node):
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


@pytest.mark.parametrize("path", ["/api/v1/worker-lists/{id}/rows/", "/api/v1/cases/"])
def test_the_schema_documents_paginated_lists_as_pages(schema, path):
    ok = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
    page = resolve(schema, ok["schema"])

    assert {"count", "next", "previous", "results"} <= set(page["properties"])
    assert page["properties"]["results"]["type"] == "array"


def test_the_schema_documents_the_multipart_file_as_binary_and_reference_min_length(schema):
    body = schema["paths"][URL]["post"]["requestBody"]["content"]
    form = resolve(schema, body["multipart/form-data"]["schema"])
    json_body = resolve(schema, body["application/json"]["schema"])

    assert form["properties"]["file"]["format"] == "binary"
    assert form["properties"]["reference"]["minLength"] == 1
    assert json_body["properties"]["reference"]["minLength"] == 1


@pytest.mark.parametrize("download", ["report", "fix"])
def test_the_schema_documents_csv_and_xlsx_downloads(schema, download):
    path = f"/api/v1/worker-lists/{{id}}/{download}.{{report_format}}"
    content = schema["paths"][path]["get"]["responses"]["200"]["content"]

    assert set(content) == {
        "text/csv",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }


def test_the_schema_documents_the_error_answers(schema):
    create = schema["paths"][URL]["post"]["responses"]
    detail = schema["paths"]["/api/v1/worker-lists/{id}/"]["get"]["responses"]

    assert {"400", "401", "403", "413", "429"} <= set(create)
    assert {"401", "403", "404", "429"} <= set(detail)


def test_a_submission_the_database_refuses_leaves_no_staged_file(
    world, agency, settings, monkeypatch
):
    from django.db import DataError

    from worker_lists.services import worker_list_submit

    def refuse(*args, **kwargs):
        raise DataError("refused")

    monkeypatch.setattr(WorkerListSubmission, "save", refuse)

    with pytest.raises(DataError):
        worker_list_submit(
            agency=agency, reference="uji", fileobj=io.BytesIO(csv_bytes([worker(1)]))
        )

    assert staged_files(settings) == []


@pytest.mark.parametrize(
    ("language", "expected"),
    [("id", "Daftar baris tidak boleh kosong."), ("en", "The list of rows cannot be empty.")],
)
def test_an_empty_row_list_is_refused_in_the_requests_language(world, submit, language, expected):
    response = submit({"reference": "uji", "rows": []}, headers={"Accept-Language": language})

    assert response.json()["errors"] == {"rows": [expected]}


def test_a_session_request_without_csrf_is_refused_in_json_and_indonesian(world, agency_user):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(agency_user)

    response = client.post(URL, {"reference": "uji", "rows": [worker(1)]}, format="json")

    assert response.status_code == 403
    assert response.json()["detail"].startswith("Permintaan ditolak: token CSRF")


def test_a_file_name_with_a_nul_is_stored_without_it(world, submit):
    response = submit(upload(csv_bytes([worker(1)]), name="daftar\x00.csv"), fmt="multipart")

    assert response.status_code == 202
    assert WorkerListSubmission.objects.get().original_filename == "daftar.csv"


def test_an_idempotency_key_with_a_control_character_is_refused(world, submit):
    response = submit(
        {"reference": "uji", "rows": [worker(1)]}, headers={"Idempotency-Key": "a\x00b"}
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["Idempotency-Key"]
