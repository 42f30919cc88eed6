from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@csrf_exempt  # a 404 changes nothing; without this a PATCH would get the HTML CSRF page
def api_not_found(request: HttpRequest, path: str = "") -> JsonResponse:
    """An API address that names nothing (`/api/v1/worker-lists/-1/`): the API's JSON 404, not
    Django's HTML page, whatever the method."""
    return JsonResponse({"detail": _("Tidak ditemukan.")}, status=404)
