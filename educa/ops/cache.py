"""The throttles' counter: one Redis command per request, None while Redis is away.

The cache itself is django-redis with IGNORE_EXCEPTIONS (settings.py): a
failed call is logged as `cache.error` and answered as a miss, and its
connection pool is one per process. This module adds what django-redis has
no call for: a counter created with its expiry in one atomic command, where
Django's add() and incr() take three round trips and can leave a counter
without an expiry if the process dies between them.
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
# Registered once per process; each call runs it on the caller's client.
_increment: Script | None = None
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
        logger.warning(
            "cache increment_counter failed, carrying on without the cache: %s",
            error,
            extra={
                "fields": {"event": "cache.error", "operation": "increment_counter"}
            },
        )
        return None
