"""Subscriptions as listeners of the worker's one fan-out (realtime/fanout.py).

A subscription is one more listener of the `room.<id>` / `user.<id>` groups,
exactly like a socket: it subscribes first, then replays what is stored
after the client's cursor, then passes on live events, skipping those it
already replayed, so each item arrives once and in order (the chat socket's
`?after=` contract).
"""

import asyncio
import logging
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterable
from typing import Any

from channels.db import database_sync_to_async

from educa.realtime import fanout
from educa.realtime.consumers import (
    ACCESS_CHANGED,
    ACCESS_REVOKED,
    CLOSE_LAYER_DOWN,
    CLOSE_NOT_MEMBER,
)
from educa.realtime.fanout import Event

logger = logging.getLogger(__name__)

Frame = dict[str, Any]
PING = '{"type":"ping"}'


class Feed:
    """One subscription's listener: the events of its groups, queued in the
    order the worker heard them. When the worker's live feed breaks, or the
    user is deactivated, the whole socket closes (4500 / 4403), as every
    socket does."""

    def __init__(self, socket) -> None:
        self.socket = socket
        self.queue: asyncio.Queue = asyncio.Queue()

    async def deliver(self, event: Event) -> None:
        if event.frame.get("type") == ACCESS_REVOKED:
            await self.socket.close(code=CLOSE_NOT_MEMBER)
        else:
            self.queue.put_nowait(event.frame)

    async def fanout_failed(self) -> None:
        await self.socket.close(code=CLOSE_LAYER_DOWN)

    async def heartbeat(self) -> None:
        """Every WS_HEARTBEAT_SECONDS (the worker's one timer): a protocol
        `ping`, which clients answer with `pong`, so proxies see traffic and
        clients can tell a dead link."""
        await self.socket.send(text_data=PING)


async def replay_then_live(
    *,
    socket,
    groups: Iterable[str],
    kind: str,
    after: int | None,
    backlog: Callable[[int], list[Frame]],
    access_changed: Callable[[Frame], Awaitable[None]] | None = None,
) -> AsyncGenerator[Frame, None]:
    """Frames of type `kind`: those `backlog(after)` replays (in batches,
    oldest first; none without `after`), then live ones with higher ids.

    `access_changed(frame)` runs when the user's access changes and raises to
    end the subscription when it must.
    """
    feed = Feed(socket)
    groups = list(groups)
    try:
        await fanout.subscribe(feed, groups)
    except Exception:
        # Redis unreachable: as every socket, close so the client comes
        # back later with its cursor.
        logger.warning("live feed unreachable at subscribe", exc_info=True)
        await socket.close(code=CLOSE_LAYER_DOWN)
        return
    try:
        sent = 0
        while after is not None:
            frames = await database_sync_to_async(backlog)(after)
            for frame in frames:
                yield frame
            after = frames[-1]["id"] if frames else None
            sent = after or sent
        while True:
            frame = await feed.queue.get()
            event = frame.get("type")
            if event == kind and frame["id"] > sent:
                sent = frame["id"]
                yield frame
            elif event == ACCESS_CHANGED and access_changed is not None:
                await access_changed(frame)
    finally:
        await fanout.unsubscribe(feed, groups)
