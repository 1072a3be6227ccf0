"""My notifications over GraphQL: the list, marking them read, and the
`notifications` subscription (stored ones after a cursor, then live)."""

from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Any

import strawberry
import strawberry_django
from strawberry.scalars import JSON

from educa.graphql.arguments import (
    MAX_LIMIT,
    parse_cursor,
    parse_ids,
    parse_optional_id,
    window,
)
from educa.graphql.context import Info
from educa.graphql.live import replay_then_live
from educa.graphql.permissions import signed_in
from educa.realtime.groups import user_group
from educa.realtime.selectors import (
    notification_frame,
    notifications_after,
    unread_notification_count,
    user_notifications,
)
from educa.realtime.services import mark_notifications_read


@strawberry.type(name="Notification")
class NotificationType:
    """The `notification` frame of ws/realtime/, typed: `payload` holds what
    a sentence needs (names, titles) and `url`."""

    id: strawberry.ID
    kind: str
    payload: JSON
    text: str = strawberry.field(description="The sentence to show.")
    url: str | None = strawberry.field(description="Where it leads on the site.")
    created: datetime
    read: bool

    @classmethod
    def of(cls, frame: dict[str, Any]) -> "NotificationType":
        return cls(
            id=strawberry.ID(str(frame["id"])),
            kind=frame["kind"],
            payload=frame["payload"],
            text=frame["text"],
            url=frame["url"],
            created=datetime.fromisoformat(frame["created"]),
            read=frame["read"],
        )


@strawberry.type
class Unread:
    unread: int


@strawberry.type
class Query:
    @strawberry_django.field(description="My notifications, newest first.")
    def notifications(
        self,
        info: Info,
        unread_only: bool = False,
        offset: int = 0,
        limit: int = MAX_LIMIT,
    ) -> list[NotificationType]:
        bounds = window(offset, limit)
        notifications = user_notifications(signed_in(info).pk)
        if unread_only:
            notifications = notifications.filter(read_at__isnull=True)
        return [
            NotificationType.of(notification_frame(notification, unread=0))
            for notification in notifications[bounds.offset : bounds.stop]
        ]

    @strawberry_django.field(description="How many of my notifications are unread.")
    def unread_notifications(self, info: Info) -> int:
        return unread_notification_count(signed_in(info).pk)


@strawberry.type
class Mutation:
    @strawberry_django.mutation(
        description="Mark read: `ids`, all up to `upTo`, or (neither) all."
    )
    def mark_notifications_read(
        self,
        info: Info,
        ids: list[strawberry.ID] | None = None,
        up_to: strawberry.ID | None = None,
    ) -> Unread:
        user = signed_in(info)
        unread = mark_notifications_read(
            user_id=user.pk,
            ids=None if ids is None else parse_ids(ids)[:500],
            up_to=parse_optional_id(up_to, "upTo"),
        )
        return Unread(unread=unread)


def _backlog(user_id: int):
    def backlog(after: int) -> list[dict[str, Any]]:
        return [
            notification_frame(notification, unread=0)
            for notification in notifications_after(user_id, after)
        ]

    return backlog


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="My notifications: those stored after `after` (none "
        "without it), then live ones, each once and in id order."
    )
    async def notifications(
        self, info: Info, after: strawberry.ID | None = None
    ) -> AsyncGenerator[NotificationType, None]:
        user = signed_in(info)
        async for frame in replay_then_live(
            socket=info.context.request,
            groups=(user_group(user.pk),),
            kind="notification",
            after=parse_cursor(after),
            backlog=_backlog(user.pk),
        ):
            yield NotificationType.of(frame)
