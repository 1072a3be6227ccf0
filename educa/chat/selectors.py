"""Reads for chat: the querysets with their joins, used by every transport."""

from typing import Any

from django.db.models import Count, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from educa.accounts.models import User
from educa.chat.models import Membership, Message, Room

HISTORY_LIMIT = 50
MAX_HISTORY_LIMIT = 200
REPLAY_BATCH = 200


def _membership(**lookup: int) -> Membership | None:
    # get(), not first(): a unique lookup needs no ORDER BY, and compiling
    # one costs as much as the query itself on the chat hot path.
    try:
        return Membership.objects.select_related("room").get(**lookup)
    except Membership.DoesNotExist:
        return None


def membership_in(user_id: int, room_id: int) -> Membership | None:
    """The user's membership of the room, with the room, or None."""
    return _membership(user_id=user_id, room_id=room_id)


def course_room_membership(user_id: int, course_id: int) -> Membership | None:
    """The user's membership of a course's room, with the room, or None."""
    return _membership(user_id=user_id, room__course_id=course_id)


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
    return (
        Room.objects.filter(memberships__user=user)
        .select_related("course")
        .annotate(
            last_read=Subquery(membership.values("last_read_message_id")[:1]),
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
        .order_by(F("last_message_id").desc(nulls_last=True), "-id")
    )


def message_frame(message: Message) -> dict[str, Any]:
    """The `chat_message` server frame (the seed's fields plus more).

    Needs `sender` selected and `attachments` prefetched (or known empty).
    """
    return {
        "type": "chat_message",
        "id": message.pk,
        "room": message.room_id,
        "message": message.body,
        "user": message.sender.username,
        "name": message.sender.name,
        "user_id": message.sender_id,
        "datetime": message.created.isoformat(),
        "client_id": str(message.client_id) if message.client_id else None,
        "mentions": message.mentions,
        "attachments": [
            {
                "id": attachment.pk,
                "name": attachment.name,
                "size": attachment.size,
                "content_type": attachment.content_type,
                "url": f"/api/chat/attachments/{attachment.pk}/",
            }
            for attachment in message.attachments.all()
        ],
    }
