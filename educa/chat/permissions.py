"""Who may do what in chat. The page, the API and the sockets all ask these."""

from django.contrib.auth.models import AnonymousUser

from educa.accounts.models import User
from educa.chat.models import Membership, Room


def is_room_member(user: User | AnonymousUser, room: Room) -> bool:
    return (
        user.is_authenticated
        and Membership.objects.filter(room_id=room.pk, user_id=user.pk).exists()
    )


def can_join_room(user: User | AnonymousUser, room: Room) -> bool:
    """Members only: a course room's members are its owner and enrolled students."""
    return is_room_member(user, room)


def can_post_in_room(user: User | AnonymousUser, room: Room) -> bool:
    """Members of rooms that are not archived (archived rooms are read-only)."""
    return not room.is_archived and is_room_member(user, room)


def can_archive_room(user: User | AnonymousUser, room: Room) -> bool:
    """A course room's instructor, a group's creator, either person of a direct room."""
    if not user.is_authenticated:
        return False
    if room.kind == Room.Kind.COURSE:
        return room.course.owner_id == user.pk
    if room.kind == Room.Kind.GROUP:
        return room.created_by_id == user.pk
    return is_room_member(user, room)
