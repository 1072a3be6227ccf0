from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from educa.chat.models import Membership, Room
from educa.chat.selectors import (
    course_room_membership,
    membership_in,
    room_history,
    rooms_for_user,
)
from educa.courses.models import Course
from educa.realtime.selectors import user_notifications

INBOX_NOTIFICATIONS = 20


def _render_room(
    request: HttpRequest, membership: Membership, title: str
) -> HttpResponse:
    room = membership.room
    history = room_history(room.pk)
    return render(
        request,
        "chat/room.html",
        {
            "room": room,
            "title": title,
            "history": history,
            "chat_config": {
                "socket": f"/ws/chat/{room.pk}/",
                "room": room.pk,
                "userId": request.user.pk,
                "lastId": history[-1].pk if history else 0,
                "archived": room.is_archived,
            },
        },
    )


@login_required
def course_chat_room(request: HttpRequest, course_id: int) -> HttpResponse:
    """The course's chat room: its instructor and enrolled students only."""
    course = get_object_or_404(Course.objects.only("pk", "title"), pk=course_id)
    membership = course_room_membership(request.user.pk, course.pk)
    if membership is None:
        raise PermissionDenied("Only the course's students and instructor may chat.")
    return _render_room(request, membership, course.title)


@login_required
def room(request: HttpRequest, room_id: int) -> HttpResponse:
    """Any room (direct or group) by id, for its members."""
    get_object_or_404(Room.objects.only("pk"), pk=room_id)
    membership = membership_in(request.user.pk, room_id)
    if membership is None:
        raise PermissionDenied("Only the room's members may read it.")
    rooms = rooms_for_user(request.user).filter(pk=room_id)
    return _render_room(request, membership, _room_title(rooms[0]))


def _room_title(room: Room) -> str:
    if room.kind == Room.Kind.COURSE:
        return room.course.title
    if room.kind == Room.Kind.DIRECT:
        return room.other_display_name or room.other_username or "Direct messages"
    return room.title


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """My rooms with unread badges, and my latest notifications."""
    rooms = list(rooms_for_user(request.user))
    for each in rooms:
        each.display_title = _room_title(each)
    return render(
        request,
        "chat/inbox.html",
        {
            "rooms": rooms,
            "notifications": user_notifications(request.user.pk)[:INBOX_NOTIFICATIONS],
        },
    )
