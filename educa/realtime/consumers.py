"""Socket plumbing shared by every Educa consumer, and the user's own stream.

Close codes (documented in the README):
- 4403: the user may no longer use this socket (unenrolled, removed from the
  room, deactivated): do not reconnect.
- 4429: abusive flood of frames (wait before reconnecting).
- 4500: the live feed (Redis) failed under the socket; reconnect with
  `?after=` and the missed frames are replayed from the database.
"""

import logging
import time
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from educa.ops.logs import log_websocket
from educa.realtime import fanout
from educa.realtime.fanout import Event, frame_text
from educa.realtime.frames import (
    ProtocolError,
    error_frame,
    heartbeat_frame,
    parse_json_object,
    pong_frame,
    unread_frame,
)
from educa.realtime.groups import user_group
from educa.realtime.selectors import (
    notification_frame,
    notifications_after,
    unread_notification_count,
)

logger = logging.getLogger(__name__)

CLOSE_NOT_MEMBER = 4403
CLOSE_FLOOD = 4429
CLOSE_LAYER_DOWN = 4500
CLOSE_INTERNAL_ERROR = 1011
# User-stream events for the sockets themselves, never passed to clients.
ACCESS_CHANGED = "access_changed"  # {"course_id"}: check access again
ACCESS_REVOKED = "access_revoked"  # the user was deactivated
SOCKET_EVENTS = frozenset({ACCESS_CHANGED, ACCESS_REVOKED})


def after_param(scope: dict, name: str = "after") -> int | None:
    """`?after=<id>` (or `?<name>=`): a non-negative integer, or None when
    absent.

    Raises ValueError when present but not such an integer.
    """
    for part in scope.get("query_string", b"").decode("latin1").split("&"):
        key, _, value = part.partition("=")
        if key == name:
            after = int(value)
            if after < 0:
                raise ValueError(value)
            return after
    return None


class LiveConsumer(AsyncWebsocketConsumer):
    """JSON frames, the worker's fan-out, a frame-flood guard, the heartbeat,
    and a documented close when the live feed fails.

    Whatever happens inside, a socket that ends leaves its groups (and, for
    subclasses, their presence): `leave` runs on every way out.
    """

    groups_joined: tuple[str, ...] = ()
    frame_window = (0, 0)

    async def __call__(self, scope, receive, send):
        try:
            await super().__call__(scope, receive, send)
        except OSError:
            # The client went away while a frame was on its way to it.
            logger.debug("client gone", exc_info=True)
        except Exception:
            logger.exception("socket failed")
            # Leave before the close goes out: a client that reconnects at
            # once must not find its old socket still present.
            await self.leave()
            try:
                await send({"type": "websocket.close", "code": CLOSE_INTERNAL_ERROR})
            except Exception:
                logger.debug("could not close a failed socket", exc_info=True)
        finally:
            await self.leave()

    async def listen(self, *groups: str) -> None:
        """Subscribe to `groups` (the user's own stream is always one)."""
        groups = (*groups, user_group(self.scope["user"].pk))
        await fanout.subscribe(self, groups)
        self.groups_joined = groups

    async def start(self) -> None:
        await self.accept()
        log_websocket("connect", self.scope)

    async def send_json(self, frame: dict[str, Any]) -> None:
        await self.send(text_data=frame_text(frame))

    async def send_error(self, code: str, detail: str) -> None:
        await self.send_json(error_frame(code, detail))

    async def heartbeat(self) -> None:
        await self.send_json(heartbeat_frame(settings.WS_HEARTBEAT_SECONDS))

    async def fanout_failed(self) -> None:
        self.groups_joined = ()
        await self.close(code=CLOSE_LAYER_DOWN)

    async def deliver(self, event: Event) -> None:
        """An event of one of this socket's groups."""
        kind = event.frame.get("type")
        if kind == ACCESS_REVOKED:
            await self.close(code=CLOSE_NOT_MEMBER)
        elif kind == ACCESS_CHANGED:
            await self.access_changed(event.frame)
        else:
            await self.pass_on(event)

    async def access_changed(self, frame: dict[str, Any]) -> None:
        """What the user may see changed (e.g. they unenrolled)."""

    async def pass_on(self, event: Event) -> None:
        await self.send(text_data=event.text)

    def flooding(self) -> bool:
        """True when this socket sent more frames this second than any client
        should (the setting WS_MAX_FRAMES_PER_SECOND)."""
        second = int(time.monotonic())
        start, count = self.frame_window
        count = count + 1 if start == second else 1
        self.frame_window = (second, count)
        return count > settings.WS_MAX_FRAMES_PER_SECOND

    async def receive(self, text_data: str | None = None, bytes_data=None) -> None:
        if self.flooding():
            await self.close(code=CLOSE_FLOOD)
            return
        try:
            await self.receive_frame(text_data)
        except OSError:
            raise  # the client went away: there is no one to answer
        except Exception:
            # A bug must cost the client one frame, never the socket.
            logger.exception("socket frame failed")
            await self.send_error("internal_error", "The frame could not be handled.")

    async def receive_frame(self, text_data: str | None) -> None:
        raise NotImplementedError

    async def leave(self) -> None:
        """Undo what connecting did (safe to call more than once)."""
        groups, self.groups_joined = self.groups_joined, ()
        if groups:
            try:
                await fanout.unsubscribe(self, groups)
            except Exception:
                logger.debug("could not unsubscribe a socket", exc_info=True)

    async def websocket_disconnect(self, message: dict[str, Any]) -> None:
        log_websocket("disconnect", self.scope, code=message.get("code"))
        await self.leave()
        await super().websocket_disconnect(message)


class RealtimeConsumer(LiveConsumer):
    """`ws/realtime/`: the signed-in user's notifications and unread counts.

    `?after=<notification id>` first replays the stored notifications after
    that id, oldest first; the stream is subscribed before reading them, so
    none is lost in between. Subclasses add groups (`stream_groups`) and
    frames sent once the stream is open (`opened`).
    """

    replayed_up_to = 0

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
        await self.start()
        try:
            await self.listen(*await self.stream_groups())
        except Exception:
            logger.warning("live feed unreachable at connect", exc_info=True)
            await self.close(code=CLOSE_LAYER_DOWN)
            return
        backlog, unread = await database_sync_to_async(self.backlog)(user.pk, after)
        for frame in backlog:
            await self.send_json(frame)
            self.replayed_up_to = frame["id"]
        await self.send_json(unread_frame(unread))
        await self.opened()

    async def stream_groups(self) -> tuple[str, ...]:
        """Groups this stream hears besides the user's own."""
        return ()

    async def opened(self) -> None:
        """The stream is subscribed and caught up."""

    @staticmethod
    def backlog(user_id: int, after: int | None) -> tuple[list[dict], int]:
        unread = unread_notification_count(user_id)
        if after is None:
            return [], unread
        return [
            notification_frame(notification, unread=unread)
            for notification in notifications_after(user_id, after)
        ], unread

    async def receive_frame(self, text_data: str | None) -> None:
        try:
            frame = parse_json_object(text_data)
        except ProtocolError as error:
            await self.send_error(error.code, error.detail)
            return
        if frame.get("type") == "ping":
            await self.send_json(pong_frame())
        else:
            await self.send_error(
                "unknown_type", 'This stream only accepts {"type": "ping"}.'
            )

    async def pass_on(self, event: Event) -> None:
        frame = event.frame
        if frame.get("type") == "notification" and frame["id"] <= self.replayed_up_to:
            return
        await super().pass_on(event)
