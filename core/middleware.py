import time

from django.conf import settings
from django.contrib.auth import logout
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class IndonesianFirstLocaleMiddleware(LocaleMiddleware):
    """Pages speak Bahasa Indonesia unless the user picked English with the switcher (cookie).

    Staff browsers are often set to English; the product's default language should not depend on
    that. The API keeps standard negotiation: partners ask for English with Accept-Language.
    """

    def process_request(self, request):
        if request.path.startswith("/api/"):
            return super().process_request(request)
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


LOGIN_AT_KEY = "_login_at"
SEEN_AT_KEY = "_seen_at"


def session_lifetime_start(sender, request, user, **kwargs):
    """user_logged_in receiver: the session's clocks start at login."""
    now = int(time.time())
    request.session[LOGIN_AT_KEY] = now
    request.session[SEEN_AT_KEY] = now


class SessionLifetimeMiddleware:
    """Staff sessions end `SESSION_COOKIE_AGE` seconds after the last request (idle) and
    `SESSION_ABSOLUTE_AGE` seconds after login, however active (Django has no setting for the
    latter; without it a stolen cookie kept busy would live for ever).

    The idle expiry moves forward by saving the session, at most once per
    `SESSION_IDLE_REFRESH_SECONDS`: SESSION_SAVE_EVERY_REQUEST would add a write to every request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            session = request.session
            login_at = session.setdefault(LOGIN_AT_KEY, now)  # sessions from before this rule
            if now - login_at > settings.SESSION_ABSOLUTE_AGE:
                logout(request)
            elif now - session.get(SEEN_AT_KEY, 0) >= settings.SESSION_IDLE_REFRESH_SECONDS:
                session[SEEN_AT_KEY] = now
        return self.get_response(request)


class PrivateNoStoreMiddleware:
    """`Cache-Control: no-store, private` on what a logged-in user sees and on every API response.

    Those pages and downloads show NIKs, names and birth dates, which must not stay in a shared
    proxy or the browser's disk cache (UU 27/2022 on personal data protection). Responses that set
    their own Cache-Control keep it; static files never get here (whitenoise answers them first).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.has_header("Cache-Control"):
            return response
        user = getattr(request, "user", None)
        if request.path.startswith("/api/") or (user is not None and user.is_authenticated):
            response["Cache-Control"] = "no-store, private"
        return response
