"""`ws/chat/room/<course_id>/` and `ws/chat/<room_id>/`: live chat.

Only the room's people get past the handshake (`room_for`). The socket
subscribes to its room (and its user's stream) before it replays the backlog
(`?after=<message id>`, and with `?changes=<change number>` the edits and
deletions of the messages the client had), holds live events while it
replays, and skips live messages and changes it already replayed, so a
reconnecting client misses nothing and sees nothing twice. Every message is
stored before anyone hears of it, and a room's messages (and changes) arrive
in id (change) order on every worker (chat/services.py, chat/editing.py).

When the user's access changes (they unenrolled, or were deactivated) their
stream says so, and the socket checks again: refused, it closes with 4403.

`ws/realtime/` (UserStreamConsumer) is the user's own stream: their
notifications and unread counts, and the messages of every room they may
use, so room lists and the header's counts move live on every page.
"""

import logging
import uuid
from collections import deque
from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError

from educa.accounts.models import User
from educa.chat.access import message_for, room_for
from educa.chat.editing import MessageChangeRefused, delete_message, edit_message
from educa.chat.models import Message, Room
from educa.chat.permissions import may_use_room
from educa.chat.protocol import (
    ClientFrame,
    Delete,
    Edit,
    ProtocolError,
    Read,
    SendMessage,
    Typing,
    ack_frame,
    caught_up_frame,
    member_left_frame,
    parse_client_frame,
    refusal_frame,
)
from educa.chat.selectors import (
    change_frame,
    changes_between,
    compact_frame,
    message_frame,
    messages_after,
    room_change,
    room_unread_frame,
    unread_message_counts,
    unread_messages_frame,
)
from educa.chat.services import (
    announce_typing,
    mark_read,
    post_message,
    rooms_to_follow,
)
from educa.chat.throttling import allow_message
from educa.realtime import fanout
from educa.realtime.consumers import (
    CLOSE_FLOOD,
    CLOSE_LAYER_DOWN,
    CLOSE_NOT_MEMBER,
    LiveConsumer,
    RealtimeConsumer,
    after_param,
)
from educa.realtime.fanout import Event
from educa.realtime.frames import pong_frame
from educa.realtime.groups import room_group, user_group
from educa.realtime.presence import mark_absent, mark_present

# Room events a user's stream does not pass on: only a room's messages
# matter to pages other than the room's own.
ROOM_CHATTER = frozenset(
    {
        "typing",
        "presence",
        "read",
        "message_edited",
        "message_deleted",
        "room_archived",
        "member_left",
    }
)

# Room frames carrying the room's change number (`Message.change`).
CHANGES = frozenset({"message_edited", "message_deleted"})

logger = logging.getLogger(__name__)


def _allow(user: User) -> None:
    if not allow_message(user.pk):
        raise ValidationError("Too many messages; slow down.", code="rate_limited")


def post_as(user: User, room: Room, frame: SendMessage) -> tuple[Message, bool]:
    _allow(user)
    return post_message(
        room=room,
        sender=user,
        body=frame.body,
        client_id=frame.client_id,
        attachment_ids=frame.attachment_ids,
    )


def change_as(user: User, room: Room, frame: Edit | Delete) -> Message:
    """Edit or delete a message of this room (the socket's own)."""
    _allow(user)
    try:
        message = message_for(user, frame.message_id, room=room)
    except Message.DoesNotExist:
        raise ValidationError(
            "No such message in this room.", code="invalid_message_id"
        ) from None
    if isinstance(frame, Edit):
        return edit_message(message=message, by=user, body=frame.body)
    return delete_message(message=message, by=user)


def changes_batch(
    room_id: int, up_to_id: int, after: int, through: int
) -> list[dict[str, Any]]:
    return [
        change_frame(message)
        for message in changes_between(
            room_id, up_to_id=up_to_id, after=after, through=through
        )
    ]


def replay_batch(room_id: int, after: int) -> list[dict[str, Any]]:
    return [
        compact_frame(message_frame(message))
        for message in messages_after(room_id, after)
    ]


