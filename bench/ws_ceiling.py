"""The ceiling for bench/ws_fanout.py: a minimal broadcast server written
directly on the `websockets` library, with no auth, storage or channel layer.

Every text frame `{"message": ...}` is broadcast to every connected client as
a `chat_message` frame shaped like Educa's. Run: `python bench/ws_ceiling.py PORT`.
"""

import asyncio
import itertools
import json
import sys

from websockets.asyncio.server import broadcast, serve

clients = set()
ids = itertools.count(1)


async def handler(websocket) -> None:
    clients.add(websocket)
    try:
        async for raw in websocket:
            data = json.loads(raw)
            frame = {
                "type": "chat_message",
                "id": next(ids),
                "message": data["message"],
                "client_id": data.get("client_id"),
            }
            broadcast(clients, json.dumps(frame))
    finally:
        clients.discard(websocket)


async def main(port: int) -> None:
    async with serve(handler, "127.0.0.1", port, max_queue=None):
        await asyncio.get_running_loop().create_future()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
