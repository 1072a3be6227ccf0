"""Who is connected to a room right now, across every worker.

Each socket keeps an entry `<user id>|<username>|<channel name>` in a Redis
sorted set per room, scored with its expiry time; the heartbeat renews it and
disconnecting removes it, so a worker that dies without cleaning up is
forgotten after PRESENCE_TTL_BEATS heartbeats. Without Redis (the embedded
single-process default) a dict stands in.
"""

import time

from channels.layers import get_channel_layer
from django.conf import settings
from redis.asyncio import Redis

from educa.realtime.groups import room_group

PRESENCE_TTL_BEATS = 3
_local: dict[str, dict[str, float]] = {}


def _key(room_id: int) -> str:
    return f"educa:presence:{room_group(room_id)}"


def _ttl() -> float:
    return settings.WS_HEARTBEAT_SECONDS * PRESENCE_TTL_BEATS


async def _update(room_id: int, member: str, *, present: bool) -> list[str]:
    key, now = _key(room_id), time.time()
    if not settings.REDIS_URL:
        entries = _local.setdefault(key, {})
        if present:
            entries[member] = now + _ttl()
        else:
            entries.pop(member, None)
        for stale in [m for m, expiry in entries.items() if expiry < now]:
            del entries[stale]
        return sorted(entries)
    async with Redis.from_url(settings.REDIS_URL) as redis, redis.pipeline() as pipe:
        if present:
            pipe.zadd(key, {member: now + _ttl()})
        else:
            pipe.zrem(key, member)
        pipe.zremrangebyscore(key, "-inf", now)
        pipe.expire(key, int(_ttl()) + 60)
        pipe.zrange(key, 0, -1)
        *_, members = await pipe.execute()
    return sorted(m.decode() for m in members)


def _frame(room_id: int, members: list[str]) -> dict:
    users = {}
    for member in members:
        user_id, username, _ = member.split("|", 2)
        users[int(user_id)] = username
    return {
        "type": "presence",
        "room": room_id,
        "users": [{"id": pk, "user": name} for pk, name in sorted(users.items())],
    }


async def mark_present(
    room_id: int, user_id: int, username: str, channel: str, *, announce: bool
) -> None:
    """Record (or renew) the socket in the room; with `announce`, tell the room."""
    members = await _update(room_id, f"{user_id}|{username}|{channel}", present=True)
    if announce:
        await _announce(room_id, members)


async def mark_absent(room_id: int, user_id: int, username: str, channel: str) -> None:
    members = await _update(room_id, f"{user_id}|{username}|{channel}", present=False)
    await _announce(room_id, members)


async def _announce(room_id: int, members: list[str]) -> None:
    await get_channel_layer().group_send(
        room_group(room_id), {"type": "chat.event", "frame": _frame(room_id, members)}
    )
