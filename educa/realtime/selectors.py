from typing import Any

from django.db.models import Count, QuerySet

from educa.realtime.models import Notification

REPLAY_LIMIT = 500


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


def notification_frame(notification: Notification, *, unread: int) -> dict[str, Any]:
    """The `notification` server frame: the stored row plus the unread count."""
    return {
        "type": "notification",
        "id": notification.pk,
        "kind": notification.kind,
        "payload": notification.payload,
        "created": notification.created.isoformat(),
        "read": notification.read_at is not None,
        "unread": unread,
    }
