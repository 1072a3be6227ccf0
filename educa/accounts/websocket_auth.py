"""Who is on the other end of a WebSocket: `scope["user"]`.

A `?token=<JWT access token>` in the query string wins; it must pass the
same checks the REST API makes (signature, type, expiry, active user) and
must not be blacklisted, otherwise the handshake is refused outright. With
no token, the Django session cookie is used, as for pages; a visitor
without one is anonymous and the consumers refuse them.
"""

from importlib import import_module
from urllib.parse import parse_qs

from channels.auth import AuthMiddleware
from channels.db import database_sync_to_async
from channels.security.websocket import WebsocketDenier
from channels.sessions import CookieMiddleware
from django.conf import settings
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

from educa.accounts.authentication import JWTAuthentication
from educa.accounts.models import User


def user_for_access_token(raw: str) -> User | None:
    """The active user a valid, unrevoked access token stands for, or None."""
    authentication = JWTAuthentication()
    try:
        token = authentication.get_validated_token(raw.encode())
        user = authentication.get_user(token)
    except (InvalidToken, TokenError, AuthenticationFailed):
        return None
    if BlacklistedToken.objects.filter(token__jti=token.get("jti")).exists():
        return None
    return user


def query_token(scope: dict) -> str | None:
    query = parse_qs(scope.get("query_string", b"").decode("latin1"))
    values = query.get("token")
    return values[0] if values else None


class TokenOrSessionAuthMiddleware(AuthMiddleware):
    async def __call__(self, scope, receive, send):
        raw = query_token(scope)
        if raw is None:
            return await super().__call__(scope, receive, send)
        user = await database_sync_to_async(user_for_access_token)(raw)
        if user is None:
            return await WebsocketDenier()(scope, receive, send)
        return await self.inner({**scope, "user": user}, receive, send)


class SessionReaderMiddleware:
    """`scope["session"]`: the session the cookie names, for reading only.

    Channels' SessionMiddleware also wraps `send` to save a modified session
    with each frame; sockets never modify one, and the wrapper's checks cost
    a tenth of a busy room's fan-out.
    """

    def __init__(self, inner):
        self.inner = inner
        self.session_store = import_module(settings.SESSION_ENGINE).SessionStore

    async def __call__(self, scope, receive, send):
        key = scope["cookies"].get(settings.SESSION_COOKIE_NAME)
        session = self.session_store(session_key=key)
        return await self.inner({**scope, "session": session}, receive, send)


def websocket_auth(inner):
    """Cookie and session reading around token-or-session auth."""
    return CookieMiddleware(
        SessionReaderMiddleware(TokenOrSessionAuthMiddleware(inner))
    )
