from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from educa.accounts.models import User
from educa.chat.access import room_for
from educa.chat.missed import unsubscribe
from educa.chat.models import Room
from educa.chat.routing import room_socket_path
from educa.chat.selectors import room_history, room_title, rooms_for_user
from educa.chat.services import NO_SUCH_PERSON, open_direct_room
from educa.realtime.selectors import user_notifications

INBOX_NOTIFICATIONS = 20


def _render_room(request: HttpRequest, **lookup: int) -> HttpResponse:
    try:
        found = room_for(request.user, **lookup)
    except Room.DoesNotExist:
        raise Http404("No such room.") from None
    except PermissionDenied:
        raise PermissionDenied("Only the room's members may read it.") from None
    room = rooms_for_user(request.user).get(pk=found.pk)
    history = room_history(room.pk)
    return render(
        request,
        "chat/room.html",
        {
            "room": room,
            "title": room_title(room),
            "history": history,
            "chat_config": {
                "socket": room_socket_path(room.pk),
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
    return _render_room(request, course_id=course_id)


@login_required
def room(request: HttpRequest, room_id: int) -> HttpResponse:
    """Any room by id, for its people."""
    return _render_room(request, room_id=room_id)


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """My rooms with unread badges, and my latest notifications."""
    rooms = list(rooms_for_user(request.user))
    for each in rooms:
        each.display_title = room_title(each)
    return render(
        request,
        "chat/inbox.html",
        {
            "rooms": rooms,
            "notifications": user_notifications(request.user.pk)[:INBOX_NOTIFICATIONS],
        },
    )


@login_required
@require_POST
def start_direct(request: HttpRequest, user_id: int) -> HttpResponse:
    """Open (or find) my direct room with a person, and go there.

    Anyone who shares no course with me gets the same 404 as an unknown id.
    """
    other = User.objects.filter(pk=user_id).first()
    if other is None:
        raise Http404(NO_SUCH_PERSON)
    try:
        direct, _ = open_direct_room(user=request.user, other=other)
    except ValidationError as error:
        if NO_SUCH_PERSON in error.messages:
            raise Http404(NO_SUCH_PERSON) from None
        messages.error(request, " ".join(error.messages))
        return redirect("chat_inbox")
    return redirect("chat_room", direct.pk)


@csrf_exempt  # the signed link is the credential; mail clients POST it (RFC 8058)
@require_http_methods(["GET", "HEAD", "POST"])
def missed_messages_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The one-click link in missed-message e-mails: no sign-in needed."""
    try:
        person = unsubscribe(token=token)
    except ValidationError as error:
        return render(
            request,
            "chat/unsubscribe.html",
            {"error": " ".join(error.messages)},
            status=400,
        )
    return render(request, "chat/unsubscribe.html", {"person": person})
