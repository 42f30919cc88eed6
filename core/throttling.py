"""Request budget of people calling the API with their browser session."""

from django.contrib.auth.models import AbstractBaseUser
from rest_framework import throttling


class SessionUserRateThrottle(throttling.SimpleRateThrottle):
    """Per-user budget (REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']['session_user']) for logged-in
    staff; API keys have their own (agencies.authentication.ApiKeyRateThrottle) and anonymous
    requests are refused before any data is read."""

    scope = "session_user"

    def get_cache_key(self, request, view):
        user = request.user
        if not isinstance(user, AbstractBaseUser) or not user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": user.pk}
