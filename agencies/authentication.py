"""`Authorization: Api-Key <key>` for partner agencies.

The authenticated principal behaves like a user with the agency role, so the scoping functions in
accounts.permissions treat an API key and a logged-in agency user the same way.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from redis.exceptions import RedisError
from rest_framework import authentication, exceptions, throttling

from accounts.models import Role

from .models import AgencyAPIKey, PartnerAgency

logger = logging.getLogger(__name__)
KEYWORD = "Api-Key"
# Recording every request's time would turn each read into a write; a minute's precision is enough.
LAST_USED_PRECISION = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class AgencyKeyPrincipal:
    api_key: AgencyAPIKey
    agency: PartnerAgency

    role = Role.AGENCY
    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_superuser = False
    is_staff = False
    pk = None
    id = None
    regional_office_id = None
    branch_id = None

    @property
    def agency_id(self) -> int:
        return self.agency.pk

    @property
    def username(self) -> str:
        return f"api-key:{self.api_key.name}"

    def __str__(self) -> str:
        return self.username


class AgencyApiKeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        keyword, _space, key = header.partition(" ")
        if keyword != KEYWORD:
            return None
        key = key.strip()
        if not key:
            raise exceptions.AuthenticationFailed(_("Kunci API kosong."))
        try:
            api_key = AgencyAPIKey.objects.get_from_key(key)
        except AgencyAPIKey.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Kunci API tidak valid.")) from None
        if api_key.has_expired or not api_key.agency.is_active:
            raise exceptions.AuthenticationFailed(_("Kunci API tidak aktif."))
        now = timezone.now()
        if api_key.last_used_at is None or now - api_key.last_used_at > LAST_USED_PRECISION:
            AgencyAPIKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        return AgencyKeyPrincipal(api_key=api_key, agency=api_key.agency), api_key

    def authenticate_header(self, request) -> str:
        return KEYWORD


class ApiKeyRateThrottle(throttling.SimpleRateThrottle):
    """Per-key request budget, per scope: REST_FRAMEWORK['DEFAULT_THROTTLE_RATES'][scope].

    A view may name its scope in `api_key_throttle_scope` (worker lists: "api_key_submit" for
    submitting, "api_key_read" for polling and reading), so each scope has its own budget;
    views that name none share "api_key".
    """

    scope = "api_key"
    scope_attr = "api_key_throttle_scope"

    def __init__(self):
        # The rate depends on the view's scope, known only in allow_request.
        pass

    def allow_request(self, request, view) -> bool:
        self.scope = getattr(view, self.scope_attr, type(self).scope)
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        # The budget lives in the cache (Redis). With Redis down the API keeps answering
        # (reads above all): the throttle opens, and says so in the log.
        try:
            return super().allow_request(request, view)
        except (RedisError, ConnectionError, TimeoutError):
            logger.warning("rate limit not applied: cache unavailable")
            return True

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, AgencyAPIKey):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
