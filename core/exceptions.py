"""The API's answer when a dependency is down: a JSON 503 with Retry-After, never an HTML 500."""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler

logger = logging.getLogger(__name__)
RETRY_AFTER_S = 30


def api_exception_handler(exc, context):
    if isinstance(exc, OperationalError | InterfaceError):
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
    return exception_handler(exc, context)
