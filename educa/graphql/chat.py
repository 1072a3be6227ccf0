"""Chat over GraphQL: my rooms, a room's history, sending, read markers, and
the `chatMessages` subscription. Every room is reached through
`educa.chat.access.room_for`, as the sockets, pages and REST reach it."""

from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Any
from uuid import UUID

import strawberry
import strawberry_django
from channels.db import database_sync_to_async
from django.core.exceptions import PermissionDenied

from educa.accounts.models import User
from educa.chat.access import message_for, room_for
from educa.chat.editing import delete_message, edit_message
from educa.chat.models import Message, Room
from educa.chat.permissions import may_use_room
from educa.chat.selectors import (
    message_frame,
    messages_after,
    room_history,
    room_messages,
    room_title,
    rooms_for_user,
)
from educa.chat.services import mark_read, post_message, render_body
from educa.chat.throttling import allow_message
from educa.graphql.arguments import (
    MAX_LIMIT,
    parse_cursor,
    parse_id,
    parse_optional_id,
    window,
)
from educa.graphql.context import Info
from educa.graphql.errors import bad_input, forbidden, not_found, rate_limited
from educa.graphql.live import Changes, Shared, replay_then_live
from educa.graphql.permissions import signed_in
from educa.realtime.groups import room_group, user_group

NOT_MEMBER = "Only the room's members may use it."
# The room's events that change a message already sent.
CHANGES = frozenset({"message_edited", "message_deleted"})


@strawberry.type
class Attachment:
    id: strawberry.ID
    name: str
    size: int
    content_type: str
    url: str


@strawberry.type(name="Message")
class MessageType:
    """A chat message: the socket's `chat_message` frame, typed."""

    id: strawberry.ID
    room_id: strawberry.ID
    message: str
    user: str
    name: str
    user_id: strawberry.ID
    datetime: datetime
    client_id: str | None
    mentions: list[str]
    attachments: list[Attachment]
    html: str = strawberry.field(description="The text as sanitized HTML.")
    edited: bool
    edited_at: datetime | None = strawberry.field(
        description="When it was last edited (null: never, or not said)."
    )
    deleted: bool

    @classmethod
    def of(cls, frame: dict[str, Any]) -> "MessageType":
        # Frames may leave out what adds nothing: `edited` and `deleted`
        # when false, `html` when it is the text as a paragraph.
        edited = frame.get("edited")
        html = frame.get("html")
        if html is None:
            html = render_body(frame["message"])
        return cls(
            html=html,
            edited=bool(edited),
            edited_at=datetime.fromisoformat(edited)
            if isinstance(edited, str)
            else None,
            deleted=bool(frame.get("deleted", False)),
            id=strawberry.ID(str(frame["id"])),
            room_id=strawberry.ID(str(frame["room"])),
            message=frame["message"],
            user=frame["user"],
            name=frame["name"],
            user_id=strawberry.ID(str(frame["user_id"])),
            datetime=datetime.fromisoformat(frame["datetime"]),
            client_id=frame["client_id"],
            mentions=frame["mentions"],
            attachments=[
                Attachment(
                    id=strawberry.ID(str(each["id"])),
                    name=each["name"],
                    size=each["size"],
                    content_type=each["content_type"],
                    url=each["url"],
                )
                for each in frame["attachments"]
            ],
        )


@strawberry.type
class LastMessage:
    id: strawberry.ID
    message: str
    user: str
    datetime: datetime


@strawberry.type(name="Room")
class RoomType:
    id: strawberry.ID
    kind: str
    status: str
    title: str
    course_id: strawberry.ID | None
    unread: int
    last_message: LastMessage | None

    @classmethod
    def of(cls, room: Room) -> "RoomType":
        last = None
        if room.last_message_id is not None:
            last = LastMessage(
                id=strawberry.ID(str(room.last_message_id)),
                message=room.last_message_body,
                user=room.last_message_user,
                datetime=room.last_message_created,
            )
        return cls(
            id=strawberry.ID(str(room.pk)),
            kind=room.kind,
            status=room.status,
            title=room_title(room),
            course_id=None
            if room.course_id is None
            else strawberry.ID(str(room.course_id)),
            unread=room.unread,
            last_message=last,
        )


@strawberry.type
class SentMessage:
    message: MessageType
    duplicate: bool = strawberry.field(
        description="The clientId was used before: nothing new was stored."
    )


@strawberry.type
class ReadMarker:
    room_id: strawberry.ID
    last_read_message_id: strawberry.ID


def _room(user: User, room_id: int) -> Room:
    try:
        return room_for(user, room_id=room_id)
    except Room.DoesNotExist:
        raise not_found("No such room.") from None
    except PermissionDenied:
        raise forbidden(NOT_MEMBER) from None


def _message(user: User, message_id: int) -> Message:
    try:
        return message_for(user, message_id)
    except (Message.DoesNotExist, Room.DoesNotExist):
        raise not_found("No such message.") from None
    except PermissionDenied:
        raise forbidden(NOT_MEMBER) from None


def _client_id(value: strawberry.ID | None) -> UUID | None:
    if value is None:
        return None
    try:
        return UUID(str(value))
    except ValueError:
        raise bad_input("`clientId` must be a UUID.") from None


