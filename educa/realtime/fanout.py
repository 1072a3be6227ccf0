"""The one fan-out model: every live event is `publish`ed to a group, and each
worker holds one subscription per group that any of its sockets listens to.

Groups (named in groups.py) are a chat room's sockets (`room.<id>`) and every
socket of one user (`user.<id>`: notifications, unread counts, access
changes). A socket `subscribe`s to the groups it needs; the worker's broker
hands each event to all of its local listeners of that group in one pass, in
the order the events were published, with the frame encoded once.

With REDIS_URL a group is a Redis pub/sub channel and each worker keeps one
pub/sub connection. That subscription is the sockets' only source of live
events, so when it breaks (Redis restarted or unreachable, the link silent
for two pings) every listener is told at once (`fanout_failed`: sockets close
with 4500 and their clients replay from the database with `?after=`), and the
next subscription opens a fresh connection. Without Redis (the embedded
single-process default) events go straight to the listeners.

Publishing happens after the surrounding transaction commits, so a client
never hears of a row it cannot read yet and a rolled-back write is never
announced. A failed publish is logged, not raised: the data is stored, and
readers replay what they missed when they reconnect.
"""

import asyncio
import contextlib
import json
import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol
from weakref import WeakKeyDictionary

import redis
import redis.asyncio
from django.conf import settings
from django.db import transaction
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

logger = logging.getLogger(__name__)

# A pub/sub link that has said nothing for two of these is taken for dead.
PING_SECONDS = 2.0
# Redis commands of the fan-out fail fast rather than hang the sockets.
REDIS_TIMEOUT_SECONDS = 2.0


@dataclass(frozen=True)
class Event:
    """One published frame, decoded once per worker and encoded once overall."""

    frame: dict[str, Any]
    text: str


class Listener(Protocol):
    async def deliver(self, event: Event) -> None: ...

    async def fanout_failed(self) -> None: ...

    async def heartbeat(self) -> None: ...


def frame_text(frame: dict[str, Any]) -> str:
    return json.dumps(frame, separators=(",", ":"))


def _channel(group: str) -> str:
    # Pub/sub channels ignore the Redis database number: the prefix keeps
    # deployments (and test runs) that share a server apart.
    return f"{settings.CHANNEL_PREFIX}:{group}"


def _no_retries() -> Retry:
    # A retried pub/sub read reconnects and resubscribes in silence, losing
    # whatever was published in between: fail instead, so sockets replay.
    return Retry(NoBackoff(), 0)


