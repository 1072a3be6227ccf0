"""Writes to chat. Every transport (sockets, API, pages) and the course
services call these; each push to a socket happens after commit."""

import re
from collections.abc import Sequence
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from educa.accounts.models import User
from educa.chat.models import Attachment, Membership, Message, Room
from educa.chat.permissions import can_archive_room
from educa.chat.selectors import membership_in, message_frame
from educa.courses.models import Course
from educa.realtime.notify import notify_user, push_to_room

MAX_MESSAGE_LENGTH = 4000
MENTION = re.compile(r"(?<![\w@])@([\w.+-]+)")


@transaction.atomic
def open_course_room(*, course: Course) -> Room:
    """The course's room, with its instructor as a member (created once)."""
    room, _ = Room.objects.get_or_create(
        course=course, defaults={"kind": Room.Kind.COURSE, "title": course.title}
    )
    Membership.objects.get_or_create(room=room, user_id=course.owner_id)
    return room


@transaction.atomic
def admit_student(*, course: Course, student: User) -> Membership:
    """Give a newly enrolled student the course room and tell the instructor."""
    room = open_course_room(course=course)
    membership, created = Membership.objects.get_or_create(room=room, user=student)
    if created:
        notify_user(
            course.owner_id,
            {
                "type": "enrollment.created",
                "course_id": course.pk,
                "course_title": course.title,
                "student_id": student.pk,
                "student": student.name,
            },
        )
    return membership


@transaction.atomic
def dismiss_student(*, course: Course, student: User) -> None:
    """Take an unenrolled student out of the course room; tell the instructor.

    Their open sockets on the room are closed (they are no longer a member).
    """
    room = Room.objects.filter(course=course).first()
    if room is None:
        return
    deleted, _ = Membership.objects.filter(room=room, user=student).delete()
    if not deleted:
        return
    push_to_room(
        room.pk, {"type": "member_left", "room": room.pk, "user_id": student.pk}
    )
    notify_user(
        course.owner_id,
        {
            "type": "enrollment.deleted",
            "course_id": course.pk,
            "course_title": course.title,
            "student_id": student.pk,
            "student": student.name,
        },
    )


def _clean_body(body: object) -> str:
    if not isinstance(body, str):
        raise ValidationError("The message must be text.", code="invalid_frame")
    body = body.strip()
    if not body:
        raise ValidationError("The message is empty.", code="empty_message")
    if len(body) > MAX_MESSAGE_LENGTH:
        raise ValidationError(
            f"The message is longer than {MAX_MESSAGE_LENGTH} characters.",
            code="message_too_long",
        )
    return body


def _mentioned_members(room: Room, body: str, sender: User) -> list[User]:
    names = {name.rstrip(".") for name in MENTION.findall(body)}
    if not names:
        return []
    return list(
        User.objects.filter(chat_memberships__room=room, username__in=names)
        .exclude(pk=sender.pk)
        .order_by("username")
    )


def post_message(
    *,
    room_id: int,
    sender: User,
    body: object,
    client_id: UUID | None = None,
    attachment_ids: Sequence[int] = (),
) -> tuple[Message, bool]:
    """Store a message, then (after commit) broadcast it to the room.

    A `client_id` the sender used before returns that earlier message and
    `False`, stores and broadcasts nothing: a retried send is kept once.
    Raises PermissionDenied for non-members and ValidationError (with a code
    the socket sends as its error code) for archived rooms and bad bodies.
    """
    if not attachment_ids:
        message = _post_plain(room_id, sender, body, client_id)
        if message is not None:
            return message, True
    return _post_message(
        room_id=room_id,
        sender=sender,
        body=body,
        client_id=client_id,
        attachment_ids=attachment_ids,
    )


# Most messages are plain text from a member of a course or group room: one
# statement stores them and checks that the sender may (at R = 100 this
# raised a worker's fan-out by a third over the general path's six round
# trips). A resent client_id stores nothing here.
_STORE_PLAIN = """
    INSERT INTO chat_message
        (room_id, sender_id, body, created, client_id, mentions)
    SELECT membership.room_id, membership.user_id, %s, %s, %s, '[]'
    FROM chat_membership AS membership
    JOIN chat_room AS room ON room.id = membership.room_id
    WHERE membership.user_id = %s AND membership.room_id = %s
        AND room.status = %s AND room.kind <> %s
    ON CONFLICT (sender_id, client_id) WHERE client_id IS NOT NULL DO NOTHING
    RETURNING id
"""


def _post_plain(
    room_id: int, sender: User, body: object, client_id: UUID | None
) -> Message | None:
    """The message stored and pushed, or None: it was not a plain message a
    member may send (mentions, a direct room, an archived room, a bad body,
    a resent client_id, a stranger), and the general path decides, refusing
    with the reason."""
    try:
        body = _clean_body(body)
    except ValidationError:
        return None  # refused by the general path, after the membership check
    if "@" in body:
        return None
    message = Message(
        room_id=room_id,
        sender=sender,
        body=body,
        created=timezone.now(),
        client_id=client_id,
        mentions=[],
    )
    prepared = [
        Message._meta.get_field(name).get_db_prep_save(
            getattr(message, name), connection
        )
        for name in ("body", "created", "client_id")
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            _STORE_PLAIN,
            [
                *prepared,
                sender.pk,
                room_id,
                Room.Status.ACTIVE,
                Room.Kind.DIRECT,
            ],
        )
        stored = cursor.fetchone()
    if stored is None:
        return None
    message.pk = stored[0]
    message._prefetched_objects_cache = {"attachments": []}
    push_to_room(room_id, message_frame(message))
    return message


