"""Subscriptions as listeners of the worker's one fan-out (realtime/fanout.py).

A subscription is one more listener of the `room.<id>` / `user.<id>` groups,
exactly like a socket: it subscribes first, then replays what is stored
after the client's cursor, then passes on live events, skipping those it
already replayed, so each item arrives once and in order (the chat socket's
`?after=` contract).

Shared groups. A group whose events every subscriber sees alike (a room's
messages: the result of the selection set depends only on the event) has,
per worker, one listener for each distinct document and operation (and
the values of the variables an event's result depends on: not those of the
root field's arguments, such as `after`): it executes the selection set
once per event and sends the same encoded `next` to every subscription
that asked it, each with its own operation id.
Each subscription still listens to its own user's stream (access changes),
replays on its own, and, until it is caught up or while its access is being
checked again, has the shared events queued for its own generator, so the
order and the once-only guarantee are those of the unshared path.

Changes. Some events change an item already sent (a message edited or
deleted): they carry the id of that item, so they go out whatever the
cursor, as the item is now (read from the database once per event and
document on a worker, or once per subscription while it is not live), and
never move the cursor: each new item still arrives once and in order, and
a client replaces the item it holds with the same id.
"""

import asyncio
import json
import logging
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from weakref import WeakKeyDictionary

from channels.db import database_sync_to_async
from django.contrib.auth.models import AnonymousUser
from graphql import FieldNode, OperationDefinitionNode, Visitor, parse, visit
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    Operation,
)
from strawberry.types.graphql import OperationType

from educa.graphql.context import Context
from educa.realtime import fanout
from educa.realtime.consumers import (
    ACCESS_CHANGED,
    ACCESS_REVOKED,
    CLOSE_LAYER_DOWN,
    CLOSE_NOT_MEMBER,
)
from educa.realtime.fanout import Event, frame_text

logger = logging.getLogger(__name__)

Frame = dict[str, Any]
PING = '{"type":"ping"}'

# The graphql-transport-ws operation whose resolver is running (set by the
# socket's handler for each operation's task); None elsewhere.
current_operation: ContextVar[Operation | None] = ContextVar(
    "current_operation", default=None
)


class Feed:
    """One subscription's listener: the events of its groups, queued in the
    order the worker heard them. When the worker's live feed breaks, or the
    user is deactivated, the whole socket closes (4500 / 4403), as every
    socket does."""

    def __init__(self, socket) -> None:
        self.socket = socket
        self.queue: asyncio.Queue = asyncio.Queue()

    async def deliver(self, event: Event) -> None:
        if event.frame.get("type") == ACCESS_REVOKED:
            await self.socket.close(code=CLOSE_NOT_MEMBER)
        else:
            self.queue.put_nowait(event.frame)

    async def fanout_failed(self) -> None:
        await self.socket.close(code=CLOSE_LAYER_DOWN)

    async def heartbeat(self) -> None:
        """Every WS_HEARTBEAT_SECONDS (the worker's one timer): a protocol
        `ping`, which clients answer with `pong`, so proxies see traffic and
        clients can tell a dead link."""
        await self.socket.send(text_data=PING)


class Member(Feed):
    """A subscription of a shared group. Its own listener hears only its
    user's stream; the shared group's events reach it through the
    `SharedFeed`, which sends them itself while the member is `live` and
    queues them for the subscription's generator otherwise."""

    def __init__(self, socket, operation: Operation) -> None:
        super().__init__(socket)
        self.operation = operation
        self.next_prefix = f'{{"id":{json.dumps(operation.id)},"type":"next","payload":'
        self.live = False
        self.sent = 0  # the id of the last item this subscription received

    async def deliver(self, event: Event) -> None:
        kind = event.frame.get("type")
        if kind == ACCESS_REVOKED:
            await self.socket.close(code=CLOSE_NOT_MEMBER)
        elif kind == ACCESS_CHANGED:
            # Nothing more goes out until the generator has checked again.
            self.hold(event.frame)

    def hold(self, frame: Frame) -> None:
        self.live = False
        self.queue.put_nowait(frame)

    def running(self) -> bool:
        """False once the client completed the operation, or the socket is
        shutting down: from then on nothing more is sent for it."""
        operation = self.operation
        return (
            not operation.completed
            and operation.handler.operations.get(operation.id) is operation
        )


