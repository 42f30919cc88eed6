"""The site's 500 answer: JSON for API clients, Django's page for browsers.

Partner systems parse every API answer as JSON; an HTML error page would break them twice.
"""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.defaults import server_error as html_server_error


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": _("Terjadi kesalahan di server. Silakan coba lagi nanti.")}, status=500
        )
    return html_server_error(request)
