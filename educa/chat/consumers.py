"""`ws/chat/room/<course_id>/` and `ws/chat/<room_id>/`: live chat.

Only members get past the handshake. The socket joins its room's hub (the
worker's one subscription to the room) before it replays the backlog
(`?after=<message id>`), and skips live messages it already replayed, so a
reconnecting client misses nothing and sees nothing twice. Every message is
stored before anyone hears of it.
"""

import contextlib
from collections import deque
from typing import Any

from channels.db import database_sync_to_async
from django.core.exceptions import PermissionDenied, ValidationError

from educa.accounts.models import User
from educa.chat.models import Membership, Message
from educa.chat.protocol import (
    Ping,
    ProtocolError,
    Read,
    SendMessage,
    Typing,
    ack_frame,
    parse_client_frame,
)
from educa.chat.selectors import (
    course_room_membership,
    membership_in,
    message_frame,
    messages_after,
)
from educa.chat.services import announce_typing, mark_read, post_message
from educa.chat.throttling import allow_message
from educa.realtime import hub
from educa.realtime.consumers import (
    CLOSE_FLOOD,
    CLOSE_LAYER_DOWN,
    CLOSE_NOT_MEMBER,
    LAYER_ERRORS,
    LiveConsumer,
    after_param,
)
from educa.realtime.presence import mark_absent, mark_present


def post_as(user: User, room_id: int, frame: SendMessage) -> tuple[Message, bool]:
    if not allow_message(user.pk):
        raise ValidationError("Too many messages; slow down.", code="rate_limited")
    return post_message(
        room_id=room_id,
        sender=user,
        body=frame.body,
        client_id=frame.client_id,
        attachment_ids=frame.attachment_ids,
    )


def replay_batch(room_id: int, after: int) -> list[dict[str, Any]]:
    return [message_frame(message) for message in messages_after(room_id, after)]


def validation_code(error: ValidationError) -> str:
    return error.code or "invalid"


class ChatConsumer(LiveConsumer):
    present = False
    in_hub = False
    # Room events the hub handed over while this socket replays its backlog
    # or answers its own frame, sent right after; None: they go straight out.
    held: deque | None = None

    async def connect(self) -> None:
        user = self.scope["user"]
        membership = None
        if user.is_authenticated:
            membership = await database_sync_to_async(self.find_membership)(user)
        try:
            after = after_param(self.scope)
        except ValueError:
            membership = None
        if membership is None:
            await self.close()  # before accept: the handshake is refused
            return
        self.user = user
        self.room_id = membership.room_id
        self.replayed_up_to = 0
        self.held = deque()
        self.in_hub = True
        await hub.join(self.room_id, self)
        await self.start()
        await self.presence(announce=True)
        while after is not None:
            frames = await database_sync_to_async(replay_batch)(self.room_id, after)
            for frame in frames:
                await self.send_json(frame)
            after = frames[-1]["id"] if frames else None
            self.replayed_up_to = after or self.replayed_up_to
        await self.release()

    async def deliver(self, event: dict[str, Any]) -> None:
        """A room event from the hub."""
        if self.held is None:
            await self.pass_on(event)
        else:
            self.held.append(event)

    async def release(self) -> None:
        while self.held:
            await self.pass_on(self.held.popleft())
        self.held = None

    async def layer_failed(self) -> None:
        await self.close(code=CLOSE_LAYER_DOWN)

    async def presence(self, *, announce: bool) -> None:
        self.present = True
        await mark_present(
            self.room_id,
            self.user.pk,
            self.user.username,
            self.channel_name,
            announce=announce,
        )

    async def heartbeat(self, event: dict[str, Any]) -> None:
        await super().heartbeat(event)
        await self.presence(announce=False)

    async def leave(self) -> None:
        if self.in_hub:
            self.in_hub = False
            await hub.leave(self.room_id, self)
        if self.present:
            self.present = False
            with contextlib.suppress(*LAYER_ERRORS):
                await mark_absent(
                    self.room_id, self.user.pk, self.user.username, self.channel_name
                )
        await super().leave()

    def find_membership(self, user: User) -> Membership | None:
        kwargs = self.scope["url_route"]["kwargs"]
        if "course_id" in kwargs:
            return course_room_membership(user.pk, int(kwargs["course_id"]))
        return membership_in(user.pk, int(kwargs["room_id"]))

    async def receive(self, text_data: str | None = None, bytes_data=None) -> None:
        if self.flooding():
            await self.close(code=CLOSE_FLOOD)
            return
        try:
            frame = parse_client_frame(text_data)
        except ProtocolError as error:
            await self.send_error(error.code, error.detail)
            return
        try:
            await self.handle(frame)
        except ValidationError as error:
            await self.send_error(validation_code(error), " ".join(error.messages))
        except PermissionDenied:
            await self.send_error("not_member", "You are not a member of this room.")
            await self.close(code=CLOSE_NOT_MEMBER)

    async def handle(self, frame: SendMessage | Typing | Read | Ping) -> None:
        if isinstance(frame, SendMessage):
            self.held = deque()  # the ack goes out before the room's copy
            try:
                message, created = await database_sync_to_async(post_as)(
                    self.user, self.room_id, frame
                )
                await self.send_json(ack_frame(message, duplicate=not created))
            finally:
                await self.release()
        elif isinstance(frame, Read):
            await database_sync_to_async(mark_read)(
                room_id=self.room_id, user=self.user, message_id=frame.message_id
            )
        elif isinstance(frame, Typing):
            await database_sync_to_async(announce_typing)(
                room_id=self.room_id, user=self.user
            )
        else:
            await self.send_json({"type": "pong"})

    async def pass_on(self, event: dict[str, Any]) -> None:
        kind, own = event["kind"], event["user_id"] == self.user.pk
        if kind == "chat_message" and event["id"] <= self.replayed_up_to:
            return
        if kind == "typing" and own:
            return
        await self.relay(event)
        if kind == "member_left" and own:
            await self.close(code=CLOSE_NOT_MEMBER)
