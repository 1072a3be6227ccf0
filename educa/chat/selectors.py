"""Reads for chat: the querysets with their joins, used by every transport."""

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse

from educa.accounts.models import User
from educa.chat.models import Attachment, Membership, Message, Room
from educa.courses.permissions import course_people, viewable_courses

HISTORY_LIMIT = 50
MAX_HISTORY_LIMIT = 200
REPLAY_BATCH = 200


def room_members(room: Room) -> QuerySet[User]:
    """The people who may use the room: a course's people, or the members."""
    if room.kind == Room.Kind.COURSE:
        return course_people(room.course)
    return User.objects.filter(chat_memberships__room=room)


def room_messages(room_id: int) -> QuerySet[Message]:
    return (
        Message.objects.filter(room_id=room_id)
        .select_related("sender")
        .prefetch_related("attachments")
    )


def room_history(
    room_id: int,
    *,
    before: int | None = None,
    after: int | None = None,
    limit: int = HISTORY_LIMIT,
) -> list[Message]:
    """Up to `limit` messages, oldest first.

    With `after`: the first ones after that id (catching up). Otherwise the
    latest ones, before `before` if given (scrolling back).
    """
    limit = max(1, min(limit, MAX_HISTORY_LIMIT))
    messages = room_messages(room_id)
    if after is not None:
        messages = messages.filter(id__gt=after)
        if before is not None:
            messages = messages.filter(id__lt=before)
        return list(messages.order_by("id")[:limit])
    if before is not None:
        messages = messages.filter(id__lt=before)
    return list(reversed(messages.order_by("-id")[:limit]))


def messages_after(room_id: int, after: int) -> list[Message]:
    """One batch of what a reconnecting socket missed, oldest first."""
    return list(
        room_messages(room_id).filter(id__gt=after).order_by("id")[:REPLAY_BATCH]
    )


def rooms_for_user(user: User) -> QuerySet[Room]:
    """The user's rooms, latest activity first, in one query.

    Each is annotated with `unread` (others' messages after the user's read
    marker), the last message (`last_message_*`) and, for direct rooms, the
    other person (`other_username`, `other_display_name`).
    """
    last = Message.objects.filter(room_id=OuterRef("pk")).order_by("-id")
    membership = Membership.objects.filter(room_id=OuterRef("pk"), user=user)
    # For direct rooms: who the conversation is with.
    others = Membership.objects.filter(room_id=OuterRef("pk")).exclude(user=user)
    mine = Q(
        pk__in=Membership.objects.filter(user=user).values("room_id"),
        kind__in=[Room.Kind.DIRECT, Room.Kind.GROUP],
    ) | Q(course__in=viewable_courses(user))
    return (
        Room.objects.filter(mine)
        .select_related("course")
        .annotate(
            last_read=Coalesce(
                Subquery(membership.values("last_read_message_id")[:1]), 0
            ),
            last_message_id=Subquery(last.values("id")[:1]),
            last_message_body=Subquery(last.values("body")[:1]),
            last_message_created=Subquery(last.values("created")[:1]),
            last_message_user=Subquery(last.values("sender__username")[:1]),
        )
        .annotate(
            unread=Coalesce(
                Subquery(
                    Message.objects.filter(
                        room_id=OuterRef("pk"), id__gt=OuterRef("last_read")
                    )
                    .exclude(sender=user)
                    .values("room_id")
                    .annotate(total=Count("id"))
                    .values("total")[:1]
                ),
                0,
            )
        )
        .annotate(
            other_username=Subquery(others.values("user__username")[:1]),
            other_display_name=Subquery(others.values("user__display_name")[:1]),
        )
        # A direct room shows up for the other person with its first message.
        .exclude(
            Q(kind=Room.Kind.DIRECT, last_message_id__isnull=True) & ~Q(created_by=user)
        )
        .order_by(F("last_message_id").desc(nulls_last=True), "-id")
    )


def room_title(room: Room) -> str:
    """What people call the room: the course's title, the other person's
    name (needs `rooms_for_user`'s annotations), or the group's title."""
    if room.kind == Room.Kind.COURSE:
        return room.course.title
    if room.kind == Room.Kind.DIRECT:
        return room.other_display_name or room.other_username or "Direct messages"
    return room.title


def attachment_frame(attachment: Attachment) -> dict[str, Any]:
    return {
        "id": attachment.pk,
        "name": attachment.name,
        "size": attachment.size,
        "content_type": attachment.content_type,
        "url": reverse("chat-attachment", args=[attachment.pk]),
    }


def message_frame(
    message: Message, *, attachments: Iterable[Attachment] | None = None
) -> dict[str, Any]:
    """The `chat_message` server frame (the seed's fields plus more).

    Needs `sender` selected, and `attachments` prefetched unless given.
    """
    if attachments is None:
        attachments = message.attachments.all()
    return {
        "type": "chat_message",
        "id": message.pk,
        "room": message.room_id,
        "message": message.body,
        "user": message.sender.username,
        "name": message.sender.name,
        "user_id": message.sender_id,
        "avatar": message.sender.avatar_url(64),
        "datetime": message.created.isoformat(),
        "client_id": str(message.client_id) if message.client_id else None,
        "mentions": message.mentions,
        "attachments": [attachment_frame(attachment) for attachment in attachments],
    }
