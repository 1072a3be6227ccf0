"""Educa's ASGI handler: Django's middleware chain and the view in one thread hop."""

import asyncio

import pytest
from asgiref.sync import AsyncToSync
from django.core.handlers.asgi import ASGIHandler
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.urls import path

from educa.ops.asgi import SyncChainASGIHandler


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("hello")


def database_down(request: HttpRequest) -> HttpResponse:
    raise OperationalError("connection refused")


urlpatterns = [path("hello/", hello), path("api/down/", database_down)]


async def get(handler: ASGIHandler, path: str) -> tuple[int, bytes]:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"localhost")],
        "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 8000),
    }
    messages = [{"type": "http.request", "body": b"", "more_body": False}]
    sent = []

    async def receive():
        if not messages:
            await asyncio.Event().wait()  # the client stays connected
        return messages.pop()

    async def send(message):
        sent.append(message)

    await handler(scope, receive, send)
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("handler_class", "returns_to_the_loop"),
    [(ASGIHandler, 1), (SyncChainASGIHandler, 0)],
)
async def test_a_request_goes_from_middleware_to_view_without_leaving_its_thread(
    handler_class, returns_to_the_loop, settings, monkeypatch
):
    """Django's own handler hops back to the event loop inside the chain
    (Educa has sync-only middleware); Educa's handler never does."""
    settings.ROOT_URLCONF = __name__
    settings.ALLOWED_HOSTS = ["localhost"]
    hops = []
    call = AsyncToSync.__call__

    def counted(self, *args, **kwargs):
        hops.append(self)
        return call(self, *args, **kwargs)

    monkeypatch.setattr(AsyncToSync, "__call__", counted)

    status, body = await get(handler_class(), "/hello/")

    assert (status, body) == (200, b"hello")
    assert len(hops) == returns_to_the_loop


@pytest.mark.asyncio
async def test_middleware_still_turns_a_view_error_into_its_answer(settings):
    settings.ROOT_URLCONF = __name__
    settings.ALLOWED_HOSTS = ["localhost"]

    status, body = await get(SyncChainASGIHandler(), "/api/down/")

    assert status == 503
    assert b"database_unavailable" in body
