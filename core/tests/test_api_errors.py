"""One exception handler answers every refused API request as {"detail", "errors"}."""

import io

import pytest
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.test import APIClient

from agencies.models import AgencyAPIKey
from campaigns.models import CaseTransition
from campaigns.tests.factories import EscalationCaseFactory
from core.api_errors import ServiceError, exception_handler
from employers.tests.factories import EmployerFactory
from worker_lists.models import WorkerListSubmission
from worker_lists.tests.helpers import worker

WORKER_LISTS = "/api/v1/worker-lists/"


def _client_for(agency) -> APIClient:
    _key_obj, key = AgencyAPIKey.objects.create_key(name="uji", agency=agency)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


@pytest.fixture
def partner_api(settings, tmp_path, agency, branch_serang):
    settings.MEDIA_ROOT = tmp_path / "media"
    return _client_for(agency)


def _refused(response, field: str) -> list[str]:
    """The messages for `field` of a 400 answer in the API's one error shape."""
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["detail"]
    return body["errors"][field]


# The handler itself


def test_a_service_error_names_its_field():
    response = exception_handler(ServiceError("Terlalu panjang.", field="reference"), {})
    assert response.status_code == 400
    assert response.data == {
        "detail": "Terlalu panjang.",
        "errors": {"reference": ["Terlalu panjang."]},
    }


def test_a_service_error_may_answer_another_status():
    class Conflict(ServiceError):
        status_code = 409

    assert exception_handler(Conflict("Sudah ada."), {}).status_code == 409


def test_a_django_validation_error_without_field_is_a_non_field_error():
    response = exception_handler(DjangoValidationError("Tidak boleh."), {})
    assert response.data["errors"] == {"non_field_errors": ["Tidak boleh."]}


def test_a_django_validation_error_keeps_its_fields():
    error = DjangoValidationError({"state": "Tidak dikenal.", "note": ["A", "B"]})
    response = exception_handler(error, {})
    assert response.data["errors"] == {"state": ["Tidak dikenal."], "note": ["A", "B"]}
    assert response.data["detail"] == str(exceptions.ValidationError.default_detail)


def test_nested_serializer_errors_are_flattened_to_one_key_per_field():
    error = exceptions.ValidationError(
        {"rows": {3: {"nik": ["Salah."], "non_field_errors": ["Bukan objek."]}}}
    )
    response = exception_handler(error, {})
    assert response.data["errors"] == {"rows[3].nik": ["Salah."], "rows[3]": ["Bukan objek."]}


def test_a_django_permission_denied_keeps_the_services_reason():
    response = exception_handler(DjangoPermissionDenied("Bukan wewenang Anda."), {})
    assert response.status_code == 403
    assert response.data == {"detail": "Bukan wewenang Anda."}


def test_a_bare_list_error_still_answers_an_object():
    response = exception_handler(exceptions.APIException(["x"]), {})
    assert isinstance(response.data, dict)


def test_other_exceptions_are_left_to_django():
    assert exception_handler(RuntimeError("boom"), {}) is None


# The worker-list create endpoint


@pytest.mark.django_db
def test_a_missing_reference_is_a_400_naming_it_and_nothing_is_written(partner_api):
    response = partner_api.post(WORKER_LISTS, {"rows": [worker(1)]}, format="json")
    assert _refused(response, "reference")
    assert not WorkerListSubmission.objects.exists()


@pytest.mark.django_db
def test_a_reference_over_200_characters_is_a_400(partner_api):
    body = {"reference": "x" * 201, "rows": [worker(1)]}
    assert _refused(partner_api.post(WORKER_LISTS, body, format="json"), "reference")


@pytest.mark.django_db
def test_rows_that_are_not_a_list_are_a_400_naming_rows_and_nothing_is_written(partner_api):
    response = partner_api.post(WORKER_LISTS, {"reference": "x", "rows": {"a": 1}}, format="json")
    assert _refused(response, "rows")
    assert not WorkerListSubmission.objects.exists()


@pytest.mark.django_db
def test_a_row_that_is_not_an_object_is_a_400_with_its_index(partner_api):
    body = {"reference": "x", "rows": [worker(1), worker(2), ["3273", "Budi"]]}
    response = partner_api.post(WORKER_LISTS, body, format="json")
    assert _refused(response, "rows[2]") == ["Baris 3 harus berupa objek JSON."]
    assert not WorkerListSubmission.objects.exists()


@pytest.mark.django_db
def test_rows_with_bad_or_missing_values_are_accepted_for_the_row_checks(
    partner_api, django_capture_on_commit_callbacks
):
    rows = [worker(1, nik="12"), {"nik": 3273010101900001, "unknown": True}, {"birth_date": 5}]
    with django_capture_on_commit_callbacks(execute=True):
        response = partner_api.post(WORKER_LISTS, {"reference": "x", "rows": rows}, format="json")
    assert response.status_code == 202
    assert WorkerListSubmission.objects.get().count_invalid == 3


@pytest.mark.django_db
def test_a_multipart_request_without_a_file_is_a_400_naming_the_file(partner_api):
    response = partner_api.post(WORKER_LISTS, {"reference": "x"}, format="multipart")
    assert _refused(response, "file")


@pytest.mark.django_db
def test_a_multipart_request_without_a_reference_is_a_400_naming_it(partner_api):
    upload = io.BytesIO(b"nik,full_name\n")
    upload.name = "daftar.csv"
    response = partner_api.post(WORKER_LISTS, {"file": upload}, format="multipart")
    assert _refused(response, "reference")
    assert not WorkerListSubmission.objects.exists()


# The cases API


@pytest.mark.django_db
def test_an_invalid_case_transition_is_a_400_naming_the_state_and_writes_nothing(
    disnaker, branch_user, branch_serang
):
    employer = EmployerFactory(branch=branch_serang)
    case = EscalationCaseFactory(employer=employer, agency=disnaker, created_by=branch_user)
    transitions = CaseTransition.objects.count()

    response = _client_for(disnaker).patch(
        f"/api/v1/cases/{case.pk}/", {"state": "resolved"}, format="json"
    )

    assert _refused(response, "state")
    case.refresh_from_db()
    assert case.state == "sent"
    assert CaseTransition.objects.count() == transitions
