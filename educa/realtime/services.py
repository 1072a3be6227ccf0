from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from educa.realtime.frames import unread_frame
from educa.realtime.models import Notification
from educa.realtime.notify import push_to_user
from educa.realtime.selectors import unread_notification_count


@transaction.atomic
def mark_notifications_read(
    *, user_id: int, ids: Sequence[int] | None = None, up_to: int | None = None
) -> int:
    """Mark the user's notifications read: the given `ids`, those up to id
    `up_to`, or all of them when neither is given. Returns the unread count
    left, which every socket of the user hears too.
    """
    unread = Notification.objects.filter(user_id=user_id, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(id__in=ids)
    if up_to is not None:
        unread = unread.filter(id__lte=up_to)
    unread.update(read_at=timezone.now())
    left = unread_notification_count(user_id)
    push_to_user(user_id, unread_frame(left))
    return left


def revise_notifications(
    *,
    user_ids: Sequence[int],
    kinds: Sequence[str],
    match: dict[str, Any],
    changes: dict[str, Any],
) -> int:
    """Update the payload of the given users' notifications of `kinds` whose
    payload holds `match` (e.g. the excerpt of a message that was edited or
    deleted). Returns how many changed. Nothing is pushed: the sentence is
    read again wherever it is shown next."""
    notifications = list(
        Notification.objects.filter(
            user_id__in=user_ids,
            kind__in=kinds,
            **{f"payload__{key}": value for key, value in match.items()},
        )
    )
    for notification in notifications:
        notification.payload = {**notification.payload, **changes}
    Notification.objects.bulk_update(notifications, ["payload"])
    return len(notifications)


@transaction.atomic
def open_notification(*, user_id: int, notification_id: int) -> Notification:
    """The user's notification, marked read (every socket of the user hears
    the unread count left). Notification.DoesNotExist for anyone else's."""
    notification = Notification.objects.select_for_update().get(
        pk=notification_id, user_id=user_id
    )
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        push_to_user(user_id, unread_frame(unread_notification_count(user_id)))
    return notification