@dataclass(frozen=True)
class Shared:
    """A subscription's shared group: `group`'s events read the same for
    every subscriber; `root(frame)` is the value the selection set is
    executed on (what the resolver yields for the frame)."""

    group: str
    root: Callable[[Frame], Any]


@dataclass(frozen=True)
class Changes:
    """Events of `kinds` change an item already sent; `load(frame)` (run in
    a database thread) is that item's frame as it is now, or None when
    there is nothing to send."""

    kinds: frozenset[str]
    load: Callable[[Frame], Frame | None]


class SharedFeed:
    """The listener of one shared group on behalf of every subscription of
    this worker with the same document, operation name and result variables
    (`result_variables`)."""

    def __init__(
        self,
        key: tuple,
        shared: Shared,
        kind: str,
        changes: Changes | None,
        operation: Operation,
    ):
        self.key = key
        self.shared = shared
        self.kind = kind
        self.changes = changes
        self.schema = operation.handler.schema
        self.query = operation.query
        self.variables = operation.variables
        self.operation_name = operation.operation_name
        self.members: dict[Member, None] = {}

    async def deliver(self, event: Event) -> None:
        frame = event.frame
        kind = frame.get("type")
        if kind == self.kind:
            await self.send(frame, new=True)
        elif self.changes is not None and kind in self.changes.kinds:
            await self.send(frame, new=False)

    async def send(self, frame: Frame, *, new: bool) -> None:
        """Send every live member that has not had it the result of a `new`
        item's frame, or of the item a change frame names, as it is now:
        executed once, and only if some member is to receive it."""
        executed = False
        payload = None
        for member in list(self.members):
            if not member.live:
                member.hold(frame)
                continue
            if (new and frame["id"] <= member.sent) or not member.running():
                continue
            if not executed:
                executed = True
                item = (
                    frame
                    if new
                    else await database_sync_to_async(self.changes.load)(frame)
                )
                payload = None if item is None else await self.execute(item)
            if payload is None:
                continue
            if new:
                member.sent = frame["id"]
            try:
                await member.socket.send(text_data=f"{member.next_prefix}{payload}}}")
            except Exception:
                # One socket going away must not cost the others the event.
                logger.debug("could not send to a subscription", exc_info=True)

    async def execute(self, frame: Frame) -> str:
        """The encoded `next` payload of `frame`: the selection set executed
        once, as strawberry executes it for each event of a subscription
        (the event as the root value), with the same extensions."""
        result = await self.schema.execute(
            self.query,
            variable_values=self.variables,
            # Nothing shared may depend on who asks.
            context_value=Context(user=AnonymousUser()),
            root_value=self.shared.root(frame),
            operation_name=self.operation_name,
            allowed_operation_types=(OperationType.SUBSCRIPTION,),
        )
        payload: dict[str, Any] = {"data": result.data}
        if result.errors:
            payload["errors"] = [error.formatted for error in result.errors]
        if result.extensions:
            payload["extensions"] = result.extensions
        return frame_text(payload)

    async def fanout_failed(self) -> None:
        # Each member's own listener closes its socket; a new subscription
        # starts a new shared feed.
        _shared_feeds().pop(self.key, None)

    async def heartbeat(self) -> None:
        """Members are pinged by their own listeners."""


_feeds: WeakKeyDictionary[asyncio.AbstractEventLoop, dict[tuple, SharedFeed]] = (
    WeakKeyDictionary()
)


def _shared_feeds() -> dict[tuple, SharedFeed]:
    return _feeds.setdefault(asyncio.get_running_loop(), {})


