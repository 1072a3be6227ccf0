"""The per-worker bound on concurrent HTTP requests, and what the worker keeps
out of the garbage collector."""

import asyncio
import gc

import pytest

from educa.ops.concurrency import ConcurrencyLimit


class SlowApp:
    """Records how many requests run at once and in which order they start."""

    def __init__(self) -> None:
        self.running = 0
        self.most_running = 0
        self.started: list[str] = []
        self.release = asyncio.Event()

    async def __call__(self, scope, receive, send) -> None:
        self.running += 1
        self.most_running = max(self.most_running, self.running)
        self.started.append(scope["path"])
        await self.release.wait()
        self.running -= 1


async def _call(app, path: str) -> None:
    await app({"type": "http", "path": path}, None, None)


@pytest.mark.asyncio
async def test_requests_beyond_the_limit_wait_and_start_in_arrival_order():
    inner = SlowApp()
    app = ConcurrencyLimit(inner, limit=2)

    calls = [asyncio.create_task(_call(app, f"/{n}/")) for n in range(5)]
    await asyncio.sleep(0.01)
    started_while_blocked = list(inner.started)
    inner.release.set()
    await asyncio.gather(*calls)

    assert started_while_blocked == ["/0/", "/1/"]
    assert inner.started == ["/0/", "/1/", "/2/", "/3/", "/4/"]
    assert inner.most_running == 2


@pytest.mark.asyncio
async def test_health_probes_never_wait_behind_requests():
    inner = SlowApp()
    app = ConcurrencyLimit(inner, limit=1)

    busy = asyncio.create_task(_call(app, "/api/courses/"))
    probes = [asyncio.create_task(_call(app, path)) for path in ("/healthz", "/readyz")]
    await asyncio.sleep(0.01)
    started_while_busy = list(inner.started)
    inner.release.set()
    await asyncio.gather(busy, *probes)

    assert started_while_busy == ["/api/courses/", "/healthz", "/readyz"]


@pytest.mark.asyncio
async def test_a_limit_of_zero_runs_every_request_at_once():
    inner = SlowApp()
    app = ConcurrencyLimit(inner, limit=0)

    calls = [asyncio.create_task(_call(app, f"/{n}/")) for n in range(5)]
    await asyncio.sleep(0.01)
    inner.release.set()
    await asyncio.gather(*calls)

    assert inner.most_running == 5


def test_the_asgi_worker_keeps_what_it_loaded_out_of_garbage_collection():
    import educa.asgi  # noqa: F401

    assert gc.get_freeze_count() > 10_000
