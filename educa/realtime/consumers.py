"""Socket plumbing shared by every Educa consumer, and the user's own stream.

Close codes (documented in the README):
- 4403: the user is no longer a member of the room (do not reconnect).
- 4429: abusive flood of frames (wait before reconnecting).
- 4500: the channel layer failed under the socket; reconnect with `?after=`
  and the missed frames are replayed from the database.
"""

import asyncio
import contextlib
import json
import logging
import time
from typing import Any

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from redis.exceptions import RedisError

from educa.ops.logs import log_websocket
from educa.realtime.groups import frame_text, user_group
from educa.realtime.selectors import (
    notification_frame,
    notifications_after,
    unread_notification_count,
)

logger = logging.getLogger(__name__)

CLOSE_NOT_MEMBER = 4403
CLOSE_FLOOD = 4429
CLOSE_LAYER_DOWN = 4500
LAYER_ERRORS = (RedisError, OSError)
RELAY_EVENTS = frozenset({"user.event", "heartbeat"})


def error_frame(code: str, detail: str) -> dict[str, str]:
    return {"type": "error", "code": code, "detail": detail}


def after_param(scope: dict) -> int | None:
    """`?after=<id>`: a non-negative integer, or None when absent.

    Raises ValueError when present but not such an integer.
    """
    for part in scope.get("query_string", b"").decode("latin1").split("&"):
        name, _, value = part.partition("=")
        if name == "after":
            after = int(value)
            if after < 0:
                raise ValueError(value)
            return after
    return None


class LiveConsumer(AsyncWebsocketConsumer):
    """JSON frames, an application heartbeat through the channel layer, a
    frame-flood guard, and a documented close when the layer fails."""

    heartbeat_task: asyncio.Task | None = None
    joined: tuple[str, ...] = ()

    async def __call__(self, scope, receive, send):
        try:
            await super().__call__(scope, receive, send)
        except RedisError:
            logger.warning("channel layer failed under a socket", exc_info=True)
            await self.leave()
            with contextlib.suppress(Exception):
                await send({"type": "websocket.close", "code": CLOSE_LAYER_DOWN})
        except OSError:
            # The client went away while a frame was on its way to it.
            await self.leave()

    async def dispatch(self, message: dict[str, Any]) -> None:
        # Channels closes stale database connections before every handler,
        # which costs a hop to the database thread. Layer events only relay
        # frames and never touch the database; skipping that hop for them
        # is what lets one worker fan a message out to hundreds of sockets.
        if message["type"] in RELAY_EVENTS:
            await getattr(self, get_handler_name(message))(message)
        else:
            await super().dispatch(message)

    async def join(self, *groups: str) -> None:
        for group in groups:
            await self.channel_layer.group_add(group, self.channel_name)
        self.joined = (*self.joined, *groups)

    async def start(self) -> None:
        """Accept the socket and start the heartbeat."""
        self.frame_window = (0, 0)
        await self.accept()
        log_websocket("connect", self.scope)
        self.heartbeat_task = asyncio.create_task(self.beat())

    async def send_json(self, frame: dict[str, Any]) -> None:
        await self.send(text_data=frame_text(frame))

    async def relay(self, event: dict[str, Any]) -> None:
        """Pass a group event's frame on, as encoded once by its sender."""
        await self.send(text_data=event["text"])

    async def send_error(self, code: str, detail: str) -> None:
        await self.send_json(error_frame(code, detail))

    async def beat(self) -> None:
        # The beat travels through the channel layer, so it arriving proves
        # both the client link and the layer are alive.
        interval = settings.WS_HEARTBEAT_SECONDS
        while True:
            await asyncio.sleep(interval)
            try:
                await self.channel_layer.send(self.channel_name, {"type": "heartbeat"})
            except LAYER_ERRORS:
                logger.warning("channel layer unreachable from heartbeat")
                await self.close(code=CLOSE_LAYER_DOWN)
                return

    async def heartbeat(self, event: dict[str, Any]) -> None:
        await self.send_json(
            {"type": "heartbeat", "interval": settings.WS_HEARTBEAT_SECONDS}
        )

    def stop_heartbeat(self) -> None:
        if self.heartbeat_task is not None:
            self.heartbeat_task.cancel()
            self.heartbeat_task = None

    def flooding(self) -> bool:
        """True when this socket sent more frames this second than any client
        should (the setting WS_MAX_FRAMES_PER_SECOND)."""
        second = int(time.monotonic())
        start, count = self.frame_window
        count = count + 1 if start == second else 1
        self.frame_window = (second, count)
        return count > settings.WS_MAX_FRAMES_PER_SECOND

    async def leave(self) -> None:
        """Undo what connecting did (safe to call more than once)."""
        self.stop_heartbeat()
        joined, self.joined = self.joined, ()
        for group in joined:
            with contextlib.suppress(*LAYER_ERRORS):
                await self.channel_layer.group_discard(group, self.channel_name)

    async def websocket_disconnect(self, message: dict[str, Any]) -> None:
        log_websocket("disconnect", self.scope, code=message.get("code"))
        await self.leave()
        await super().websocket_disconnect(message)


class RealtimeConsumer(LiveConsumer):
    """`ws/realtime/`: the signed-in user's notifications and unread counts.

    `?after=<notification id>` first replays the stored notifications after
    that id, oldest first; the group is joined before reading them, so none
    is lost in between.
    """

    async def connect(self) -> None:
        user = self.scope["user"]
        if not user.is_authenticated:
            await self.close()
            return
        try:
            after = after_param(self.scope)
        except ValueError:
            await self.close()
            return
        self.replayed_up_to = 0
        await self.join(user_group(user.pk))
        await self.start()
        backlog, unread = await database_sync_to_async(self.backlog)(user.pk, after)
        for frame in backlog:
            await self.send_json(frame)
            self.replayed_up_to = frame["id"]
        await self.send_json({"type": "unread", "unread": unread})

    @staticmethod
    def backlog(user_id: int, after: int | None) -> tuple[list[dict], int]:
        unread = unread_notification_count(user_id)
        if after is None:
            return [], unread
        return [
            notification_frame(notification, unread=unread)
            for notification in notifications_after(user_id, after)
        ], unread

    async def receive(self, text_data: str | None = None, bytes_data=None) -> None:
        if self.flooding():
            await self.close(code=CLOSE_FLOOD)
            return
        try:
            frame = json.loads(text_data or "")
        except ValueError:
            await self.send_error("invalid_json", "Frames must be JSON objects.")
            return
        if not isinstance(frame, dict):
            await self.send_error("invalid_frame", "Frames must be JSON objects.")
        elif frame.get("type") == "ping":
            await self.send_json({"type": "pong"})
        else:
            await self.send_error(
                "unknown_type", 'This stream only accepts {"type": "ping"}.'
            )

    async def user_event(self, event: dict[str, Any]) -> None:
        if event["kind"] == "notification" and event["id"] <= self.replayed_up_to:
            return
        await self.relay(event)
