"""Who may use which room. The pages, the API, the sockets (and GraphQL)
reach a room only through `educa.chat.access.room_for`, which asks these, so
they can never disagree.

A course's room belongs to the course's people: its instructor and enrolled
students (`educa.courses.permissions`), nobody else, and nobody has to be
added or removed when someone enrolls. Direct and group rooms belong to their
Membership rows. In every room a Membership row also keeps the person's read
marker; in a course room it is made the first time they read.
"""

from django.contrib.auth.models import AnonymousUser

from educa.accounts.models import User
from educa.chat.models import Membership, Room
from educa.courses.permissions import can_view_contents

NOT_ALLOWED = "Only the room's members may use it."


def may_use_room(user: User | AnonymousUser, room: Room) -> bool:
    """Read, post, react: members only. `room.course` must be loaded for
    course rooms (room_for loads it)."""
    if not user.is_authenticated:
        return False
    if room.kind == Room.Kind.COURSE:
        return can_view_contents(user, room.course)
    return Membership.objects.filter(room_id=room.pk, user_id=user.pk).exists()


def can_archive_room(user: User | AnonymousUser, room: Room) -> bool:
    """A course room's instructor, a group's creator, either person of a direct room."""
    if not user.is_authenticated:
        return False
    if room.kind == Room.Kind.COURSE:
        return room.course.owner_id == user.pk
    if room.kind == Room.Kind.GROUP:
        return room.created_by_id == user.pk
    return may_use_room(user, room)
