"""The API's error answers: services raise, this one DRF exception handler turns it into JSON.

A refused request answers `{"detail": "...", "errors": {"field": ["message", ...]}}` whether the
refusal came from a serializer, a Django ValidationError or a ServiceError, so partner systems
parse one shape. Nested fields are flattened to one key per field: `rows[3]`, `rows[3].nik`.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

# The two answer shapes, for the schema.
ERROR_DETAIL = inline_serializer("ErrorDetail", fields={"detail": serializers.CharField()})
ERROR_WITH_FIELDS = inline_serializer(
    "ErrorWithFields",
    fields={
        "detail": serializers.CharField(),
        "errors": serializers.DictField(child=serializers.ListField(child=serializers.CharField())),
    },
)

logger = logging.getLogger(__name__)


class ServiceError(Exception):
    """A service refused the request; the API answers `status_code`, naming `field` if given.

    Domain apps subclass it for their own refusals, so views need no try/except.
    """

    status_code = status.HTTP_400_BAD_REQUEST

    def __init__(self, message: str, *, field: str | None = None):
        self.message = message
        self.field = field
        super().__init__(f"{field}: {message}" if field else message)


def _flatten(detail: Any, name: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {field path: [messages]}."""
    non_field = api_settings.NON_FIELD_ERRORS_KEY
    errors: dict[str, list[str]] = {}

    def add(key: str, messages: dict[str, list[str]]) -> None:
        for field, texts in messages.items():
            errors.setdefault(field, []).extend(texts)

    if isinstance(detail, dict):
        for key, value in detail.items():
            if isinstance(key, int):  # ListField errors are keyed by the item's index
                path = f"{name}[{key}]"
            elif key == non_field and name:  # an object's own error belongs to the object
                path = name
            else:
                path = f"{name}.{key}" if name else str(key)
            add(path, _flatten(value, path))
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            if isinstance(value, dict | list):  # many=True serializers: one entry per item
                add(f"{name}[{index}]", _flatten(value, f"{name}[{index}]"))
            else:
                errors.setdefault(name or non_field, []).append(str(value))
    else:
        errors.setdefault(name or non_field, []).append(str(detail))
    return errors


def _django_errors(error: DjangoValidationError) -> dict[str, list[str]]:
    if not hasattr(error, "error_dict"):
        return {api_settings.NON_FIELD_ERRORS_KEY: error.messages}
    return {
        api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field: messages
        for field, messages in error.message_dict.items()
    }


def _refusal(errors: dict[str, list[str]], status_code: int) -> Response:
    messages = [message for texts in errors.values() for message in texts]
    # One message reads well on its own; several are summed up and listed under `errors`.
    detail = messages[0] if len(messages) == 1 else str(exceptions.ValidationError.default_detail)
    set_rollback()  # as DRF does for its own errors: nothing of a refused request is written
    return Response({"detail": detail, "errors": errors}, status=status_code)


def _in_request_language(exc: exceptions.APIException, method: str) -> None:
    """DRF's own messages, from this project's catalogue: DRF's Indonesian one is incomplete and
    mixes languages (a 429 read half Indonesian, half English)."""
    if isinstance(exc, exceptions.Throttled):
        exc.detail = exceptions.ErrorDetail(
            _("Terlalu banyak permintaan. Coba lagi dalam %(wait)s detik.")
            % {"wait": int(exc.wait or 1) if exc.wait is not None else 60},
            exc.default_code,
        )
    elif isinstance(exc, exceptions.MethodNotAllowed):
        exc.detail = exceptions.ErrorDetail(
            _("Metode %(method)s tidak diizinkan di alamat ini.") % {"method": method},
            exc.default_code,
        )
    elif isinstance(exc, exceptions.NotAuthenticated):
        exc.detail = exceptions.ErrorDetail(
            _("Kredensial tidak diberikan: kirim header Authorization: Api-Key <kunci>."),
            exc.default_code,
        )
    elif isinstance(exc, exceptions.UnsupportedMediaType):
        exc.detail = exceptions.ErrorDetail(
            _("Jenis isi permintaan tidak didukung."), exc.default_code
        )
    elif isinstance(exc, exceptions.NotAcceptable):
        exc.detail = exceptions.ErrorDetail(
            _("Format jawaban yang diminta tidak tersedia."), exc.default_code
        )
    elif isinstance(exc, exceptions.NotFound) and str(exc.detail) in (
        "Not found.",
        str(exceptions.NotFound.default_detail),
    ):
        exc.detail = exceptions.ErrorDetail(_("Tidak ditemukan."), exc.default_code)
    elif isinstance(exc, exceptions.PermissionDenied) and str(exc.detail).startswith("CSRF"):
        exc.detail = exceptions.ErrorDetail(
            _(
                "Permintaan ditolak: token CSRF tidak ada atau tidak cocok. Klien API "
                "memakai header Authorization: Api-Key <kunci>."
            ),
            exc.default_code,
        )
    elif isinstance(exc, exceptions.ParseError) and (
        str(exc.detail).startswith("Multipart form parse error")
        or str(exc.detail) in ("Malformed request.", str(exceptions.ParseError.default_detail))
    ):
        exc.detail = exceptions.ErrorDetail(
            _("Isi permintaan tidak dapat dibaca."), exc.default_code
        )
    elif isinstance(exc, exceptions.PermissionDenied) and str(exc.detail) in (
        "You do not have permission to perform this action.",
        str(exceptions.PermissionDenied.default_detail),
    ):
        exc.detail = exceptions.ErrorDetail(
            _("Anda tidak berwenang melakukan tindakan ini."), exc.default_code
        )


# How long a client should wait before retrying when the database is out of reach.
RETRY_AFTER_S = 30


def _unavailable(exc: Exception) -> Response:
    """Database unreachable: a JSON 503 with Retry-After instead of an HTML 500."""
    logger.warning("API unavailable: %s", exc.__class__.__name__)
    response = Response(
        {
            "detail": _(
                "Layanan sedang tidak dapat menerima permintaan. Coba lagi beberapa saat lagi."
            )
        },
        status=status.HTTP_503_SERVICE_UNAVAILABLE,
    )
    response["Retry-After"] = str(RETRY_AFTER_S)
    return response


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]: validation and service errors in one JSON shape."""
    if isinstance(exc, OperationalError | InterfaceError):
        return _unavailable(exc)
    if isinstance(exc, exceptions.ValidationError):
        return _refusal(_flatten(exc.detail), exc.status_code)
    if isinstance(exc, DjangoValidationError):
        return _refusal(_django_errors(exc), status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, ServiceError):
        field = exc.field or api_settings.NON_FIELD_ERRORS_KEY
        return _refusal({field: [exc.message]}, exc.status_code)
    if isinstance(exc, DjangoPermissionDenied):
        # DRF's own handler drops the reason a service gave; the caller should read it.
        exc = exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    if isinstance(exc, exceptions.APIException):
        _in_request_language(exc, getattr(context.get("request"), "method", ""))
    response = drf_exception_handler(exc, context)
    if response is not None and not isinstance(response.data, dict):
        # DRF answers a bare list or string for some errors; clients always get an object.
        response.data = {"detail": response.data}
    return response
