"""The partner REST API contract: /api/v1/worker-lists/."""

import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from worker_lists.models import WorkerListSubmission

from .helpers import INDONESIAN_HEADERS, csv_bytes, nik, worker

pytestmark = pytest.mark.django_db

URL = "/api/v1/worker-lists/"


@pytest.fixture
def submit(api_client, django_capture_on_commit_callbacks):
    """POST a list and run its (eager) task as the commit would."""

    def _submit(client=None, *, rows=None, data=None, headers=None, fmt="json"):
        client = client or api_client
        with django_capture_on_commit_callbacks(execute=True):
            if data is not None:
                return client.post(URL, data, format="multipart", headers=headers)
            return client.post(URL, {"reference": "uji", "rows": rows}, format=fmt, headers=headers)

    return _submit


def upload(content: bytes, name="daftar.csv", reference="Daftar honorer 2026"):
    file = io.BytesIO(content)
    file.name = name
    return {"reference": reference, "file": file}


def test_posting_json_rows_is_accepted_with_id_status_and_url(world, submit):
    response = submit(rows=[worker(1)])

    assert response.status_code == 202
    submission = WorkerListSubmission.objects.get()
    assert response.json() == {
        "id": submission.pk,
        "status": "queued",
        "url": f"http://testserver{URL}{submission.pk}/",
    }


def test_a_submitted_json_list_is_processed_into_counts(world, submit, api_client):
    response = submit(rows=[worker(1), worker(1), worker(2, full_name="")])

    detail = api_client.get(response.json()["url"]).json()
    assert detail["status"] == "done"
    assert detail["progress"] == {"processed": 3, "total": 3}
    assert detail["counts"] == {
        "total": 3,
        "invalid": 1,
        "duplicate_in_list": 1,
        "needs_verification": 0,
        "already_covered": 0,
        "lapsed": 0,
        "existing_lead": 0,
        "new_lead": 1,
    }
    assert detail["finished_at"] is not None


def test_a_csv_file_can_be_uploaded_with_multipart(world, submit, api_client):
    data = upload(csv_bytes([worker(1), worker(2)], delimiter=";", headers=INDONESIAN_HEADERS))

    response = submit(data=data)

    assert response.status_code == 202
    assert api_client.get(response.json()["url"]).json()["counts"]["new_lead"] == 2


def test_json_nik_sent_as_a_number_in_scientific_notation_is_reported_damaged(
    world, submit, api_client
):
    response = submit(rows=[worker(1, nik=3.67301e15)])

    rows = api_client.get(f"{response.json()['url']}rows/").json()["results"]
    assert rows[0]["errors"][0]["code"] == "nik_spreadsheet_damaged"


def test_rows_can_be_filtered_by_outcome(world, submit, api_client):
    response = submit(rows=[worker(1), worker(2, full_name="")])

    body = api_client.get(f"{response.json()['url']}rows/", {"outcome": "invalid"}).json()

    assert body["count"] == 1
    assert body["results"] == [
        {
            "row": 2,
            "sheet_row": 3,
            "nik": nik(2),
            "outcome": "invalid",
            "errors": [
                {"field": "full_name", "code": "name_missing", "message": "Nama wajib diisi."}
            ],
        }
    ]


def test_an_unknown_outcome_filter_is_a_400_naming_the_field(world, submit, api_client):
    response = submit(rows=[worker(1)])

    answer = api_client.get(f"{response.json()['url']}rows/", {"outcome": "maybe"})

    assert answer.status_code == 400
    assert "outcome" in answer.json()["errors"]


def test_error_messages_are_in_english_with_accept_language_en(world, submit, api_client):
    response = submit(rows=[worker(1, full_name="")])

    body = api_client.get(
        f"{response.json()['url']}rows/", headers={"Accept-Language": "en"}
    ).json()

    assert body["results"][0]["errors"][0]["message"] == "Name is required."


def test_a_request_without_a_key_is_refused(world):
    response = APIClient().post(URL, {"reference": "x", "rows": []}, format="json")

    assert response.status_code == 401


def test_another_agencys_key_cannot_see_the_submission(world, submit, other_api_client):
    url = submit(rows=[worker(1)]).json()["url"]

    assert other_api_client.get(url).status_code == 404
    assert other_api_client.get(f"{url}rows/").status_code == 404
    assert other_api_client.get(f"{url}report.csv").status_code == 404


def test_a_body_over_the_limit_is_413_with_the_limit_in_the_message(world, api_client, settings):
    settings.WORKER_LIST_MAX_UPLOAD_BYTES = 1024

    response = api_client.post(URL, upload(b"x" * 4096), format="multipart")

    assert response.status_code == 413
    assert "1024" in response.json()["detail"]


def test_a_json_body_over_the_limit_is_413(world, api_client, settings):
    settings.WORKER_LIST_MAX_JSON_BYTES = 1024

    response = api_client.post(
        URL, {"reference": "x", "rows": [worker(n) for n in range(50)]}, format="json"
    )

    assert response.status_code == 413