def _send(user: User, room: Room, body: str, client_id: UUID | None):
    # The socket's own allowance: messages per second per user, counted in
    # the shared cache over every transport and worker.
    if not allow_message(user.pk):
        raise rate_limited("Too many messages; slow down.")
    return post_message(room=room, sender=user, body=body, client_id=client_id)


@strawberry.type
class Query:
    @strawberry_django.field(description="My rooms, latest activity first.")
    def rooms(
        self, info: Info, offset: int = 0, limit: int = MAX_LIMIT
    ) -> list[RoomType]:
        bounds = window(offset, limit)
        rooms = rooms_for_user(signed_in(info))[bounds.offset : bounds.stop]
        return [RoomType.of(room) for room in rooms]

    @strawberry_django.field(
        description="A room's history, oldest first: the first `limit` after "
        "`after`, or the latest `limit` (before `before`)."
    )
    def messages(
        self,
        info: Info,
        room_id: strawberry.ID,
        after: strawberry.ID | None = None,
        before: strawberry.ID | None = None,
        limit: int = MAX_LIMIT,
    ) -> list[MessageType]:
        window(0, limit)
        user = signed_in(info)
        room = _room(user, parse_id(room_id, "roomId"))
        messages = room_history(
            room.pk,
            after=parse_cursor(after),
            before=parse_optional_id(before, "before"),
            limit=limit,
        )
        return [MessageType.of(message_frame(message)) for message in messages]


@strawberry.type
class Mutation:
    @strawberry_django.mutation(
        description="Post to a room (the socket's rate limit). Sending the same "
        "clientId again stores nothing new."
    )
    def send_message(
        self,
        info: Info,
        room_id: strawberry.ID,
        message: str,
        client_id: strawberry.ID | None = None,
    ) -> SentMessage:
        user = signed_in(info)
        room = _room(user, parse_id(room_id, "roomId"))
        stored, created = _send(user, room, message, _client_id(client_id))
        return SentMessage(
            message=MessageType.of(message_frame(stored)), duplicate=not created
        )

    @strawberry_django.mutation(description="Move my read marker forward.")
    def mark_room_read(
        self, info: Info, room_id: strawberry.ID, message_id: strawberry.ID
    ) -> ReadMarker:
        user = signed_in(info)
        room = _room(user, parse_id(room_id, "roomId"))
        membership = mark_read(
            room=room, user=user, message_id=parse_id(message_id, "messageId")
        )
        return ReadMarker(
            room_id=strawberry.ID(str(membership.room_id)),
            last_read_message_id=strawberry.ID(str(membership.last_read_message_id)),
        )

    @strawberry_django.mutation(
        description="Change my message's text, within the edit window."
    )
    def edit_message(
        self, info: Info, message_id: strawberry.ID, message: str
    ) -> MessageType:
        user = signed_in(info)
        edited = edit_message(
            message=_message(user, parse_id(message_id, "messageId")),
            by=user,
            body=message,
        )
        return MessageType.of(message_frame(edited))

    @strawberry_django.mutation(
        description="Delete a message: mine within the edit window, or any in "
        "a course room I teach."
    )
    def delete_message(self, info: Info, message_id: strawberry.ID) -> MessageType:
        user = signed_in(info)
        deleted = delete_message(
            message=_message(user, parse_id(message_id, "messageId")), by=user
        )
        return MessageType.of(message_frame(deleted, attachments=()))


def _backlog(room_id: int):
    def backlog(after: int) -> list[dict[str, Any]]:
        return [message_frame(message) for message in messages_after(room_id, after)]

    return backlog


def _as_now(room_id: int):
    def load(frame: dict[str, Any]) -> dict[str, Any] | None:
        message = room_messages(room_id).filter(pk=frame["id"]).first()
        return None if message is None else message_frame(message)

    return load


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="The room's messages: those stored after `after` (none "
        "without it), then live ones, each once and in id order. A message "
        "edited or deleted meanwhile comes again, with the same id, as it is "
        "now (`edited`, or `deleted` and no text). Ends with FORBIDDEN when I "
        "may no longer use the room."
    )
    async def chat_messages(
        self, info: Info, room_id: strawberry.ID, after: strawberry.ID | None = None
    ) -> AsyncGenerator[MessageType, None]:
        user = signed_in(info)
        pk = parse_id(room_id, "roomId")
        cursor = parse_cursor(after)
        room = await database_sync_to_async(_room)(user, pk)

        async def access_changed(frame: dict[str, Any]) -> None:
            if room.course_id is None or frame.get("course_id") != room.course_id:
                return
            if not await database_sync_to_async(may_use_room)(user, room):
                raise forbidden(NOT_MEMBER)

        async for frame in replay_then_live(
            socket=info.context.request,
            groups=(user_group(user.pk),),
            kind="chat_message",
            after=cursor,
            backlog=_backlog(room.pk),
            access_changed=access_changed,
            # A message's fields are the same for every reader.
            shared=Shared(group=room_group(room.pk), root=MessageType.of),
            changes=Changes(kinds=CHANGES, load=_as_now(room.pk)),
        ):
            yield MessageType.of(frame)
