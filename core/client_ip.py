"""The address a request came from, for per-address login lockouts (django-axes)."""

from django.conf import settings


def client_ip(request) -> str | None:
    """REMOTE_ADDR, or behind `TRUSTED_PROXY_COUNT` reverse proxies the address the outermost one
    saw: each proxy appends its peer to X-Forwarded-For, so only the last N entries are trustworthy
    and anything further left may be forged by the client."""
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")
