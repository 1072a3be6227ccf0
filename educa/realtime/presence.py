"""Who is connected to a room right now, across every worker.

Each socket keeps an entry `<user id>|<username>|<socket id>|<name>` in a Redis
sorted set per room, scored with its expiry time; the heartbeat renews it and
disconnecting removes it, so a worker that dies without cleaning up is
forgotten after PRESENCE_TTL_BEATS heartbeats. Without Redis (the embedded
single-process default) a dict stands in.
"""

import asyncio
import contextlib
import time
from weakref import WeakKeyDictionary

from django.conf import settings
from redis.asyncio import Redis
from redis.exceptions import RedisError

from educa.realtime.fanout import apublish
from educa.realtime.frames import presence_frame
from educa.realtime.groups import room_group

PRESENCE_TTL_BEATS = 3
ANNOUNCE_DELAY = 0.25
# Every announcement goes to everyone in the room: listing all R people made
# a room filling up cost R² bytes (500 people: hundreds of KB queued per
# socket). The frame names the first PRESENCE_LISTED and counts everyone.
PRESENCE_LISTED = 50
_local: dict[str, dict[str, float]] = {}
_pending: dict[tuple[int, int], asyncio.Task] = {}
# One client (and connection pool) per event loop and server: opening a
# connection for every update cost more than the update.
_clients: WeakKeyDictionary = WeakKeyDictionary()


def _redis() -> Redis:
    by_url = _clients.setdefault(asyncio.get_running_loop(), {})
    if settings.REDIS_URL not in by_url:
        by_url[settings.REDIS_URL] = Redis.from_url(settings.REDIS_URL)
    return by_url[settings.REDIS_URL]


def _key(room_id: int) -> str:
    return f"educa:presence:{room_group(room_id)}"


def _ttl() -> float:
    return settings.WS_HEARTBEAT_SECONDS * PRESENCE_TTL_BEATS


async def _update(room_id: int, member: str | None, *, present: bool) -> list[str]:
    """Add or remove `member` (None: neither), drop expired entries, and
    return who is left."""
    key, now = _key(room_id), time.time()
    if not settings.REDIS_URL:
        entries = _local.setdefault(key, {})
        if member is not None and present:
            entries[member] = now + _ttl()
        elif member is not None:
            entries.pop(member, None)
        for stale in [m for m, expiry in entries.items() if expiry < now]:
            del entries[stale]
        return sorted(entries)
    async with _redis().pipeline() as pipe:
        if member is not None and present:
            pipe.zadd(key, {member: now + _ttl()})
        elif member is not None:
            pipe.zrem(key, member)
        pipe.zremrangebyscore(key, "-inf", now)
        pipe.expire(key, int(_ttl()) + 60)
        pipe.zrange(key, 0, -1)
        *_, members = await pipe.execute()
    return sorted(m.decode() for m in members)


def _frame(room_id: int, members: list[str]) -> dict:
    users = {}
    for member in members:
        # Usernames and socket ids hold no "|"; a display name may.
        user_id, username, _, name = member.split("|", 3)
        users[int(user_id)] = (username, name)
    listed = [(pk, username, name) for pk, (username, name) in sorted(users.items())]
    return presence_frame(room_id, len(users), listed[:PRESENCE_LISTED])


def _member(user_id: int, username: str, socket_id: str, name: str) -> str:
    return f"{user_id}|{username}|{socket_id}|{name}"


async def mark_present(
    room_id: int,
    user_id: int,
    username: str,
    socket_id: str,
    *,
    name: str,
    announce: bool,
) -> int:
    """Record (or renew) the socket in the room; with `announce`, tell the
    room. Returns how many sockets the user has in the room, on every worker.
    `name` is what people see (the display name)."""
    member = _member(user_id, username, socket_id, name)
    members = await _update(room_id, member, present=True)
    if announce:
        _announce_soon(room_id)
    return sum(member.startswith(f"{user_id}|") for member in members)


async def mark_absent(
    room_id: int, user_id: int, username: str, socket_id: str, *, name: str
) -> None:
    await _update(room_id, _member(user_id, username, socket_id, name), present=False)
    _announce_soon(room_id)


def _announce_soon(room_id: int) -> None:
    # Announcing every arrival to everyone costs R² frames when a big room
    # fills (R = 500: 125,000); one announcement per room per
    # ANNOUNCE_DELAY per worker carries the same news in a few frames.
    key = (id(asyncio.get_running_loop()), room_id)
    if key not in _pending:
        _pending[key] = asyncio.create_task(_announce(key))


async def _announce(key: tuple[int, int]) -> None:
    room_id = key[1]
    try:
        await asyncio.sleep(ANNOUNCE_DELAY)
    finally:
        del _pending[key]
    with contextlib.suppress(RedisError, OSError):
        members = await _update(room_id, None, present=False)
        await apublish(room_group(room_id), _frame(room_id, members))
