import re
from html import unescape
from typing import Any

from django.db.models import Count, QuerySet
from django.template.loader import render_to_string
from django.utils.html import strip_tags

from educa.realtime.models import Notification

REPLAY_LIMIT = 500
# Kinds are `<app>.<event>`; anything else is shown with the generic sentence.
_KIND = re.compile(r"^[a-z0-9_]+\.[a-z0-9_.]+$")


def user_notifications(user_id: int) -> QuerySet[Notification]:
    """The user's notifications, newest first."""
    return Notification.objects.filter(user_id=user_id).order_by("-id")


def notifications_after(user_id: int, after: int) -> list[Notification]:
    """What a reconnecting socket missed, oldest first (at most REPLAY_LIMIT)."""
    return list(
        Notification.objects.filter(user_id=user_id, id__gt=after).order_by("id")[
            :REPLAY_LIMIT
        ]
    )


def unread_notification_count(user_id: int) -> int:
    return Notification.objects.filter(user_id=user_id, read_at__isnull=True).count()


def unread_notification_counts(user_ids: list[int]) -> dict[int, int]:
    """Unread counts of many users in one query."""
    counts = dict(
        Notification.objects.filter(user_id__in=user_ids, read_at__isnull=True)
        .values("user_id")
        .annotate(total=Count("id"))
        .values_list("user_id", "total")
    )
    return {user_id: counts.get(user_id, 0) for user_id in user_ids}


def notification_text(notification: Notification) -> str:
    """The notification as a sentence a person reads ("Grace Hopper enrolled
    in Python for Beginners"), as plain text.

    Each app words its own kinds in `templates/notifications/<kind>.html`
    (context: `payload`, `notification`), found by Django's template
    loader; unknown kinds get `notifications/default.html`.
    """
    names = ["notifications/default.html"]
    if _KIND.match(notification.kind):
        names.insert(0, f"notifications/{notification.kind}.html")
    html = render_to_string(
        names, {"payload": notification.payload, "notification": notification}
    )
    return " ".join(unescape(strip_tags(html)).split())


def notification_url(notification: Notification) -> str | None:
    """The site path the notification is about (its payload's `url`), or
    None. Only a path on this site is believed, never another host."""
    url = notification.payload.get("url")
    if (
        isinstance(url, str)
        and url.startswith("/")
        and not url.startswith("//")
        and "\\" not in url
    ):
        return url
    return None


def notification_frame(notification: Notification, *, unread: int) -> dict[str, Any]:
    """The `notification` server frame: the stored row, its sentence and
    link, and the unread count."""
    return {
        "type": "notification",
        "id": notification.pk,
        "kind": notification.kind,
        "payload": notification.payload,
        "text": notification_text(notification),
        "url": notification_url(notification),
        "created": notification.created.isoformat(),
        "read": notification.read_at is not None,
        "unread": unread,
    }
