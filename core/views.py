"""Health checks: /healthz says the process answers (liveness), /readyz whether it can work
(readiness), with the database, Redis and the broker reported separately."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)
_TIMEOUT_S = 1.0


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: touches nothing else, so an outage elsewhere does not get the process killed."""
    return JsonResponse({"status": "ok"})


@csrf_exempt  # a 404 changes nothing; without this a PATCH would get the HTML CSRF page
def api_not_found(request: HttpRequest, path: str = "") -> JsonResponse:
    """An API address that names nothing (`/api/v1/worker-lists/-1/`): the API's JSON 404, not
    Django's HTML page, whatever the method."""
    return JsonResponse({"detail": _("Tidak ditemukan.")}, status=404)


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return "unavailable"
    return "ok"


def _redis() -> str:
    url = getattr(settings, "REDIS_URL", "")
    if not url:
        return "not_configured"
    import redis

    try:
        client = redis.Redis.from_url(
            url, socket_connect_timeout=_TIMEOUT_S, socket_timeout=_TIMEOUT_S
        )
        client.ping()
        client.close()
    except (redis.RedisError, OSError):
        return "unavailable"
    return "ok"


def _broker() -> str:
    url = getattr(settings, "CELERY_BROKER_URL", "")
    if not url or url.startswith("memory://"):
        return "not_configured"
    from kombu import Connection

    try:
        with Connection(url, connect_timeout=_TIMEOUT_S) as broker:
            broker.ensure_connection(max_retries=1, timeout=_TIMEOUT_S)
    except Exception:  # kombu raises transport-specific errors; any of them means "not ready"
        return "unavailable"
    return "ok"


@require_GET
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database(), "redis": _redis(), "broker": _broker()}
    ready = all(state != "unavailable" for state in checks.values())
    if not ready:
        logger.warning("not ready: %s", checks)
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks},
        status=200 if ready else 503,
    )