class Broker:
    """One event loop's (one worker's) subscriptions and listeners."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.groups: dict[str, dict[Listener, None]] = {}
        self.lock = asyncio.Lock()
        self.client: redis.asyncio.Redis | None = None
        self.pubsub: redis.asyncio.client.PubSub | None = None
        self.reader: asyncio.Task | None = None
        self.beating: asyncio.Task | None = None
        self.local: asyncio.Queue[tuple[str, str]] = asyncio.Queue()

    @property
    def listeners(self) -> set[Listener]:
        return {listener for group in self.groups.values() for listener in group}

    def redis(self) -> redis.asyncio.Redis:
        if self.client is None:
            self.client = redis.asyncio.Redis.from_url(
                settings.REDIS_URL,
                retry=_no_retries(),
                socket_timeout=REDIS_TIMEOUT_SECONDS,
                socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            )
        return self.client

    async def subscribe(self, listener: Listener, groups: Iterable[str]) -> None:
        groups = list(groups)
        async with self.lock:
            new = [group for group in groups if group not in self.groups]
            for group in groups:
                self.groups.setdefault(group, {})[listener] = None
            try:
                if new and settings.REDIS_URL:
                    if self.pubsub is None:
                        self.pubsub = self.redis().pubsub()
                    await self.pubsub.subscribe(*map(_channel, new))
            except BaseException:
                self._drop(listener, groups)
                await self._reset()
                raise
            self._start()

    async def unsubscribe(self, listener: Listener, groups: Iterable[str]) -> None:
        async with self.lock:
            emptied = self._drop(listener, groups)
            if not self.groups:
                # The worker's last socket left: close the link altogether.
                if self.reader is not None:
                    self.reader.cancel()
                    self.reader = None
                await self._reset()
            elif emptied and self.pubsub is not None:
                try:
                    await self.pubsub.unsubscribe(*map(_channel, emptied))
                except Exception:
                    # The reader notices the broken link and resets.
                    logger.debug("could not unsubscribe", exc_info=True)

    def _drop(self, listener: Listener, groups: Iterable[str]) -> list[str]:
        emptied = []
        for group in groups:
            listeners = self.groups.get(group, {})
            listeners.pop(listener, None)
            if group in self.groups and not listeners:
                del self.groups[group]
                emptied.append(group)
        return emptied

    def _start(self) -> None:
        if self.reader is None or self.reader.done():
            read = self._read_redis if settings.REDIS_URL else self._read_local
            self.reader = self.loop.create_task(read())
        if self.beating is None or self.beating.done():
            self.beating = self.loop.create_task(self._beat())

    async def _read_local(self) -> None:
        while True:
            group, text = await self.local.get()
            await self._dispatch(group, text)

    async def _read_redis(self) -> None:
        pubsub = self.pubsub
        heard = self.loop.time()
        pinged = False
        try:
            while True:
                message = await pubsub.get_message(timeout=PING_SECONDS)
                if message is not None:
                    heard, pinged = self.loop.time(), False
                    if message["type"] == "message":
                        channel = message["channel"].decode()
                        group = channel.removeprefix(f"{settings.CHANNEL_PREFIX}:")
                        await self._dispatch(group, message["data"].decode())
                elif pinged and self.loop.time() - heard > 2 * PING_SECONDS:
                    raise ConnectionError("the pub/sub link went silent")
                elif not pinged and self.loop.time() - heard > PING_SECONDS:
                    await pubsub.ping()
                    pinged = True
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.warning("the worker's subscription to Redis broke", exc_info=True)
            await self._fail()

    async def _fail(self) -> None:
        """Tell every listener the live feed broke, and start afresh."""
        async with self.lock:
            failed = self.listeners
            self.groups.clear()
            self.reader = None
            await self._reset()
        for listener in failed:
            with contextlib.suppress(Exception):
                await listener.fanout_failed()

    async def _reset(self) -> None:
        pubsub, self.pubsub = self.pubsub, None
        if pubsub is not None:
            with contextlib.suppress(Exception):
                await pubsub.aclose()
        if self.groups:
            return
        client, self.client = self.client, None
        if client is not None:
            with contextlib.suppress(Exception):
                await client.aclose()

    async def _dispatch(self, group: str, text: str) -> None:
        listeners = self.groups.get(group)
        if not listeners:
            return
        event = Event(frame=json.loads(text), text=text)
        for listener in list(listeners):
            try:
                await listener.deliver(event)
            except Exception:
                # One socket going away must not cost the others the event.
                logger.debug("could not deliver to a listener", exc_info=True)

    async def _beat(self) -> None:
        # One timer per worker, not one per socket.
        while self.groups:
            await asyncio.sleep(settings.WS_HEARTBEAT_SECONDS)
            for listener in self.listeners:
                try:
                    await listener.heartbeat()
                except Exception:
                    logger.debug("heartbeat failed", exc_info=True)

    async def publish(self, group: str, text: str) -> None:
        if settings.REDIS_URL:
            await self.redis().publish(_channel(group), text)
        else:
            self.local.put_nowait((group, text))


_brokers: WeakKeyDictionary[asyncio.AbstractEventLoop, Broker] = WeakKeyDictionary()
_sync_clients: dict[str, redis.Redis] = {}
_sync_lock = threading.Lock()


def broker() -> Broker:
    """The running event loop's broker."""
    loop = asyncio.get_running_loop()
    if loop not in _brokers:
        _brokers[loop] = Broker(loop)
    return _brokers[loop]


async def subscribe(listener: Listener, groups: Iterable[str]) -> None:
    """Start handing `listener` the events of `groups`; returns once the
    worker is subscribed, so nothing published after it is missed. Raises
    if Redis cannot be reached."""
    await broker().subscribe(listener, groups)


async def unsubscribe(listener: Listener, groups: Iterable[str]) -> None:
    """Stop; a group's last listener on this worker unsubscribes it."""
    await broker().unsubscribe(listener, groups)


def _sync_redis() -> redis.Redis:
    with _sync_lock:
        if settings.REDIS_URL not in _sync_clients:
            _sync_clients[settings.REDIS_URL] = redis.Redis.from_url(
                settings.REDIS_URL,
                socket_timeout=REDIS_TIMEOUT_SECONDS,
                socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            )
        return _sync_clients[settings.REDIS_URL]


def _send(group: str, text: str) -> None:
    try:
        if settings.REDIS_URL:
            _sync_redis().publish(_channel(group), text)
            return
        for each in list(_brokers.values()):
            if not each.loop.is_closed():
                each.loop.call_soon_threadsafe(each.local.put_nowait, (group, text))
    except Exception:
        logger.exception("could not publish an event to %s", group)


def publish(group: str, frame: dict[str, Any]) -> None:
    """Send `frame` to every listener of `group` once the transaction
    commits (at once outside a transaction). For sync code: services."""
    text = frame_text(frame)
    transaction.on_commit(lambda: _send(group, text))


async def apublish(group: str, frame: dict[str, Any]) -> None:
    """Send `frame` to every listener of `group` now. For async code that
    stores nothing (presence)."""
    try:
        await broker().publish(group, frame_text(frame))
    except Exception:
        logger.warning("could not publish an event to %s", group, exc_info=True)
