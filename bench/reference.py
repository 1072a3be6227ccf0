"""The benchmark's ASGI entry point: `/bench/raw/` is answered before Django.

Everything else goes to Educa's ASGI application (with `bench.urls`, which
adds `/bench/django/`), so both references run on the same uvicorn worker as
the endpoints they are compared with.
"""

import os

from bench import variants
from bench.payload import PAYLOAD

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
variants.apply_before_django()

from educa.asgi import application as educa_application  # noqa: E402

variants.apply_after_django()

_HEADERS = [
    (b"content-type", b"application/json"),
    (b"content-length", str(len(PAYLOAD)).encode()),
]


async def application(scope, receive, send) -> None:
    if scope["type"] == "http" and scope["path"] == "/bench/raw/":
        await send({"type": "http.response.start", "status": 200, "headers": _HEADERS})
        await send({"type": "http.response.body", "body": PAYLOAD})
        return
    await educa_application(scope, receive, send)
