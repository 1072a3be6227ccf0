"""Notifications: stored for the user, then pushed to their live sockets.

Services call these; every push goes through `educa.realtime.fanout.publish`
after the transaction commits.
"""

from collections.abc import Iterable
from typing import Any

from asgiref.sync import sync_to_async

from educa.realtime.fanout import publish
from educa.realtime.groups import room_group, user_group
from educa.realtime.models import Notification
from educa.realtime.selectors import (
    notification_frame,
    unread_notification_count,
    unread_notification_counts,
)


def push_to_room(room_id: int, frame: dict[str, Any]) -> None:
    """Send `frame` to every socket in the room once the transaction commits."""
    publish(room_group(room_id), frame)


def push_to_user(user_id: int, frame: dict[str, Any]) -> None:
    """Send `frame` to every socket of one user once the transaction commits."""
    publish(user_group(user_id), frame)


def notify_user(user_id: int, data: dict[str, Any]) -> Notification:
    """Store a notification for `user_id` and push it to their live sockets.

    `data["type"]` names the kind (e.g. "chat.mention"); the whole of `data`
    is the payload. Call it from sync code (views, services, commands);
    async code awaits `anotify_user` instead.
    """
    notification = Notification.objects.create(
        user_id=user_id, kind=str(data.get("type", "notification"))[:50], payload=data
    )
    frame = notification_frame(notification, unread=unread_notification_count(user_id))
    push_to_user(user_id, frame)
    return notification


def notify_users(user_ids: Iterable[int], data: dict[str, Any]) -> list[Notification]:
    """`notify_user` for many people in a constant number of queries."""
    kind = str(data.get("type", "notification"))[:50]
    notifications = Notification.objects.bulk_create(
        [Notification(user_id=user_id, kind=kind, payload=data) for user_id in user_ids]
    )
    unread = unread_notification_counts([n.user_id for n in notifications])
    for notification in notifications:
        frame = notification_frame(notification, unread=unread[notification.user_id])
        push_to_user(notification.user_id, frame)
    return notifications


anotify_user = sync_to_async(notify_user)
