"""Writes to chat. Every transport (sockets, API, pages) calls these, after
`educa.chat.access.room_for` found the room; each push to a socket happens
after commit."""

import re
from collections.abc import Sequence
from contextlib import nullcontext
from uuid import UUID

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from educa.accounts.models import User
from educa.chat.models import Attachment, Membership, Message, Room
from educa.chat.permissions import (
    NOT_ALLOWED,
    can_archive_room,
    can_message_directly,
    may_use_room,
)
from educa.chat.protocol import read_frame, room_archived_frame, typing_frame
from educa.chat.selectors import (
    compact_frame,
    message_frame,
    people_sharing_courses,
    room_ids_for_user,
    room_members,
    room_unread_frame,
    unread_message_counts,
)
from educa.courses.models import Course
from educa.courses.permissions import viewable_courses
from educa.markdown import render_markdown
from educa.ops.locks import held
from educa.realtime.consumers import ACCESS_CHANGED
from educa.realtime.notify import notify_user, notify_users, push_to_room, push_to_user

MAX_MESSAGE_LENGTH = 4000
MENTION = re.compile(r"(?<![\w@])@([\w.+-]+)")
# The lock namespace (educa/ops/locks.py) of "one room's messages".
ROOM_ORDER_LOCK = 7301
NO_SUCH_PERSON = "No one you share a course with has that id."
MAX_GROUP_MEMBERS = 50
MAX_TITLE_LENGTH = 200
EXCERPT_LENGTH = 140
# A person's typing is announced at most once per this many seconds per room.
TYPING_EVERY_SECONDS = 2


def open_course_room(*, course: Course) -> Room:
    """The course's room, made once (its people are the course's)."""
    try:
        with transaction.atomic():
            room, _ = Room.objects.get_or_create(
                course=course,
                defaults={"kind": Room.Kind.COURSE, "title": course.title},
            )
    except IntegrityError:
        # Someone else opened it at the same moment.
        room = Room.objects.get(course=course)
    room.course = course
    return room


def rooms_to_follow(*, user: User) -> list[int]:
    """The ids of every room `user` may use, for their stream to listen to;
    the rooms of their courses are opened first if nobody had yet."""
    for course in viewable_courses(user).filter(chat_room__isnull=True):
        open_course_room(course=course)
    return room_ids_for_user(user)


def clean_body(body: object, *, allow_empty: bool = False) -> str:
    """The message text as stored, or ValidationError with the code the
    socket sends: text of 1 (0 with `allow_empty`: a message sharing files)
    to MAX_MESSAGE_LENGTH characters after trimming, with nothing a
    database or a frame cannot carry."""
    if not isinstance(body, str):
        raise ValidationError("The message must be text.", code="invalid_frame")
    body = body.strip()
    if not body and not allow_empty:
        raise ValidationError("The message is empty.", code="empty_message")
    if len(body) > MAX_MESSAGE_LENGTH:
        raise ValidationError(
            f"The message is longer than {MAX_MESSAGE_LENGTH} characters.",
            code="message_too_long",
        )
    # JSON can escape a NUL or half of a surrogate pair; neither PostgreSQL
    # nor UTF-8 can hold them.
    if "\x00" in body or not _encodable(body):
        raise ValidationError(
            "The message holds characters that cannot be stored "
            "(NUL or an unpaired surrogate).",
            code="invalid_characters",
        )
    return body


def _encodable(text: str) -> bool:
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def render_body(body: str) -> str:
    """A message's html, rendered once when it is stored or edited."""
    return str(render_markdown(body, profile="chat")).strip() if body else ""


def mentioned_members(room: Room, body: str, sender: User) -> list[User]:
    """The room's people (but the sender) whom `body` @mentions."""
    names = {name.rstrip(".") for name in MENTION.findall(body)}
    if not names:
        return []
    return list(
        room_members(room)
        .filter(username__in=names)
        .exclude(pk=sender.pk)
        .order_by("username")
    )


