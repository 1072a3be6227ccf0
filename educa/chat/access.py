"""The one way to a room: fetch it for a person, or refuse (as Zulip's
`access_message` does). Every transport calls `room_for` before it reads or
writes a room, and the services check `may_use_room` again on every write."""

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from educa.accounts.models import User
from educa.chat.models import Message, Room
from educa.chat.permissions import NOT_ALLOWED, may_use_room
from educa.chat.services import open_course_room
from educa.courses.models import Course


def room_for(
    user: User | AnonymousUser,
    *,
    room_id: int | None = None,
    course_id: int | None = None,
) -> Room:
    """The room (by id, or the course's) that `user` may use, with its course.

    Raises Room.DoesNotExist when there is no such room or course, and
    PermissionDenied when there is one but `user` may not use it. A course's
    room is made the first time one of its people asks for it.
    """
    if course_id is not None:
        room = _course_room(course_id)
    else:
        room = Room.objects.select_related("course").get(pk=room_id)
    if not may_use_room(user, room):
        raise PermissionDenied(NOT_ALLOWED)
    return room


def _course_room(course_id: int) -> Room:
    try:
        return Room.objects.select_related("course").get(course_id=course_id)
    except Room.DoesNotExist:
        pass
    try:
        course = Course.objects.get(pk=course_id)
    except Course.DoesNotExist:
        raise Room.DoesNotExist from None
    return open_course_room(course=course)


def message_for(
    user: User | AnonymousUser, message_id: int, *, room: Room | None = None
) -> Message:
    """The message (with its sender, and its room as `room_for` gives it)
    for someone who may use its room: in `room` when given (a socket's room:
    an id from elsewhere is unknown there).

    Raises Message.DoesNotExist or PermissionDenied as `room_for` does.
    """
    messages = Message.objects.select_related("sender")
    if room is not None:
        message = messages.get(pk=message_id, room_id=room.pk)
    else:
        message = messages.get(pk=message_id)
        room = room_for(user, room_id=message.room_id)
    message.room = room
    return message
