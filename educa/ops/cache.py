"""A Redis cache that degrades to "always a miss" while Redis is unreachable.

The cache only ever holds copies, so losing it must cost speed, not pages:
every failed call is logged and answered as a miss (or a no-op) instead of
raising. redis-py reconnects on the next call, so the cache comes back by
itself when Redis does, without restarting the workers.

Django builds a cache backend, and with it a Redis connection pool, per
thread and async context. Under ASGI every request runs in a context of its
own, so each request opened (and handshook) a new Redis connection; here
every backend of a process shares one client per server and options, and
that client keeps its redis-py clients (thread-safe, like their pools)
instead of building one per call.
"""

import logging
import threading
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.utils.functional import cached_property
from redis import RedisError
from redis.commands.core import Script

logger = logging.getLogger(__name__)
_clients: dict[tuple[tuple[str, ...], str], RedisCacheClient] = {}
_clients_lock = threading.Lock()


def _forgiving(
    method: Callable[..., Any], fallback: Callable[..., Any]
) -> Callable[..., Any]:
    method_name = method.__name__

    def call(self: RedisCache, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except RedisError as error:
            logger.warning(
                "cache %s failed, carrying on without the cache: %s",
                method_name,
                error,
                extra={"fields": {"event": "cache.error", "operation": method_name}},
            )
            return fallback(*args, **kwargs)

    call.__name__ = method_name
    call.__doc__ = method.__doc__
    return call


def _default(key: str, default: Any = None, *args: Any, **kwargs: Any) -> Any:
    return default


# One command, atomic: a counter never exists without its expiry.
_INCREMENT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return count
"""


class SharedRedisCacheClient(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: str | None = None, *, write: bool = False) -> Any:
        index = self._get_connection_pool_index(write)
        if index not in self._clients:
            self._clients[index] = self._client(
                connection_pool=self._get_connection_pool(write)
            )
        return self._clients[index]

    @cached_property
    def _increment(self) -> Script:
        return self.get_client(write=True).register_script(_INCREMENT)

    def increment_counter(self, key: str, timeout: int) -> int:
        return self._increment(keys=[key], args=[timeout])


class ResilientRedisCache(RedisCache):
    """Django's RedisCache, logging instead of raising when Redis is down."""

    @cached_property
    def _cache(self) -> RedisCacheClient:
        key = (tuple(self._servers), repr(sorted(self._options.items())))
        with _clients_lock:
            if key not in _clients:
                _clients[key] = SharedRedisCacheClient(self._servers, **self._options)
            return _clients[key]

    get = _forgiving(RedisCache.get, _default)
    get_many = _forgiving(RedisCache.get_many, lambda *args, **kwargs: {})
    has_key = _forgiving(RedisCache.has_key, lambda *args, **kwargs: False)
    set = _forgiving(RedisCache.set, lambda *args, **kwargs: None)
    add = _forgiving(RedisCache.add, lambda *args, **kwargs: False)
    touch = _forgiving(RedisCache.touch, lambda *args, **kwargs: False)
    set_many = _forgiving(RedisCache.set_many, lambda data, *args, **kwargs: list(data))
    delete = _forgiving(RedisCache.delete, lambda *args, **kwargs: False)
    delete_many = _forgiving(RedisCache.delete_many, lambda *args, **kwargs: None)
    clear = _forgiving(RedisCache.clear, lambda *args, **kwargs: False)
    # incr/decr have no honest fallback value, so they return None, as
    # django-redis does with IGNORE_EXCEPTIONS.
    incr = _forgiving(RedisCache.incr, lambda *args, **kwargs: None)
    decr = _forgiving(RedisCache.decr, lambda *args, **kwargs: None)

    def increment_counter(self, key: str, timeout: int) -> int:
        return self._cache.increment_counter(self.make_and_validate_key(key), timeout)

    increment_counter = _forgiving(increment_counter, lambda *args, **kwargs: None)


def increment_counter(cache: BaseCache, key: str, timeout: int) -> int | None:
    """Add one to the counter `key`, created to expire after `timeout` seconds,
    and return it (None while Redis is unreachable). One command on Redis,
    where Django's add() and incr() take three round trips."""
    if hasattr(cache, "increment_counter"):  # also through django's cache proxy
        return cache.increment_counter(key, timeout)
    cache.add(key, 0, timeout)
    return cache.incr(key)
