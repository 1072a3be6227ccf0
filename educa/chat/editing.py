"""Changing what was said: authors edit or delete their messages within
CHAT_EDIT_WINDOW_MINUTES, and a room's moderator (a course room's
instructor) deletes anyone's. Every transport (socket, REST, GraphQL) calls
these after `room_for`; the rules are the `can_*` functions of
permissions.py, and everyone in the room hears the change after commit.

Each change takes the room's next change number (`Message.change`) under
the room's order lock, held until the room has heard of it, as messages
are posted: every socket hears a room's changes in that order, so the
highest number a client saw is a cursor a reconnect catches up from
(`?changes=`, educa/chat/consumers.py)."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from educa.accounts.models import User
from educa.chat.models import Attachment, Message, Room
from educa.chat.permissions import (
    NOT_ALLOWED,
    can_delete_message,
    can_edit_message,
    can_moderate_room,
    may_use_room,
)
from educa.chat.selectors import (
    message_deleted_frame,
    message_edited_frame,
    room_change,
)
from educa.chat.services import (
    EXCERPT_LENGTH,
    ROOM_ORDER_LOCK,
    clean_body,
    mentioned_members,
    notify_mentioned,
    render_body,
)
from educa.ops.locks import held
from educa.realtime.notify import push_to_room
from educa.realtime.services import revise_notifications

MESSAGE_KINDS = ("chat.mention", "chat.direct_message")


class MessageChangeRefused(PermissionDenied):
    """The person may use the room but not change this message (someone
    else's, or the edit window has passed): the socket answers with an
    error frame and stays open."""


def _locked(message: Message, by: User) -> Message:
    """The message row, locked and fresh, with the room as the caller found
    it; PermissionDenied for anyone who may neither use nor moderate its
    room."""
    room = message.room
    if not (may_use_room(by, room) or can_moderate_room(by, room)):
        raise PermissionDenied(NOT_ALLOWED)
    fresh = (
        Message.objects.select_for_update().select_related("sender").get(pk=message.pk)
    )
    fresh.room = room
    if fresh.is_deleted:
        raise ValidationError("This message was deleted.", code="message_deleted")
    return fresh


def _recipients(message: Message, room: Room) -> list[int]:
    """Who may hold a notification quoting the message."""
    ids = set(
        User.objects.filter(username__in=message.mentions).values_list("pk", flat=True)
    )
    if room.kind == Room.Kind.DIRECT:
        ids |= set(room.memberships.values_list("user_id", flat=True))
    return sorted(ids)


def edit_message(*, message: Message, by: User, body: object) -> Message:
    """Replace the text of `by`'s own message (from `message_with_room`).

    Raises PermissionDenied when `by` may not use the room,
    MessageChangeRefused when it is not theirs to edit (or too late), and
    ValidationError (`message_deleted`, or the codes of `clean_body`) for a
    deleted message or a bad text. Newly @mentioned people are notified;
    the room hears `message_edited`.
    """
    with held(ROOM_ORDER_LOCK, message.room_id), transaction.atomic():
        return _edit(message=message, by=by, body=body)


def _edit(*, message: Message, by: User, body: object) -> Message:
    message = _locked(message, by)
    if not can_edit_message(by, message):
        raise MessageChangeRefused(
            "Only its author may edit a message, within "
            f"{_window()} minutes of sending it."
        )
    body = clean_body(body, allow_empty=message.attachments.exists())
    if body == message.body:
        return message
    room = message.room
    before = set(message.mentions)
    mentioned = mentioned_members(room, body, by)
    message.body = body
    message.html = render_body(body)
    message.mentions = [user.username for user in mentioned]
    message.edited = timezone.now()
    message.change = _next_change(room)
    message.save(update_fields=["body", "html", "mentions", "edited", "change"])
    revise_notifications(
        user_ids=_recipients(message, room),
        kinds=MESSAGE_KINDS,
        match={"message_id": message.pk},
        changes={"excerpt": body[:EXCERPT_LENGTH]},
    )
    notify_mentioned(
        room, message, [user for user in mentioned if user.username not in before]
    )
    push_to_room(room.pk, message_edited_frame(message))
    return message


def delete_message(*, message: Message, by: User) -> Message:
    """Delete a message: its text, mentions and files are gone for good;
    the row stays (ids are the history's cursor) and shows as deleted.

    Its author may within the edit window; the room's moderator
    (`can_moderate_room`) always. Raises as `edit_message` does.
    """
    with held(ROOM_ORDER_LOCK, message.room_id), transaction.atomic():
        return _delete(message=message, by=by)


def _delete(*, message: Message, by: User) -> Message:
    message = _locked(message, by)
    if not can_delete_message(by, message):
        raise MessageChangeRefused(
            "Only its author (within "
            f"{_window()} minutes) or the room's instructor may delete a message."
        )
    room = message.room
    recipients = _recipients(message, room)
    message.body = message.html = ""
    message.mentions = []
    message.deleted = timezone.now()
    message.deleted_by = by
    message.change = _next_change(room)
    message.save(
        update_fields=["body", "html", "mentions", "deleted", "deleted_by", "change"]
    )
    files = list(Attachment.objects.filter(message=message))
    Attachment.objects.filter(message=message).delete()
    transaction.on_commit(lambda: _delete_files(files))
    revise_notifications(
        user_ids=recipients,
        kinds=MESSAGE_KINDS,
        match={"message_id": message.pk},
        changes={"excerpt": "", "deleted": True},
    )
    push_to_room(room.pk, message_deleted_frame(message))
    return message


def _next_change(room: Room) -> int:
    """The room's next change number (the caller holds the room's lock)."""
    return room_change(room.pk) + 1


def _window() -> int:
    return settings.CHAT_EDIT_WINDOW_MINUTES


def _delete_files(attachments: list[Attachment]) -> None:
    for attachment in attachments:
        attachment.file.delete(save=False)
