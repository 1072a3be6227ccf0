"""Atomic Redis numbers for the throttles and the cache generations.

The cache itself is django-redis with IGNORE_EXCEPTIONS (settings.py): a
failed call is logged as `cache.error` and answered as a miss, and its
connection pool is one per process. This module adds what django-redis has
no call for: a counter created with its expiry in one atomic command, where
Django's add() and incr() take three round trips and can leave a counter
without an expiry if the process dies between them; and a number that only
ever goes up (a cache generation), whoever writes it last.
"""

import logging
import threading
from typing import Any

from django.core.cache.backends.base import BaseCache
from django_redis.client import DefaultClient
from django_redis.pool import ConnectionFactory
from redis import RedisError
from redis.commands.core import Script

logger = logging.getLogger("educa.cache")

_INCREMENT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return count
"""
_RAISE = """
local current = tonumber(redis.call('GET', KEYS[1]))
if current == nil or current < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], ARGV[1])
end
"""
# Registered once per process; each call runs it on the caller's client.
_increment: Script | None = None
_raise: Script | None = None
_clients: dict[str, Any] = {}
_clients_lock = threading.Lock()


class SharedClientConnectionFactory(ConnectionFactory):
    """django-redis's connection factory (its documented CONNECTION_FACTORY
    hook), lending every cache backend of the process one redis-py client
    per server.

    Django builds a cache backend per thread and async context, so under
    ASGI one per request, and django-redis builds each backend a redis-py
    client of its own on the process's shared pool. A client is as
    thread-safe as its pool, and building one (its table of reply parsers)
    took about 0.4 ms of a request's 3-4 ms (bench/README.md).
    """

    def get_connection(self, params: dict[str, Any]) -> Any:
        url = params["url"]
        client = _clients.get(url)
        if client is None:
            with _clients_lock:
                client = _clients.setdefault(url, super().get_connection(params))
        return client


def _redis_error(operation: str, error: RedisError) -> None:
    logger.warning(
        "cache %s failed, carrying on without the cache: %s",
        operation,
        error,
        extra={"fields": {"event": "cache.error", "operation": operation}},
    )


def raise_number(cache: BaseCache, key: str, value: int) -> bool:
    """Store `value` under `key` (no expiry) unless it already holds a larger
    number, in one atomic command; False while Redis is unreachable."""
    client = getattr(cache, "client", None)
    if not isinstance(client, DefaultClient):  # local memory, in development
        if (cache.get(key) or 0) < value:
            cache.set(key, value, None)
        return True
    global _raise
    try:
        redis = client.get_client(write=True)
        if _raise is None:
            _raise = redis.register_script(_RAISE)
        _raise(keys=[cache.make_and_validate_key(key)], args=[value], client=redis)
    except RedisError as error:
        _redis_error("raise_number", error)
        return False
    return True


def increment_counter(cache: BaseCache, key: str, timeout: int) -> int | None:
    """Add one to the counter `key`, created to expire after `timeout` seconds,
    and return it (None while Redis is unreachable)."""
    client = getattr(cache, "client", None)
    if not isinstance(client, DefaultClient):  # local memory, in development
        cache.add(key, 0, timeout)
        return cache.incr(key)
    global _increment
    try:
        redis = client.get_client(write=True)
        if _increment is None:
            _increment = redis.register_script(_INCREMENT)
        return _increment(
            keys=[cache.make_and_validate_key(key)], args=[timeout], client=redis
        )
    except RedisError as error:
        _redis_error("increment_counter", error)
        return None
