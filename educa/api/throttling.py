from rest_framework import throttling
from rest_framework.throttling import AnonRateThrottle


class AuthRateThrottle(AnonRateThrottle):
    """Per client IP, for the endpoints that check passwords or create accounts."""

    scope = "auth"

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {
            "scope": self.scope,
            "ident": self.get_ident(request),
        }


class UserRateThrottle(throttling.UserRateThrottle):
    """Per signed-in user. Anonymous requests are AnonRateThrottle's alone:
    DRF's own class would count them per IP a second time (two more cache
    round trips on every anonymous request)."""

    def get_cache_key(self, request, view) -> str | None:
        if not request.user.is_authenticated:
            return None
        return super().get_cache_key(request, view)