def post_message(
    *,
    room: Room,
    sender: User,
    body: object,
    client_id: UUID | None = None,
    attachment_ids: Sequence[int] = (),
) -> tuple[Message, bool]:
    """Store a message, then (after commit) broadcast it to the room.

    `room` comes from `room_for` (its course loaded). A `client_id` the
    sender used before returns that earlier message and `False`, stores and
    broadcasts nothing: a retried send is kept once. Raises PermissionDenied
    for people who may not use the room and ValidationError (with a code the
    socket sends as its error code) for archived rooms and bad bodies.
    """
    if not may_use_room(sender, room):
        raise PermissionDenied(NOT_ALLOWED)
    if room.is_archived:
        raise ValidationError("This room is archived.", code="room_archived")
    body = clean_body(body, allow_empty=bool(attachment_ids))
    html = render_body(body)  # before the room's lock: it holds others back
    mentioned = mentioned_members(room, body, sender)
    # Alone, one INSERT is its own transaction. Several writes are all or
    # nothing, and inside a caller's transaction a savepoint keeps a resent
    # client_id (refused by the unique constraint) from spoiling it.
    needs_atomic = (
        attachment_ids
        or mentioned
        or room.kind == Room.Kind.DIRECT
        or connection.in_atomic_block
    )
    try:
        with (
            # A room's messages are stored and published one at a time, on
            # every worker: a message's id is taken at the INSERT but heard
            # at the PUBLISH after commit, and two workers could publish in
            # the other order, so a client reconnecting with the highest id
            # it saw (`?after=`) would skip the earlier one.
            held(ROOM_ORDER_LOCK, room.pk),
            transaction.atomic() if needs_atomic else nullcontext(),
        ):
            message = Message.objects.create(
                room=room,
                sender=sender,
                body=body,
                html=html,
                client_id=client_id,
                mentions=[user.username for user in mentioned],
            )
            attachments = _claim_attachments(room, sender, message, attachment_ids)
            frame = message_frame(message, attachments=attachments)
            push_to_room(room.pk, compact_frame(frame))
            _notify_readers(room, message, mentioned)
    except IntegrityError:
        earlier = _earlier_message(sender, client_id) if client_id else None
        if earlier is None:
            raise
        return earlier, False  # a retry: stored the first time
    return message, True


def _earlier_message(sender: User, client_id: UUID) -> Message | None:
    try:
        return (
            Message.objects.select_related("sender")
            .prefetch_related("attachments")
            .get(sender=sender, client_id=client_id)
        )
    except Message.DoesNotExist:
        return None


def _claim_attachments(
    room: Room, sender: User, message: Message, attachment_ids: Sequence[int]
) -> list[Attachment]:
    if not attachment_ids:
        return []
    unclaimed = Attachment.objects.filter(
        pk__in=attachment_ids, room=room, uploader=sender, message__isnull=True
    )
    if unclaimed.update(message=message) != len(set(attachment_ids)):
        raise ValidationError(
            "Unknown or already used attachment.", code="invalid_attachment"
        )
    return list(Attachment.objects.filter(message=message))


def room_link(room: Room, message: Message | None = None) -> str:
    """The page of the room (at `message`), as notifications link to it."""
    link = reverse("chat_room", args=[room.pk])
    return f"{link}#message-{message.pk}" if message else link


def room_name(room: Room) -> str:
    """A course room's course title, a group's title ("" for direct rooms)."""
    return room.course.title if room.kind == Room.Kind.COURSE else room.title


def message_summary(room: Room, message: Message) -> dict:
    """What a notification about `message` says (educa/chat/templates/
    notifications/chat.*.html) and where it links."""
    sender = message.sender
    return {
        "room": room.pk,
        "room_title": room_name(room),
        "room_kind": room.kind,
        "message_id": message.pk,
        "sender_id": sender.pk,
        "sender": sender.name,
        "excerpt": message.body[:EXCERPT_LENGTH],
        "url": room_link(room, message),
    }


def notify_mentioned(room: Room, message: Message, mentioned: Sequence[User]) -> None:
    if not mentioned:
        return
    summary = message_summary(room, message)
    for user in mentioned:
        notify_user(user.pk, {"type": "chat.mention", **summary})


def _notify_readers(room: Room, message: Message, mentioned: list[User]) -> None:
    # Runs under the room's order lock for every message: a course room
    # message that mentions nobody builds no summary.
    notify_mentioned(room, message, mentioned)
    if room.kind != Room.Kind.DIRECT:
        return
    summary = message_summary(room, message)
    mentioned_ids = {user.pk for user in mentioned}
    for user_id in (
        Membership.objects.filter(room=room)
        .exclude(user=message.sender)
        .values_list("user_id", flat=True)
    ):
        if user_id not in mentioned_ids:
            notify_user(user_id, {"type": "chat.direct_message", **summary})


def _direct_key(a: User, b: User) -> str:
    low, high = sorted((a.pk, b.pk))
    return f"{low}:{high}"


