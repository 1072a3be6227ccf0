"""ASGI entry point: `uvicorn educa.asgi:application`.

HTTP goes to Django (one thread hop per request, threads reused: educa/ops/asgi.py);
WebSockets pass the origin check (ALLOWED_HOSTS), then authentication
(session cookie or `?token=<JWT>`), then the routes.
"""

import contextvars
import gc
import os

import django

from educa.ops.asgi import ASGIHandler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "educa.settings")

# Django must be set up before anything imports models.
django.setup(set_prefix=False)
django_asgi_app = ASGIHandler()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402
from django.urls import get_resolver  # noqa: E402

from educa.accounts.websocket_auth import websocket_auth  # noqa: E402
from educa.chat.routing import websocket_urlpatterns as chat_routes  # noqa: E402
from educa.graphql.routing import (  # noqa: E402
    websocket_urlpatterns as graphql_routes,
)
from educa.ops.concurrency import ConcurrencyLimit  # noqa: E402
from educa.ops.logs import redact_tokens_in_server_logs  # noqa: E402
from educa.ops.sockets import unknown_path  # noqa: E402

redact_tokens_in_server_logs()
application = ProtocolTypeRouter(
    {
        "http": ConcurrencyLimit(django_asgi_app, settings.HTTP_MAX_CONCURRENCY),
        "websocket": AllowedHostsOriginValidator(
            websocket_auth(URLRouter([*chat_routes, *graphql_routes, unknown_path]))
        ),
    }
)

# Import every view and build the map `reverse` reads now rather than on the
# first request or chat message (16 ms of it), then keep all that was loaded
# (it lives as long as the worker) out of the garbage collector's full
# passes: they took tens of milliseconds each, landing on whichever requests
# were running (bench/README.md). The map is built in a context of its own:
# each URL resolver marks itself in an asgiref Local while it builds, and
# left in this context those 34 marks would be in every connection's, which
# every sync_to_async call copies to its thread and back.
contextvars.copy_context().run(lambda: get_resolver().reverse_dict)
gc.freeze()
