"""The only module that pushes to the channel layer.

Pushes happen after the surrounding transaction commits, so a client never
hears about a row it cannot read yet, and a rolled-back write is never
announced. A failed push is logged, not raised: the data is already stored
and every socket replays what it missed when it reconnects (`?after=`).
"""

import asyncio
import threading
from collections.abc import Iterable
from typing import Any

from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer
from django.db import transaction

from educa.realtime.groups import relay_event, room_group, user_group
from educa.realtime.models import Notification
from educa.realtime.selectors import (
    notification_frame,
    unread_notification_count,
    unread_notification_counts,
)


def _send_to_group(group: str, event: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    send = async_to_sync(layer.group_send)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        send(group, event)
        return
    # Sync code running on an event loop's own thread cannot block on that
    # loop: send from a short-lived helper thread with a loop of its own.
    helper = threading.Thread(target=send, args=(group, event))
    helper.start()
    helper.join()


def _send_on_commit(group: str, event: dict[str, Any]) -> None:
    # robust: a dead Redis must not turn a stored message into an error
    # for the sender; the readers replay it on reconnect.
    transaction.on_commit(lambda: _send_to_group(group, event), robust=True)


def push_to_room(room_id: int, frame: dict[str, Any]) -> None:
    """Send `frame` to every socket in the room once the transaction commits."""
    _send_on_commit(room_group(room_id), relay_event("chat.event", frame))


def push_to_user(user_id: int, frame: dict[str, Any]) -> None:
    """Send `frame` to every socket of one user once the transaction commits."""
    _send_on_commit(user_group(user_id), relay_event("user.event", frame))


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