def test_a_json_list_larger_than_djangos_form_limit_is_accepted(world, submit, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024

    response = submit(rows=[worker(n) for n in range(1, 60)])

    assert response.status_code == 202


def test_the_same_idempotency_key_and_content_returns_the_original(world, submit):
    first = submit(rows=[worker(1)], headers={"Idempotency-Key": "abc"})
    again = submit(rows=[worker(1)], headers={"Idempotency-Key": "abc"})

    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert WorkerListSubmission.objects.count() == 1


def test_the_same_idempotency_key_with_other_content_is_a_conflict(world, submit):
    submit(rows=[worker(1)], headers={"Idempotency-Key": "abc"})

    response = submit(rows=[worker(2)], headers={"Idempotency-Key": "abc"})

    assert response.status_code == 409
    assert WorkerListSubmission.objects.count() == 1


def test_idempotency_keys_are_per_agency(world, submit, other_api_client):
    submit(rows=[worker(1)], headers={"Idempotency-Key": "abc"})

    response = submit(other_api_client, rows=[worker(2)], headers={"Idempotency-Key": "abc"})

    assert response.status_code == 202


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"rows": []}, "reference"),
        ({"reference": "", "rows": []}, "reference"),
        ({"reference": "x"}, "rows"),
        ({"reference": "x", "rows": "nik"}, "rows"),
        ({"reference": "x", "rows": [{"nik": "1"}, "not an object"]}, "rows[1]"),
    ],
)
def test_bad_json_input_is_a_400_naming_the_field(world, api_client, body, field):
    response = api_client.post(URL, body, format="json")

    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_malformed_json_is_a_400(world, api_client):
    response = api_client.post(URL, "{not json", content_type="application/json")

    assert response.status_code == 400


def test_branch_staff_cannot_submit_lists(world, branch_user):
    client = APIClient()
    client.force_authenticate(branch_user)

    response = client.post(URL, {"reference": "x", "rows": []}, format="json")

    assert response.status_code == 403


def test_an_agency_user_logged_in_by_session_can_submit(world, agency_user, submit):
    client = APIClient(enforce_csrf_checks=False)
    client.force_login(agency_user)

    response = submit(client, rows=[worker(1)])

    assert response.status_code == 202
    assert WorkerListSubmission.objects.get().submitted_by_user == agency_user


def test_the_csv_report_lists_every_row_with_its_errors(world, submit, api_client):
    url = submit(rows=[worker(1), worker(2, full_name="")]).json()["url"]

    response = api_client.get(f"{url}report.csv")

    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0] == (
        "baris_excel,nik,nama,tanggal_lahir,kode_kabkota,unit_kerja,jabatan,"
        "hasil,kode_hasil,ganda_dari_baris,kode_kesalahan,kesalahan"
    )
    assert lines[2].startswith(
        f"3,{nik(2)},,1990-04-12,36.73,Dinas Uji,Staf,Tidak valid,invalid,,name_missing,"
    )


def test_the_xlsx_report_keeps_niks_as_text(world, submit, api_client):
    url = submit(rows=[worker(1)]).json()["url"]

    response = api_client.get(f"{url}report.xlsx")

    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet["B2"].value == nik(1)
    assert sheet["I2"].value == "new_lead"


def test_an_unknown_report_format_is_404(world, submit, api_client):
    url = submit(rows=[worker(1)]).json()["url"]

    assert api_client.get(f"{url}report.pdf").status_code == 404


def test_the_detail_answers_in_a_fixed_number_of_queries(
    world, submit, api_client, django_assert_max_num_queries
):
    url = submit(rows=[worker(n) for n in range(1, 30)]).json()["url"]

    with django_assert_max_num_queries(3):
        assert api_client.get(url).status_code == 200


def test_the_rows_page_answers_in_a_fixed_number_of_queries(
    world, submit, api_client, django_assert_max_num_queries
):
    url = submit(rows=[worker(n) for n in range(1, 60)]).json()["url"]

    with django_assert_max_num_queries(4):
        assert api_client.get(f"{url}rows/").status_code == 200


def test_the_schema_documents_the_worker_list_contract(world, api_client):
    schema = api_client.get(reverse("schema"), {"format": "json"}).json()

    assert {
        "/api/v1/worker-lists/",
        "/api/v1/worker-lists/{id}/",
        "/api/v1/worker-lists/{id}/rows/",
    } <= set(schema["paths"])
    create = schema["paths"]["/api/v1/worker-lists/"]["post"]
    assert {"application/json", "multipart/form-data"} <= set(create["requestBody"]["content"])
    assert json.dumps(schema).count("Idempotency-Key") >= 1


def test_a_multipart_file_field_sent_as_text_is_a_400_naming_the_field(world, api_client):
    response = api_client.post(URL, {"reference": "x", "file": "nik;nama"}, format="multipart")

    assert response.status_code == 400
    assert "file" in response.json()["errors"]


def test_an_unreadable_uploaded_file_is_refused_at_once_naming_the_file(world, submit):
    response = submit(data=upload(b"\x00\x01garbage", name="daftar.csv"))

    assert response.status_code == 400
    assert response.json()["errors"] == {"file": ["File bukan teks CSV (berisi data biner)."]}
    assert not WorkerListSubmission.objects.exists()
