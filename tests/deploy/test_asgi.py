"""Educa's ASGI handler: the middleware chain and the view in one thread hop,
on threads that earlier requests have finished with."""

import asyncio
import inspect
import threading

import pytest
from asgiref.sync import AsyncToSync, ThreadSensitiveContext, iscoroutinefunction
from channels.testing import HttpCommunicator
from django.core.handlers.asgi import ASGIHandler as DjangoASGIHandler
from django.core.handlers.base import BaseHandler
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.urls import path

from educa.ops import asgi
from educa.ops.asgi import ASGIHandler


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("hello")


def database_down(request: HttpRequest) -> HttpResponse:
    raise OperationalError("connection refused")


threads: list[threading.Thread] = []
together = threading.Barrier(3, timeout=5)


def record_thread(request: HttpRequest) -> HttpResponse:
    threads.append(threading.current_thread())
    return HttpResponse("recorded")


def wait_for_two_others(request: HttpRequest) -> HttpResponse:
    together.wait()  # raises, so answers 500, unless 3 requests run at once
    return record_thread(request)


urlpatterns = [
    path("hello/", hello),
    path("api/down/", database_down),
    path("thread/", record_thread),
    path("together/", wait_for_two_others),
]


@pytest.fixture
def test_urls(settings):
    settings.ROOT_URLCONF = __name__
    settings.ALLOWED_HOSTS = ["localhost"]
    threads.clear()
    together.reset()


async def get(handler: DjangoASGIHandler, path: str) -> tuple[int, bytes]:
    communicator = HttpCommunicator(
        handler, "GET", path, headers=[(b"host", b"localhost")]
    )
    response = await communicator.get_response(timeout=5)
    await communicator.wait()  # the handler has closed the response
    return response["status"], response["body"]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("handler_class", "returns_to_the_loop"),
    [(DjangoASGIHandler, 1), (ASGIHandler, 0)],
    ids=["django", "educa"],
)
async def test_a_request_goes_from_middleware_to_view_without_leaving_its_thread(
    handler_class, returns_to_the_loop, test_urls, monkeypatch
):
    """Django's own handler hops back to the event loop inside the chain
    (Educa has sync-only middleware); Educa's handler never does."""
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
async def test_middleware_still_turns_a_view_error_into_its_answer(test_urls):

    status, body = await get(ASGIHandler(), "/api/down/")

    assert status == 503
    assert b"database_unavailable" in body


@pytest.mark.asyncio
async def test_requests_one_after_another_reuse_one_thread(test_urls):
    handler = ASGIHandler()

    for _ in range(3):
        assert await get(handler, "/thread/") == (200, b"recorded")

    assert len(set(threads)) == 1


async def three_at_once(handler: ASGIHandler) -> list[threading.Thread]:
    threads.clear()
    answers = await asyncio.gather(*(get(handler, "/together/") for _ in range(3)))
    assert answers == [(200, b"recorded")] * 3
    return list(threads)


@pytest.mark.asyncio
async def test_requests_at_the_same_time_each_get_a_thread(test_urls):
    assert len(set(await three_at_once(ASGIHandler()))) == 3


@pytest.mark.asyncio
async def test_threads_beyond_the_idle_limit_are_let_go(test_urls, monkeypatch):
    monkeypatch.setattr(asgi, "MAX_IDLE_THREADS", 1)
    handler = ASGIHandler()

    first = await three_at_once(handler)
    second = await three_at_once(handler)

    assert len(set(first) & set(second)) == 1
    assert sum(thread.is_alive() for thread in set(first) - set(second)) == 0


def test_django_still_works_the_way_educas_handler_relies_on():
    """educa/ops/asgi.py rebuilds `_middleware_chain` (a private name) in
    sync mode and enters ThreadSensitiveContext with an executor of its own.
    When any of this changes upstream, this fails: re-measure the override
    (bench/overrides.py, BENCH_ASGI=django) before adapting it."""
    handler = DjangoASGIHandler()

    # ASGIHandler builds the chain in load_middleware, as an async callable...
    assert iscoroutinefunction(handler._middleware_chain)
    # ...awaited once per request by get_response_async...
    assert "await self._middleware_chain(request)" in inspect.getsource(
        BaseHandler.get_response_async
    )
    # ...and __call__ does nothing but run handle() in a ThreadSensitiveContext,
    # which Educa's __call__ does with a reused executor.
    call = inspect.getsource(DjangoASGIHandler.__call__)
    assert "async with ThreadSensitiveContext():" in call
    assert "await self.handle(scope, receive, send)" in call
    assert "executor" in inspect.signature(ThreadSensitiveContext).parameters
