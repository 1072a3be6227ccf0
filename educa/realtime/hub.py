"""One channel-layer subscription per room per worker, shared by the room's
sockets on that worker.

A room's events used to reach each socket through a channel of its own: the
layer queued every event once per socket, and each socket's task woke up,
decoded it and relayed it. A hub receives each event once and hands it to
every local socket of the room in one pass (`socket.deliver(event)`), which
is what lets one worker fan a message out to hundreds of sockets.

A socket joins its room's hub before it reads its backlog, so nothing
published after that read is missed; it holds what the hub hands it while
it replays the backlog or answers its own frame (see ChatConsumer.deliver).
"""

import asyncio
import contextlib
import logging
from typing import Any, Protocol
from weakref import WeakKeyDictionary

from channels.layers import get_channel_layer

from educa.realtime.groups import room_group

logger = logging.getLogger(__name__)


class RoomSocket(Protocol):
    async def deliver(self, event: dict[str, Any]) -> None: ...

    async def layer_failed(self) -> None: ...


class RoomHub:
    def __init__(self, group: str) -> None:
        self.group = group
        # Insertion-ordered: sockets hear each event in the order they joined.
        self.sockets: dict[RoomSocket, None] = {}
        self.channel = ""
        self.subscribed = asyncio.ensure_future(self.subscribe())
        self.relaying: asyncio.Task | None = None

    async def subscribe(self) -> None:
        layer = get_channel_layer()
        self.channel = await layer.new_channel()
        await layer.group_add(self.group, self.channel)
        self.relaying = asyncio.create_task(self.relay())

    async def relay(self) -> None:
        layer = get_channel_layer()
        try:
            while True:
                event = await layer.receive(self.channel)
                for socket in list(self.sockets):
                    await self.deliver(socket, event)
        except Exception:
            # The layer failed under the room: its sockets reconnect with
            # `?after=` and replay what they missed, through a new hub.
            logger.warning("channel layer failed under %s", self.group, exc_info=True)
            _forget(self)
            for socket in list(self.sockets):
                with contextlib.suppress(Exception):
                    await socket.layer_failed()

    async def deliver(self, socket: RoomSocket, event: dict[str, Any]) -> None:
        try:
            await socket.deliver(event)
        except Exception:
            # One socket going away must not cost the others the event.
            logger.debug(
                "could not deliver to a socket of %s", self.group, exc_info=True
            )

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self.subscribed
        if self.relaying is not None:
            self.relaying.cancel()
        if self.channel:
            with contextlib.suppress(Exception):
                await get_channel_layer().group_discard(self.group, self.channel)


_hubs: WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, RoomHub]] = (
    WeakKeyDictionary()
)


def _loop_hubs() -> dict[str, RoomHub]:
    return _hubs.setdefault(asyncio.get_running_loop(), {})


def _forget(hub: RoomHub) -> None:
    hubs = _loop_hubs()
    if hubs.get(hub.group) is hub:
        del hubs[hub.group]


async def join(room_id: int, socket: RoomSocket) -> None:
    """Add the socket to its room's hub, subscribing the worker to the room
    first if it is the room's first socket here. Returns once subscribed."""
    group = room_group(room_id)
    hubs = _loop_hubs()
    hub = hubs.get(group)
    if hub is None:
        hub = hubs[group] = RoomHub(group)
    hub.sockets[socket] = None
    try:
        await asyncio.shield(hub.subscribed)
    except BaseException:
        await leave(room_id, socket)
        raise


async def leave(room_id: int, socket: RoomSocket) -> None:
    """Take the socket out; the room's last socket here unsubscribes."""
    group = room_group(room_id)
    hub = _loop_hubs().get(group)
    if hub is None or socket not in hub.sockets:
        return
    del hub.sockets[socket]
    if not hub.sockets:
        _forget(hub)
        await hub.close()
