"""WebSocket paths that no route serves."""

from collections.abc import Awaitable, Callable
from typing import Any

from django.urls import re_path

from educa.ops.logs import log_websocket

Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


async def refuse_unknown_path(scope: dict, receive: Receive, send: Send) -> None:
    """Refuse the handshake: HTTP 404 where the server can send one (uvicorn's
    `websocket.http.response` extension), else a close before accept (403).

    Channels' URLRouter raises ValueError for a path without a route, which
    uvicorn answered with a 500 and a logged traceback.
    """
    message = await receive()
    if message["type"] != "websocket.connect":
        return
    log_websocket("reject", scope)
    if "websocket.http.response" in scope.get("extensions", {}):
        await send(
            {
                "type": "websocket.http.response.start",
                "status": 404,
                "headers": [(b"content-type", b"text/plain; charset=utf-8")],
            }
        )
        await send({"type": "websocket.http.response.body", "body": b"Not found."})
    else:
        await send({"type": "websocket.close"})


# Last in a URLRouter: matches every path the routes before it did not.
unknown_path = re_path(r"", refuse_unknown_path)