@transaction.atomic
def _post_message(
    *,
    room_id: int,
    sender: User,
    body: object,
    client_id: UUID | None,
    attachment_ids: Sequence[int],
) -> tuple[Message, bool]:
    membership = membership_in(sender.pk, room_id)
    if membership is None:
        raise PermissionDenied("You are not a member of this room.")
    room = membership.room
    if room.is_archived:
        raise ValidationError("This room is archived.", code="room_archived")
    body = _clean_body(body)
    if client_id is not None:
        earlier = _earlier_message(sender, client_id)
        if earlier is not None:
            return earlier, False
    mentioned = _mentioned_members(room, body, sender)
    try:
        with transaction.atomic():
            message = Message.objects.create(
                room=room,
                sender=sender,
                body=body,
                client_id=client_id,
                mentions=[user.username for user in mentioned],
            )
    except IntegrityError:
        # The same retry raced in on another socket and won.
        return _earlier_message(sender, client_id), False
    attachments = _claim_attachments(room, sender, message, attachment_ids)
    # Prefetch cache so the frame needs no query.
    message._prefetched_objects_cache = {"attachments": attachments}
    frame = message_frame(message)
    push_to_room(room.pk, frame)
    _notify_readers(room, message, mentioned)
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


def _notify_readers(room: Room, message: Message, mentioned: list[User]) -> None:
    sender = message.sender
    summary = {
        "room": room.pk,
        "message_id": message.pk,
        "sender_id": sender.pk,
        "sender": sender.name,
        "excerpt": message.body[:140],
    }
    for user in mentioned:
        notify_user(user.pk, {"type": "chat.mention", **summary})
    if room.kind == Room.Kind.DIRECT:
        mentioned_ids = {user.pk for user in mentioned}
        for user_id in (
            Membership.objects.filter(room=room)
            .exclude(user=sender)
            .values_list("user_id", flat=True)
        ):
            if user_id not in mentioned_ids:
                notify_user(user_id, {"type": "chat.direct_message", **summary})


def _direct_key(a: User, b: User) -> str:
    low, high = sorted((a.pk, b.pk))
    return f"{low}:{high}"


@transaction.atomic
def open_direct_room(*, user: User, other: User) -> tuple[Room, bool]:
    """The one direct room of the pair, created on first use."""
    if user.pk == other.pk:
        raise ValidationError("A direct conversation needs two people.")
    if not other.is_active:
        raise ValidationError("That person cannot receive messages.")
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
    return room, created


@transaction.atomic
def create_group_room(*, by: User, title: str, members: Sequence[User]) -> Room:
    """A named room of `by` and `members`."""
    title = title.strip()
    if not title:
        raise ValidationError("A group room needs a title.")
    room = Room(kind=Room.Kind.GROUP, title=title, created_by=by)
    room.full_clean()
    room.save()
    people = {by.pk: by, **{member.pk: member for member in members}}
    Membership.objects.bulk_create(
        [Membership(room=room, user=person) for person in people.values()]
    )
    return room


@transaction.atomic
def mark_read(*, room_id: int, user: User, message_id: int) -> Membership:
    """Move the user's read marker forward to `message_id` (never backward)."""
    membership = (
        Membership.objects.select_for_update()
        .filter(room_id=room_id, user=user)
        .first()
    )
    if membership is None:
        raise PermissionDenied("You are not a member of this room.")
    if not Message.objects.filter(room_id=room_id, pk=message_id).exists():
        raise ValidationError(
            "No such message in this room.", code="invalid_message_id"
        )
    if message_id > membership.last_read_message_id:
        membership.last_read_message_id = message_id
        membership.save(update_fields=["last_read_message_id"])
        push_to_room(
            room_id,
            {
                "type": "read",
                "room": room_id,
                "user": user.username,
                "user_id": user.pk,
                "message_id": message_id,
            },
        )
    return membership


@transaction.atomic
def archive_room(*, room: Room, by: User) -> Room:
    """Make the room read-only; its members are told at once."""
    if not can_archive_room(by, room):
        raise PermissionDenied("You may not archive this room.")
    if not room.is_archived:
        room.status = Room.Status.ARCHIVED
        room.save(update_fields=["status"])
        push_to_room(room.pk, {"type": "room_archived", "room": room.pk})
    return room


def announce_typing(*, room_id: int, user: User) -> None:
    """Tell the room that `user` is typing (not stored)."""
    push_to_room(
        room_id,
        {
            "type": "typing",
            "room": room_id,
            "user": user.username,
            "name": user.name,
            "user_id": user.pk,
        },
    )
