"""Who may use which room. The pages, the API, the sockets (and GraphQL)
reach a room only through `educa.chat.access.room_for`, which asks these, so
they can never disagree.

A course's room belongs to the course's people: its instructor and enrolled
students (`educa.courses.permissions`), nobody else, and nobody has to be
added or removed when someone enrolls. Direct and group rooms belong to their
Membership rows. In every room a Membership row also keeps the person's read
marker; in a course room it is made the first time they read.
"""

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils import timezone

from educa.accounts.models import User
from educa.chat.models import Membership, Message, Room
from educa.courses.models import Enrollment
from educa.courses.permissions import can_view_contents, viewable_courses

NOT_ALLOWED = "Only the room's members may use it."


def may_use_room(user: User | AnonymousUser, room: Room) -> bool:
    """Read, post, react: members only. `room.course` must be loaded for
    course rooms (room_for loads it)."""
    if not user.is_authenticated:
        return False
    if room.kind == Room.Kind.COURSE:
        return can_view_contents(user, room.course)
    return Membership.objects.filter(room_id=room.pk, user_id=user.pk).exists()


def messageable_people(user: User | AnonymousUser) -> QuerySet[User]:
    """Whom `user` may write to directly (or put in a group room): active
    people other than `user` who teach or take a course `user` teaches or
    takes."""
    courses = viewable_courses(user)
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(courses_created__in=courses)
            | Q(
                pk__in=Enrollment.objects.filter(course__in=courses).values(
                    "student_id"
                )
            )
        )
        .exclude(pk=user.pk)
        .distinct()
    )


def people_to_message(user: User | AnonymousUser, people: Iterable[User]) -> set[int]:
    """The ids of those of `people` in `messageable_people(user)`, in one
    query (for pages that list people)."""
    if not user.is_authenticated:
        return set()
    ids = {each.pk for each in people if each.is_active and each.pk != user.pk}
    if not ids:
        return set()
    return set(messageable_people(user).filter(pk__in=ids).values_list("pk", flat=True))


def can_message_directly(user: User | AnonymousUser, other: User) -> bool:
    """Whether `user` may open a direct room with `other`."""
    return other.pk in people_to_message(user, [other])


def can_archive_room(user: User | AnonymousUser, room: Room) -> bool:
    """A course room's instructor, a group's creator, either person of a direct room."""
    if not user.is_authenticated:
        return False
    if room.kind == Room.Kind.COURSE:
        return room.course.owner_id == user.pk
    if room.kind == Room.Kind.GROUP:
        return room.created_by_id == user.pk
    return may_use_room(user, room)


def can_moderate_room(user: User | AnonymousUser, room: Room) -> bool:
    """Who may delete anyone's message in the room: a course room's
    instructor, and operators (staff holding `chat.delete_message`).
    `room.course` must be loaded for course rooms."""
    if not user.is_authenticated:
        return False
    if room.kind == Room.Kind.COURSE and room.course.owner_id == user.pk:
        return True
    return user.is_staff and user.has_perm("chat.delete_message")


def _within_edit_window(message: Message) -> bool:
    window = timedelta(minutes=settings.CHAT_EDIT_WINDOW_MINUTES)
    return timezone.now() - message.created <= window


def can_edit_message(user: User | AnonymousUser, message: Message) -> bool:
    """Its author, within CHAT_EDIT_WINDOW_MINUTES of sending it, while
    the message and its room are there to change. `message.room` must be
    loaded."""
    return (
        user.is_authenticated
        and message.sender_id == user.pk
        and not message.is_deleted
        and not message.room.is_archived
        and _within_edit_window(message)
    )


def can_delete_message(user: User | AnonymousUser, message: Message) -> bool:
    """Its author within the edit window (in a room not archived), or the
    room's moderator (`can_moderate_room`) at any time. `message.room` (and
    a course room's `course`) must be loaded."""
    if message.is_deleted:
        return False
    return can_edit_message(user, message) or can_moderate_room(user, message.room)