def validation_code(error: ValidationError) -> str:
    return error.code or "invalid"


class ChatConsumer(LiveConsumer):
    room: Room | None = None
    present = False
    replayed_up_to = 0
    changes_up_to = 0
    # Room events handed over while this socket replays its backlog or
    # answers its own frame, sent right after; None: they go straight out.
    held: deque | None = None

    async def connect(self) -> None:
        user = self.scope["user"]
        try:
            after = after_param(self.scope)
            changes = after_param(self.scope, "changes")
            self.room = await database_sync_to_async(self.find_room)(user)
        except (ValueError, ObjectDoesNotExist, PermissionDenied):
            await self.close()  # before accept: the handshake is refused
            return
        self.user = user
        self.socket_id = uuid.uuid4().hex
        self.held = deque()
        await self.start()
        try:
            await self.listen(room_group(self.room.pk))
            sockets = await self.presence(announce=True)
        except Exception:
            logger.warning("live feed unreachable at connect", exc_info=True)
            await self.close(code=CLOSE_LAYER_DOWN)
            return
        if sockets > settings.WS_SOCKETS_PER_USER_PER_ROOM:
            await self.send_error(
                "too_many_sockets", "You have too many sockets open in this room."
            )
            await self.close(code=CLOSE_FLOOD)
            return
        if after is not None:
            await self.catch_up(after, changes)
        await self.release()

    async def catch_up(self, after: int, changes: int | None) -> None:
        """Replay the messages after `after`; with `changes`, then the edits
        and deletions since that change number of the messages up to
        `after`, in change order; then `caught_up`. The room's latest change
        number, read first, bounds it: held live changes up to it are
        skipped (replayed, or made before the replay read the message),
        later ones go out after the replay."""
        room_id = self.room.pk
        latest = await database_sync_to_async(room_change)(room_id)
        cursor = after
        while frames := await database_sync_to_async(replay_batch)(room_id, cursor):
            for frame in frames:
                await self.send_json(frame)
            cursor = self.replayed_up_to = frames[-1]["id"]
        if changes is not None:
            while changes < latest and (
                frames := await database_sync_to_async(changes_batch)(
                    room_id, after, changes, latest
                )
            ):
                for frame in frames:
                    await self.send_json(frame)
                changes = frames[-1]["change"]
            self.changes_up_to = latest
        await self.send_json(caught_up_frame(room_id, latest))

    def find_room(self, user: User) -> Room:
        kwargs = self.scope["url_route"]["kwargs"]
        if "course_id" in kwargs:
            return room_for(user, course_id=int(kwargs["course_id"]))
        return room_for(user, room_id=int(kwargs["room_id"]))

    async def deliver(self, event: Event) -> None:
        if self.held is None:
            await super().deliver(event)
        else:
            self.held.append(event)

    async def release(self) -> None:
        while self.held:
            await super().deliver(self.held.popleft())
        self.held = None

    async def presence(self, *, announce: bool) -> int:
        self.present = True
        return await mark_present(
            self.room.pk,
            self.user.pk,
            self.user.username,
            self.socket_id,
            name=self.user.name,
            announce=announce,
        )

    async def heartbeat(self) -> None:
        await super().heartbeat()
        await self.presence(announce=False)

    async def access_changed(self, frame: dict[str, Any]) -> None:
        if self.room.course_id is None or frame.get("course_id") != self.room.course_id:
            return
        if not await database_sync_to_async(may_use_room)(self.user, self.room):
            await self.refuse()

    async def refuse(self) -> None:
        await self.send_json(member_left_frame(self.room.pk, self.user.pk))
        await self.close(code=CLOSE_NOT_MEMBER)

    async def leave(self) -> None:
        await super().leave()
        if self.present:
            self.present = False
            try:
                await mark_absent(
                    self.room.pk,
                    self.user.pk,
                    self.user.username,
                    self.socket_id,
                    name=self.user.name,
                )
            except Exception:
                logger.debug("could not mark a socket absent", exc_info=True)

    async def receive_frame(self, text_data: str | None) -> None:
        try:
            frame = parse_client_frame(text_data)
        except ProtocolError as error:
            await self.send_error(error.code, error.detail)
            return
        try:
            await self.handle(frame)
        except ValidationError as error:
            await self.send_json(
                refusal_frame(validation_code(error), " ".join(error.messages), frame)
            )
        except MessageChangeRefused as error:
            await self.send_json(refusal_frame("not_allowed", str(error), frame))
        except PermissionDenied:
            await self.send_error("not_member", "You are not a member of this room.")
            await self.close(code=CLOSE_NOT_MEMBER)
        except OSError:
            raise  # the client went away: there is no one to answer
        except Exception:
            # A bug costs the client this frame, named so a page can retry it.
            logger.exception("socket frame failed")
            detail = "The frame could not be handled."
            await self.send_json(refusal_frame("internal_error", detail, frame))

    async def handle(self, frame: ClientFrame) -> None:
        if isinstance(frame, SendMessage):
            self.held = deque()  # the ack goes out before the room's copy
            try:
                message, created = await database_sync_to_async(post_as)(
                    self.user, self.room, frame
                )
                await self.send_json(ack_frame(message, duplicate=not created))
            finally:
                await self.release()
        elif isinstance(frame, Read):
            await database_sync_to_async(mark_read)(
                room=self.room, user=self.user, message_id=frame.message_id
            )
        elif isinstance(frame, Edit | Delete):
            await database_sync_to_async(change_as)(self.user, self.room, frame)
        elif isinstance(frame, Typing):
            await database_sync_to_async(announce_typing)(
                room=self.room, user=self.user
            )
        else:
            await self.send_json(pong_frame())

    async def pass_on(self, event: Event) -> None:
        frame = event.frame
        kind = frame.get("type")
        if kind == "chat_message":  # the fan-out's hot path: nothing else
            if frame["id"] > self.replayed_up_to:
                await super().pass_on(event)
            return
        if kind in CHANGES and frame["change"] <= self.changes_up_to:
            return
        if kind == "typing" and frame.get("user_id") == self.user.pk:
            return
        if kind == "room_archived":
            self.room.status = Room.Status.ARCHIVED
        await super().pass_on(event)


