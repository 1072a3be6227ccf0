"""Reads for chat: the querysets with their joins, used by every transport."""

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, F, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, NullIf
from django.urls import reverse

from educa.accounts.models import User
from educa.chat.models import Attachment, Membership, Message, Room
from educa.chat.permissions import messageable_people
from educa.courses.permissions import course_people, viewable_courses

HISTORY_LIMIT = 50
MAX_HISTORY_LIMIT = 200
REPLAY_BATCH = 200
# Attachments shown inline as pictures (the rest are download cards).
PREVIEWED_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})


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


def room_change(room_id: int) -> int:
    """The number of the room's latest edit or deletion (0: none yet)."""
    latest = Message.objects.filter(room_id=room_id).aggregate(Max("change"))
    return latest["change__max"] or 0


def changes_between(
    room_id: int, *, up_to_id: int, after: int, through: int
) -> list[Message]:
    """One batch of what a reconnecting socket missed of the messages it had
    (ids up to `up_to_id`): those edited or deleted with a change number
    after `after` and up to `through`, in change order, as they are now."""
    return list(
        Message.objects.filter(
            room_id=room_id, id__lte=up_to_id, change__gt=after, change__lte=through
        )
        .select_related("sender")
        .order_by("change")[:REPLAY_BATCH]
    )


def _my_rooms(user: User) -> QuerySet[Room]:
    """The rooms `user` may use: their direct and group rooms, and the
    rooms of the courses they teach or take."""
    mine = Q(
        pk__in=Membership.objects.filter(user=user).values("room_id"),
        kind__in=[Room.Kind.DIRECT, Room.Kind.GROUP],
    ) | Q(course__in=viewable_courses(user))
    return Room.objects.filter(mine)


def _with_unread(rooms: QuerySet[Room], user: User) -> QuerySet[Room]:
    """Annotate `last_read` (the user's marker), `unread` (others' messages
    after it, deleted ones aside) and `first_unread_id`."""
    membership = Membership.objects.filter(room_id=OuterRef("pk"), user=user)
    unread = Message.objects.filter(
        room_id=OuterRef("pk"), id__gt=OuterRef("last_read"), deleted__isnull=True
    ).exclude(sender=user)
    return rooms.annotate(
        last_read=Coalesce(Subquery(membership.values("last_read_message_id")[:1]), 0)
    ).annotate(
        unread=Coalesce(
            Subquery(
                unread.values("room_id").annotate(total=Count("id")).values("total")[:1]
            ),
            0,
        ),
        first_unread_id=Subquery(unread.order_by("id").values("id")[:1]),
    )


def rooms_for_user(user: User, *, including: int | None = None) -> QuerySet[Room]:
    """The user's rooms, latest activity first, in one query.

    Each is annotated as `_with_unread` does, with the last message
    (`last_message_*`, its sender's display name in `last_message_name`) and,
    for direct rooms, the other person (`other_user_id`, `other_username`,
    `other_display_name`). A direct room nobody wrote in yet is left out
    for the person who did not open it, unless it is the room `including`.
    """
    last = Message.objects.filter(room_id=OuterRef("pk")).order_by("-id")
    # For direct rooms: who the conversation is with.
    others = Membership.objects.filter(room_id=OuterRef("pk")).exclude(user=user)
    return (
        _with_unread(_my_rooms(user).select_related("course"), user)
        .annotate(
            last_message_id=Subquery(last.values("id")[:1]),
            last_message_body=Subquery(last.values("body")[:1]),
            last_message_created=Subquery(last.values("created")[:1]),
            last_message_user=Subquery(last.values("sender__username")[:1]),
            last_message_name=Subquery(
                last.annotate(
                    name=Coalesce(
                        NullIf("sender__display_name", Value("")), "sender__username"
                    )
                ).values("name")[:1]
            ),
            last_message_deleted=Subquery(last.values("deleted")[:1]),
            other_user_id=Subquery(others.values("user_id")[:1]),
            other_username=Subquery(others.values("user__username")[:1]),
            other_display_name=Subquery(others.values("user__display_name")[:1]),
        )
        # A direct room shows up for the other person with its first message.
        .exclude(
            Q(kind=Room.Kind.DIRECT, last_message_id__isnull=True)
            & ~Q(created_by=user)
            & ~Q(pk=including)
        )
        .order_by(F("last_message_id").desc(nulls_last=True), "-id")
    )


def unread_message_counts(user: User) -> dict[int, int]:
    """Room id -> the user's unread messages there, for rooms with any, in
    one query."""
    return dict(
        _with_unread(_my_rooms(user), user)
        .filter(unread__gt=0)
        .values_list("pk", "unread")
    )


