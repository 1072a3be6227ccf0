"""Django's ASGI handler, entering the middleware chain and the view in one thread hop.

For ASGI Django builds the chain around an async core. Here WhiteNoise and
CourseSubdomainMiddleware are sync only, so a request used to go from the
event loop into a thread for the outer middleware, back to the loop at the
first async-capable one, and into the thread again for the (sync) view:
three loop↔thread round trips on top of the request's start and close. All
of Educa's views are sync, so this handler builds the chain in sync mode and
enters it once, in the request's own thread as before (bench/README.md
measured 20 to 40 % more requests/s).
"""

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler


class SyncChainASGIHandler(ASGIHandler):
    def load_middleware(self, is_async: bool = False) -> None:
        super().load_middleware(is_async=False)
        self._middleware_chain = sync_to_async(
            self._middleware_chain, thread_sensitive=True
        )