class UserStreamConsumer(RealtimeConsumer):
    """`ws/realtime/`: RealtimeConsumer's notifications and unread counts,
    plus the `chat_message` frames of every room the user may use,
    `unread_messages` (their unread messages over all rooms) once open and
    whenever their rooms change (an enrollment, a new direct or group room:
    `access_changed`), and `room_unread` when a message of one of their
    rooms is deleted."""

    rooms: tuple[str, ...] = ()

    async def stream_groups(self) -> tuple[str, ...]:
        self.rooms = await self.room_groups()
        return self.rooms

    async def room_groups(self) -> tuple[str, ...]:
        ids = await database_sync_to_async(rooms_to_follow)(user=self.scope["user"])
        return tuple(room_group(room_id) for room_id in ids)

    async def opened(self) -> None:
        counts = await database_sync_to_async(unread_message_counts)(self.scope["user"])
        await self.send_json(unread_messages_frame(counts))

    async def access_changed(self, frame: dict[str, Any]) -> None:
        if not self.groups_joined:
            return
        rooms = await self.room_groups()
        gained = tuple(group for group in rooms if group not in self.rooms)
        lost = tuple(group for group in self.rooms if group not in rooms)
        if gained:
            await fanout.subscribe(self, gained)
        if lost:
            await fanout.unsubscribe(self, lost)
        self.rooms = rooms
        self.groups_joined = (*rooms, user_group(self.scope["user"].pk))
        await self.opened()

    async def pass_on(self, event: Event) -> None:
        kind = event.frame.get("type")
        if kind == "message_deleted":
            # It may have been unread: the room's count and the total drop.
            await self.recount(event.frame["room"])
        if kind in ROOM_CHATTER:
            return
        await super().pass_on(event)

    async def recount(self, room_id: int) -> None:
        counts = await database_sync_to_async(unread_message_counts)(self.scope["user"])
        await self.send_json(room_unread_frame(room_id, counts))
