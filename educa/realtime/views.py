"""The notifications page, and the links every notification opens through."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from educa.realtime.models import Notification
from educa.realtime.selectors import (
    notification_text,
    notification_url,
    user_notifications,
)
from educa.realtime.services import mark_notifications_read, open_notification

PER_PAGE = 20


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    """My notifications, newest first, as sentences that link where they
    are about."""
    page = Paginator(user_notifications(request.user.pk), PER_PAGE).get_page(
        request.GET.get("page")
    )
    for notification in page:
        notification.text = notification_text(notification)
    return render(request, "realtime/notifications.html", {"page": page})


@login_required
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark my notification read and go where it links (the list when it
    links nowhere). Anyone else's is a 404."""
    try:
        notification = open_notification(
            user_id=request.user.pk, notification_id=notification_id
        )
    except Notification.DoesNotExist:
        raise Http404("No such notification.") from None
    return redirect(notification_url(notification) or "notification_list")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    """Mark all my notifications read."""
    mark_notifications_read(user_id=request.user.pk)
    return redirect("notification_list")
