"""Request rates per client IP (anonymous, password checks) and per user.

Each throttle counts requests in fixed windows of its rate's duration, one
cache counter per client and window: one Redis round trip per request. DRF's
own throttles read and rewrite the list of every request time in the last
window (two round trips, and a list as long as the rate). The price of the
window: a client can get up to twice its rate through across a boundary.
"""

from rest_framework import throttling

from educa.accounts.limits import client_address
from educa.ops.cache import increment_counter


class WindowThrottle(throttling.SimpleRateThrottle):
    def get_ident(self, request) -> str:
        """The address the server trusts: REMOTE_ADDR.

        DRF's own get_ident believes any X-Forwarded-For a client sends, so a
        header made up per request escaped every per-IP limit. uvicorn already
        rewrites REMOTE_ADDR from X-Forwarded-For when, and only when, the
        proxy in front is trusted (TRUST_PROXY_HEADERS, FORWARDED_ALLOW_IPS).
        """
        return client_address(request)

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        count = increment_counter(self.cache, f"{self.key}:{window}", self.duration)
        # Without the cache nobody can be counted: let the request through.
        return count is None or count <= self.num_requests

    def wait(self) -> float:
        """Seconds until the current window ends."""
        return self.duration - self.now % self.duration


class AnonRateThrottle(WindowThrottle, throttling.AnonRateThrottle):
    """Per client IP, for requests without a signed-in user."""


class AuthRateThrottle(WindowThrottle, throttling.AnonRateThrottle):
    """Per client IP, for the endpoints that check passwords or create accounts."""

    scope = "auth"

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {
            "scope": self.scope,
            "ident": self.get_ident(request),
        }


class UserRateThrottle(WindowThrottle, throttling.UserRateThrottle):
    """Per signed-in user. Anonymous requests are AnonRateThrottle's alone:
    DRF's own class would count them per IP a second time."""

    def get_cache_key(self, request, view) -> str | None:
        if not request.user.is_authenticated:
            return None
        return super().get_cache_key(request, view)
