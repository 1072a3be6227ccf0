"""Django's ASGI handler without two of its per-request costs.

- One thread hop for the middleware chain and the view. For ASGI Django
  builds the chain around an async core. Here WhiteNoise and
  CourseSubdomainMiddleware are sync only, so a request went from the event
  loop into a thread for the outer middleware, back to the loop at the first
  async-capable one, and into the thread again for the (sync) view: three
  loop↔thread round trips. All of Educa's views are sync, so the chain is
  built in sync mode and entered once.
- No new thread per request. Django gives each request a thread-sensitive
  context of its own, so its sync code stays on one thread, but asgiref then
  starts a thread for it and joins it afterwards. The request still gets a
  thread to itself, borrowed from the threads earlier requests have finished
  with.

Both rest on Django's private `_middleware_chain` and on what its own
`__call__` does; tests/deploy/test_asgi.py fails when either changes. Kept
because Django's own handler answered 0.50-0.60 times as many cached
`contents` requests a second, at 1.5-1.6 times the CPU per request, in the
same run (bench/README.md, "Framework parts kept").
"""

from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import ThreadSensitiveContext, sync_to_async
from django.core.handlers import asgi

# Threads kept between requests: as many as requests ran at once, up to this.
# In production HTTP_MAX_CONCURRENCY bounds that well below it.
MAX_IDLE_THREADS = 16


class ASGIHandler(asgi.ASGIHandler):
    def __init__(self) -> None:
        super().__init__()
        # Only the event loop's thread takes and returns executors.
        self._idle: list[ThreadPoolExecutor] = []

    def load_middleware(self, is_async: bool = False) -> None:
        super().load_middleware(is_async=False)
        self._middleware_chain = sync_to_async(
            self._middleware_chain, thread_sensitive=True
        )

    @staticmethod
    def _new_thread() -> ThreadPoolExecutor:
        return ThreadPoolExecutor(max_workers=1, thread_name_prefix="request")

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            raise ValueError(f"Django only serves HTTP, not {scope['type']}.")
        executor = self._idle.pop() if self._idle else self._new_thread()
        try:
            async with ThreadSensitiveContext(executor=executor):
                await self.handle(scope, receive, send)
        finally:
            if len(self._idle) < MAX_IDLE_THREADS:
                self._idle.append(executor)
            else:
                executor.shutdown(wait=False)
