from collections.abc import Sequence

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
