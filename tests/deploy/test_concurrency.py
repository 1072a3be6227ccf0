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


async def run_all(limit: int, paths: list[str]) -> tuple[list[str], SlowApp]:
    """Send every path at once through the bound; return which had started
    while the first ones were still running, and the app behind the bound."""
    inner = SlowApp()
    app = ConcurrencyLimit(inner, limit=limit)
    calls = [
        asyncio.create_task(app({"type": "http", "path": path}, None, None))
        for path in paths
    ]
    await asyncio.sleep(0.01)
    started_while_held = list(inner.started)
    inner.release.set()
    await asyncio.gather(*calls)
    return started_while_held, inner


@pytest.mark.asyncio
async def test_requests_beyond_the_limit_wait_and_start_in_arrival_order():
    started_while_held, inner = await run_all(2, [f"/{n}/" for n in range(5)])

    assert started_while_held == ["/0/", "/1/"]
    assert inner.started == ["/0/", "/1/", "/2/", "/3/", "/4/"]
    assert inner.most_running == 2


@pytest.mark.asyncio
async def test_health_probes_never_wait_behind_requests():
    started_while_held, _ = await run_all(1, ["/api/courses/", "/healthz", "/readyz"])

    assert started_while_held == ["/api/courses/", "/healthz", "/readyz"]


@pytest.mark.asyncio
async def test_a_limit_of_zero_runs_every_request_at_once():
    _, inner = await run_all(0, [f"/{n}/" for n in range(5)])

    assert inner.most_running == 5


def test_the_asgi_worker_keeps_what_it_loaded_out_of_garbage_collection():
    import educa.asgi  # noqa: F401

    assert gc.get_freeze_count() > 10_000
