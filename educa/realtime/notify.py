"""The only module that pushes to the channel layer.

Pushes happen after the surrounding transaction commits, so a client never
hears about a row it cannot read yet, and a rolled-back write is never
announced. A failed push is logged, not raised: the data is already stored
and every socket replays what it missed when it reconnects (`?after=`).
"""

import asyncio
import logging
import os
import threading
import weakref
from collections import deque
from collections.abc import Iterable
from typing import Any

from asgiref.sync import SyncToAsync, async_to_sync, sync_to_async
from channels.layers import get_channel_layer
from django.db import transaction

from educa.realtime.groups import relay_event, room_group, user_group
from educa.realtime.models import Notification
from educa.realtime.selectors import (
    notification_frame,
    unread_notification_count,
    unread_notification_counts,
)

logger = logging.getLogger(__name__)


class _Publisher:
    """Sends one event loop's group events one at a time, in the order they
    were handed over: a room hears its messages in the order they were
    stored, and a reconnecting client's `?after=` skips nothing."""

    def __init__(self) -> None:
        self.queue: deque[tuple[str, dict[str, Any]]] = deque()
        self.draining = False

    def put(self, group: str, event: dict[str, Any]) -> None:
        """Queue an event; runs on the publisher's loop."""
        self.queue.append((group, event))
        if not self.draining:
            self.draining = True
            asyncio.get_running_loop().create_task(self.drain())

    async def drain(self) -> None:
        try:
            while self.queue:
                group, event = self.queue.popleft()
                try:
                    await get_channel_layer().group_send(group, event)
                except Exception:
                    # Stored already: the readers replay it on reconnect.
                    logger.exception("could not push an event to %s", group)
        finally:
            self.draining = False


_publishers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Publisher] = (
    weakref.WeakKeyDictionary()
)


def _publish_on_loop(group: str, event: dict[str, Any]) -> None:
    loop = asyncio.get_running_loop()
    publisher = _publishers.get(loop)
    if publisher is None:
        publisher = _publishers[loop] = _Publisher()
    publisher.put(group, event)


def _calling_loop() -> asyncio.AbstractEventLoop | None:
    """The event loop whose sync_to_async call is running this thread, if any
    (found the way asgiref's own async_to_sync finds it)."""
    if getattr(SyncToAsync.threadlocal, "main_event_loop_pid", None) != os.getpid():
        return None
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    return loop if loop is not None and loop.is_running() else None


def _send_to_group(group: str, event: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    loop = _calling_loop()
    if loop is not None:
        # A socket's database call or an ASGI request's view: hand the event
        # to its loop and return, so this thread (for sockets, the one thread
        # every socket stores through) never waits for a busy loop.
        loop.call_soon_threadsafe(_publish_on_loop, group, event)
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