@transaction.atomic
def open_direct_room(*, user: User, other: User) -> tuple[Room, bool]:
    """The one direct room of the pair, created on first use.

    Only with an active person who shares a course with `user`; anyone else
    gets the same refusal, so the call tells nothing about who exists.
    """
    if user.pk == other.pk:
        raise ValidationError("A direct conversation needs two people.")
    if not can_message_directly(user, other):
        raise ValidationError(NO_SUCH_PERSON)
    key = _direct_key(user, other)
    try:
        with transaction.atomic():
            room, created = Room.objects.get_or_create(
                direct_key=key,
                defaults={"kind": Room.Kind.DIRECT, "created_by": user},
            )
    except IntegrityError:
        # The other person opened it at the same moment.
        room, created = Room.objects.get(direct_key=key), False
    if created:
        Membership.objects.bulk_create(
            [Membership(room=room, user=user), Membership(room=room, user=other)]
        )
        # Their streams start listening to the new room.
        for person in (user, other):
            push_to_user(person.pk, {"type": ACCESS_CHANGED})
    return room, created


@transaction.atomic
def create_group_room(*, by: User, title: str, members: Sequence[User]) -> Room:
    """A named room of `by` and `members`, who must all be people `by`
    shares a course with (anyone else gets the same refusal as an unknown
    id). Each member hears of it."""
    title = title.strip() if isinstance(title, str) else ""
    if not title:
        raise ValidationError("A group room needs a title.", code="title")
    if "\x00" in title or not _encodable(title):
        raise ValidationError(
            "The title holds characters that cannot be stored.", code="title"
        )
    if len(title) > MAX_TITLE_LENGTH:
        raise ValidationError(
            f"The title is longer than {MAX_TITLE_LENGTH} characters.", code="title"
        )
    others = {member.pk: member for member in members if member.pk != by.pk}
    if not others:
        raise ValidationError("Choose at least one other person.", code="members")
    if len(others) > MAX_GROUP_MEMBERS:
        raise ValidationError(
            f"A group room holds at most {MAX_GROUP_MEMBERS} other people.",
            code="members",
        )
    known = set(
        people_sharing_courses(by).filter(pk__in=others).values_list("pk", flat=True)
    )
    if known != set(others):
        raise ValidationError(NO_SUCH_PERSON, code="members")
    room = Room(kind=Room.Kind.GROUP, title=title, created_by=by)
    room.full_clean()
    room.save()
    Membership.objects.bulk_create(
        [Membership(room=room, user_id=pk) for pk in [by.pk, *others]]
    )
    for pk in [by.pk, *others]:
        push_to_user(pk, {"type": ACCESS_CHANGED})
    notify_users(
        list(others),
        {
            "type": "chat.group_added",
            "room": room.pk,
            "room_title": room.title,
            "actor_id": by.pk,
            "actor_name": by.name,
            "url": room_link(room),
        },
    )
    return room


@transaction.atomic
def mark_read(*, room: Room, user: User, message_id: int) -> Membership:
    """Move the user's read marker forward to `message_id` (never backward)."""
    if not may_use_room(user, room):
        raise PermissionDenied(NOT_ALLOWED)
    if not Message.objects.filter(room_id=room.pk, pk=message_id).exists():
        raise ValidationError(
            "No such message in this room.", code="invalid_message_id"
        )
    # A course room's people get their marker the first time they read.
    membership, _ = Membership.objects.select_for_update().get_or_create(
        room=room, user=user
    )
    if message_id > membership.last_read_message_id:
        membership.last_read_message_id = message_id
        membership.save(update_fields=["last_read_message_id"])
        if room.kind != Room.Kind.COURSE:
            # Read receipts for the few people of a direct or group room; in
            # a course room every reader would tell every other one.
            push_to_room(room.pk, read_frame(room.pk, user, message_id))
        # Every tab and device of the user: room lists, inbox, header.
        push_to_user(user.pk, room_unread_frame(room.pk, unread_message_counts(user)))
    return membership


@transaction.atomic
def archive_room(*, room: Room, by: User) -> Room:
    """Make the room read-only; its members are told at once."""
    if not can_archive_room(by, room):
        raise PermissionDenied("You may not archive this room.")
    if not room.is_archived:
        room.status = Room.Status.ARCHIVED
        room.save(update_fields=["status"])
        push_to_room(room.pk, room_archived_frame(room.pk))
    return room


def announce_typing(*, room: Room, user: User) -> None:
    """Tell the room that `user` is typing (not stored), at most once per
    TYPING_EVERY_SECONDS however many sockets and frames they send."""
    if not cache.add(f"typing:{room.pk}:{user.pk}", 1, TYPING_EVERY_SECONDS):
        return
    push_to_room(room.pk, typing_frame(room.pk, user))