class _VariableNames(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def enter_variable(self, node, *_args) -> None:
        self.names.add(node.name.value)


@lru_cache(maxsize=256)
def result_variables(query: str, operation_name: str | None) -> frozenset[str]:
    """The variables an event's result can depend on: those the operation
    uses anywhere but in its root fields' arguments (the root field of a
    subscription resolves an event to the event itself, so `roomId` and
    `after` only choose the stream and the replay)."""
    found = _VariableNames()
    for definition in parse(query).definitions:
        if not isinstance(definition, OperationDefinitionNode):
            visit(definition, found)  # fragments, whoever spreads them
            continue
        name = definition.name.value if definition.name else None
        if operation_name is not None and name != operation_name:
            continue
        for directive in definition.directives or ():
            visit(directive, found)
        for selection in definition.selection_set.selections:
            if not isinstance(selection, FieldNode):
                visit(selection, found)
                continue
            for directive in selection.directives or ():
                visit(directive, found)
            if selection.selection_set is not None:
                visit(selection.selection_set, found)
    return frozenset(found.names)


def _join(
    shared: Shared, kind: str, changes: Changes | None, member: Member
) -> SharedFeed:
    operation = member.operation
    given = operation.variables or {}
    used = result_variables(operation.query, operation.operation_name)
    variables = json.dumps(
        {name: given[name] for name in used if name in given}, sort_keys=True
    )
    key = (shared.group, operation.query, operation.operation_name, variables)
    feeds = _shared_feeds()
    if key not in feeds:
        feeds[key] = SharedFeed(key, shared, kind, changes, operation)
    feed = feeds[key]
    feed.members[member] = None
    return feed


def _leave(feed: SharedFeed, member: Member) -> bool:
    """True when `member` was the last one."""
    feed.members.pop(member, None)
    if feed.members:
        return False
    feeds = _shared_feeds()
    if feeds.get(feed.key) is feed:
        del feeds[feed.key]
    return True


async def replay_then_live(
    *,
    socket,
    groups: Iterable[str],
    kind: str,
    after: int | None,
    backlog: Callable[[int], list[Frame]],
    access_changed: Callable[[Frame], Awaitable[None]] | None = None,
    shared: Shared | None = None,
    changes: Changes | None = None,
) -> AsyncGenerator[Frame, None]:
    """Frames of type `kind`: those `backlog(after)` replays (in batches,
    oldest first; none without `after`), then live ones with higher ids;
    and, after the replay, for each live event of `changes`, the item it
    changed as `changes.load` reads it.

    `access_changed(frame)` runs when the user's access changes and raises to
    end the subscription when it must. With `shared`, its group's live
    events go out through the worker's `SharedFeed` of the operation (over
    graphql-transport-ws) instead of being yielded one subscription at a
    time; `groups` are then the subscription's own (its user's stream).
    """
    operation = current_operation.get() if shared is not None else None
    if operation is None:
        feed = Feed(socket)
        groups = [*groups, *([shared.group] if shared is not None else [])]
        joined = None
    else:
        feed = Member(socket, operation)
        groups = list(groups)
        joined = _join(shared, kind, changes, feed)
    try:
        await fanout.subscribe(feed, groups)
        if joined is not None:
            await fanout.subscribe(joined, [shared.group])
    except Exception:
        # Redis unreachable: as every socket, close so the client comes
        # back later with its cursor.
        logger.warning("live feed unreachable at subscribe", exc_info=True)
        await _unsubscribe(feed, groups, joined)
        await socket.close(code=CLOSE_LAYER_DOWN)
        return
    try:
        sent = 0
        while after is not None:
            frames = await database_sync_to_async(backlog)(after)
            for frame in frames:
                yield frame
            after = frames[-1]["id"] if frames else None
            sent = after or sent
        while True:
            if joined is not None:
                feed.sent = sent
                # Caught up: from here the shared feed sends, until an
                # access change holds it again (no await in between).
                feed.live = feed.queue.empty()
            frame = await feed.queue.get()
            if joined is not None:
                sent = max(sent, feed.sent)
            event = frame.get("type")
            if event == kind and frame["id"] > sent:
                sent = frame["id"]
                yield frame
            elif changes is not None and event in changes.kinds:
                item = await database_sync_to_async(changes.load)(frame)
                if item is not None:
                    yield item
            elif event == ACCESS_CHANGED and access_changed is not None:
                await access_changed(frame)
    finally:
        await _unsubscribe(feed, groups, joined)


async def _unsubscribe(feed: Feed, groups: list[str], joined: SharedFeed | None):
    if joined is not None:
        feed.live = False
        if _leave(joined, feed):
            await fanout.unsubscribe(joined, [joined.shared.group])
    await fanout.unsubscribe(feed, groups)
