from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from educa.accounts.models import User
from educa.chat.access import room_for
from educa.chat.missed import unsubscribe
from educa.chat.models import Room
from educa.chat.permissions import can_moderate_room
from educa.chat.routing import room_socket_path
from educa.chat.selectors import (
    HISTORY_LIMIT,
    message_frame,
    people_sharing_courses,
    room_change,
    room_history,
    room_title,
    rooms_for_user,
)
from educa.chat.services import (
    MAX_MESSAGE_LENGTH,
    NO_SUCH_PERSON,
    create_group_room,
    open_direct_room,
)
from educa.realtime.selectors import notification_text, user_notifications

INBOX_NOTIFICATIONS = 20
PEOPLE_PER_PAGE = 20


def _titled(rooms: list[Room]) -> list[Room]:
    for each in rooms:
        each.display_title = room_title(each)
    return rooms


def _render_room(request: HttpRequest, **lookup: int) -> HttpResponse:
    try:
        found = room_for(request.user, **lookup)
    except Room.DoesNotExist:
        raise Http404("No such room.") from None
    except PermissionDenied:
        raise PermissionDenied("Only the room's members may read it.") from None
    rooms = _titled(list(rooms_for_user(request.user, including=found.pk)))
    room = next(each for each in rooms if each.pk == found.pk)
    # Read before the history: a change in between is replayed, not lost.
    changes = room_change(room.pk)
    history = room_history(room.pk)
    return render(
        request,
        "chat/room.html",
        {
            "room": room,
            "rooms": rooms,
            "title": room.display_title,
            "history": [message_frame(message) for message in history],
            "chat_config": {
                "socket": room_socket_path(room.pk),
                "room": room.pk,
                "userId": request.user.pk,
                "avatar": request.user.avatar_url(64),
                "lastId": history[-1].pk if history else 0,
                "changes": changes,
                "lastRead": room.last_read,
                "firstUnreadId": room.first_unread_id,
                "archived": room.is_archived,
                "moderator": can_moderate_room(request.user, found),
                "editWindowSeconds": settings.CHAT_EDIT_WINDOW_MINUTES * 60,
                "messagesPerSecond": settings.CHAT_MESSAGES_PER_SECOND,
                "maxLength": MAX_MESSAGE_LENGTH,
                "pageSize": HISTORY_LIMIT,
                "maxUploadBytes": settings.CHAT_ATTACHMENT_MAX_SIZE,
                "historyUrl": reverse("chat-room-messages", args=[room.pk]),
                "uploadUrl": reverse("chat-room-attachments", args=[room.pk]),
                # The page appends a person's id.
                "directUrl": reverse("chat_start_direct", args=[0]).removesuffix("0/"),
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
    notifications = list(user_notifications(request.user.pk)[:INBOX_NOTIFICATIONS])
    for notification in notifications:
        notification.text = notification_text(notification)
    return render(
        request,
        "chat/inbox.html",
        {
            "rooms": _titled(list(rooms_for_user(request.user))),
            "notifications": notifications,
        },
    )


@login_required
def new_conversation(request: HttpRequest) -> HttpResponse:
    """The people I share a course with (`?q=` searches their names): write
    to one, or make a group room of several with a title."""
    if request.method == "POST":
        return _create_group(request)
    search = request.GET.get("q", "").strip()[:100]
    page = Paginator(
        people_sharing_courses(request.user, search=search), PEOPLE_PER_PAGE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "chat/new.html",
        {"page": page, "search": search},
    )


def _create_group(request: HttpRequest) -> HttpResponse:
    ids = [value for value in request.POST.getlist("members") if value.isdigit()]
    members = list(User.objects.filter(pk__in=ids))
    try:
        group = create_group_room(
            by=request.user, title=request.POST.get("title", ""), members=members
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("chat_new")
    return redirect("chat_room", group.pk)


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
