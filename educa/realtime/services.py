from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from educa.accounts.models import User
from educa.courses.models import Content
from educa.learning.selectors import enrolled_student_ids
from educa.realtime.models import Notification
from educa.realtime.notify import notify_users, push_to_user
from educa.realtime.selectors import unread_notification_count


@transaction.atomic
def mark_notifications_read(
    *, user: User, ids: Sequence[int] | None = None, up_to: int | None = None
) -> int:
    """Mark the user's notifications read: the given `ids`, those up to id
    `up_to`, or all of them when neither is given. Returns the unread count
    left, which every socket of the user hears too.
    """
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(id__in=ids)
    if up_to is not None:
        unread = unread.filter(id__lte=up_to)
    unread.update(read_at=timezone.now())
    left = unread_notification_count(user.pk)
    push_to_user(user.pk, {"type": "unread", "unread": left})
    return left


def announce_new_content(*, content: Content) -> None:
    """Tell the course's students that a module gained a content."""
    module = content.module
    course = module.course
    notify_users(
        enrolled_student_ids(course),
        {
            "type": "course.content_added",
            "course_id": course.pk,
            "course_title": course.title,
            "module_id": module.pk,
            "content_id": content.pk,
            "title": content.item.title,
        },
    )