def room_ids_for_user(user: User) -> list[int]:
    """Every room the user may use, even a direct room nobody wrote in yet
    (the user's stream listens to all of them)."""
    return list(_my_rooms(user).values_list("pk", flat=True))


def people_sharing_courses(user: User, *, search: str = "") -> QuerySet[User]:
    """`messageable_people(user)` (whom a direct or group room may hold),
    by name. `search` matches display names and usernames."""
    people = messageable_people(user)
    search = search.replace("\x00", "")  # PostgreSQL text holds no NUL
    if search:
        people = people.filter(
            Q(display_name__icontains=search) | Q(username__icontains=search)
        )
    return people.order_by(
        Coalesce(NullIf("display_name", Value("")), "username"), "pk"
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
        "image": attachment.content_type in PREVIEWED_TYPES,
    }


def message_frame(
    message: Message, *, attachments: Iterable[Attachment] | None = None
) -> dict[str, Any]:
    """The `chat_message` frame with every key (the seed's fields plus
    more), as the REST API and the pages give it; sockets send
    `compact_frame` of it.

    Needs `sender` selected, and `attachments` prefetched unless given.
    """
    if attachments is None:
        attachments = message.attachments.all()
    frame = {
        "type": "chat_message",
        "id": message.pk,
        "room": message.room_id,
        "message": message.body,
        "html": message.html,
        "user": message.sender.username,
        "name": message.sender.name,
        "user_id": message.sender_id,
        "avatar": message.sender.avatar_url(64),
        "datetime": message.created.isoformat(),
        "client_id": str(message.client_id) if message.client_id else None,
        "mentions": message.mentions,
        "attachments": [attachment_frame(attachment) for attachment in attachments],
        "edited": message.edited.isoformat() if message.edited else None,
        "deleted": message.is_deleted,
    }
    if message.is_deleted:
        frame["moderated"] = message.deleted_by_id != message.sender_id
    return frame


def plain_html(text: str) -> str:
    """The html of a text Markdown leaves as it is: escaped, in a paragraph
    (as nh3 writes it, so it can be compared with a stored `html`)."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f"<p>{escaped}</p>"


def _without_plain_html(frame: dict[str, Any]) -> dict[str, Any]:
    if frame["html"] == plain_html(frame["message"]):
        del frame["html"]
    return frame


def compact_frame(frame: dict[str, Any]) -> dict[str, Any]:
    """A `message_frame` as the socket sends it, to every socket of the
    room: `edited` and `deleted` only when set, `html` only when it says
    more than `message` (a client shows a missing `html` as the text in a
    paragraph), so a plain message costs no more bytes than before them."""
    if frame["edited"] is None:
        del frame["edited"]
    if not frame["deleted"]:
        del frame["deleted"]
    return _without_plain_html(frame)


def message_edited_frame(message: Message) -> dict[str, Any]:
    """The `message_edited` server frame: the new text of message `id`
    (`html` left out as in `compact_frame`), and the room's `change` number
    it took."""
    return _without_plain_html(
        {
            "type": "message_edited",
            "id": message.pk,
            "room": message.room_id,
            "message": message.body,
            "html": message.html,
            "mentions": message.mentions,
            "edited": message.edited.isoformat(),
            "change": message.change,
        }
    )


def message_deleted_frame(message: Message) -> dict[str, Any]:
    """The `message_deleted` server frame; `moderated` when someone other
    than its author removed it; the room's `change` number it took."""
    return {
        "type": "message_deleted",
        "id": message.pk,
        "room": message.room_id,
        "deleted": message.deleted.isoformat(),
        "moderated": message.deleted_by_id != message.sender_id,
        "change": message.change,
    }


def change_frame(message: Message) -> dict[str, Any]:
    """`message_deleted` or `message_edited`, as the message is now."""
    if message.is_deleted:
        return message_deleted_frame(message)
    return message_edited_frame(message)


def unread_messages_frame(counts: dict[int, int]) -> dict[str, Any]:
    """The user stream's `unread_messages` frame: unread over all rooms
    (`counts` from `unread_message_counts`)."""
    return {"type": "unread_messages", "total": sum(counts.values())}


def room_unread_frame(room_id: int, counts: dict[int, int]) -> dict[str, Any]:
    """The user stream's `room_unread` frame: the user's read marker moved
    in `room_id`; its unread count and the total over all rooms."""
    return {
        "type": "room_unread",
        "room": room_id,
        "unread": counts.get(room_id, 0),
        "total": sum(counts.values()),
    }
