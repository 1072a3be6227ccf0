"""A bound on how many HTTP requests one worker runs at once.

Django runs each ASGI request's view in a thread of its own, so a worker
takes on every request that arrives and they all share one interpreter
lock: under load each request is slowed by all the others, and the slowest
wait several times the average. With HTTP_MAX_CONCURRENCY = N, N requests
run and the others wait their turn in arrival order, which keeps the tail
close to the average (bench/README.md has the figures). Health probes never
wait.
"""

import asyncio
from weakref import WeakKeyDictionary

PROBES = frozenset({"/healthz", "/readyz"})


class ConcurrencyLimit:
    def __init__(self, app, limit: int) -> None:
        self.app = app
        self.limit = limit
        # A semaphore belongs to one event loop; a process may run several
        # (tests do), one after another.
        self._semaphores: WeakKeyDictionary = WeakKeyDictionary()

    async def __call__(self, scope, receive, send) -> None:
        if not self.limit or scope["path"] in PROBES:
            await self.app(scope, receive, send)
            return
        loop = asyncio.get_running_loop()
        semaphore = self._semaphores.get(loop)
        if semaphore is None:
            semaphore = self._semaphores[loop] = asyncio.Semaphore(self.limit)
        async with semaphore:
            await self.app(scope, receive, send)
