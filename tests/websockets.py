"""Open sockets on the real ASGI application (origin check, auth, routes)."""

from datetime import timedelta

import pytest
from asgiref.sync import SyncToAsync
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator
from django.db import connections
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import (
    BlacklistedToken,
    OutstandingToken,
)
from rest_framework_simplejwt.tokens import AccessToken

from educa.accounts.models import User
from educa.asgi import application

ORIGIN = b"http://127.0.0.1"


def access_token(user: User) -> str:
    return str(AccessToken.for_user(user))


def blacklist(token: AccessToken, user: User) -> None:
    """Revoke an access token the way an operator would in the admin."""
    outstanding = OutstandingToken.objects.create(
        user=user,
        jti=token["jti"],
        token=str(token),
        expires_at=timezone.now() + timedelta(minutes=5),
    )
    BlacklistedToken.objects.create(token=outstanding)


def communicator(
    path: str,
    *,
    token: str | None = None,
    query: str = "",
    cookie: str | None = None,
    origin: bytes | None = ORIGIN,
) -> WebsocketCommunicator:
    """A client for `path`; the query string gets `token` and then `query`."""
    params = [f"token={token}"] if token is not None else []
    if query:
        params.append(query)
    headers = []
    if origin is not None:
        headers.append((b"origin", origin))
    if cookie is not None:
        headers.append((b"cookie", cookie.encode()))
    url = path + ("?" + "&".join(params) if params else "")
    return WebsocketCommunicator(application, url, headers=headers)


async def connect_as(user: User, path: str, query: str = "") -> WebsocketCommunicator:
    """A connected client for `user` (token auth); fails the test if refused."""
    client = communicator(path, token=access_token(user), query=query)
    connected, _ = await client.connect()
    assert connected, f"{user} was refused on {path}"
    if path.startswith("/ws/chat/") and "after=" not in query:
        # A chat socket first hears its own arrival in the room (after
        # replaying the backlog, when asked for one).
        presence = await client.receive_json_from(timeout=3)
        assert presence["type"] == "presence", presence
    return client


@pytest.fixture(autouse=True)
def _socket_test_isolation():
    """Each test gets its own channel layer object (its Redis connections
    belong to the test's event loop, which pytest-asyncio closes), and the
    database connection consumers opened in asgiref's worker thread is closed
    so the test database can be dropped."""
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()
    SyncToAsync.single_thread_executor.submit(connections.close_all).result()
