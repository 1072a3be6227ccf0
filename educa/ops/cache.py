"""A Redis cache that degrades to "always a miss" while Redis is unreachable.

The cache only ever holds copies, so losing it must cost speed, not pages:
every failed call is logged and answered as a miss (or a no-op) instead of
raising. redis-py reconnects on the next call, so the cache comes back by
itself when Redis does, without restarting the workers.

Django builds a cache backend, and with it a Redis connection pool, per
thread and async context. Under ASGI every request runs in a context of its
own, so each request opened (and handshook) a new Redis connection; here
every backend of a process shares one client per server and options.
"""

import logging
import threading
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.utils.functional import cached_property
from redis import RedisError

logger = logging.getLogger(__name__)
_clients: dict[tuple[tuple[str, ...], str], RedisCacheClient] = {}
_clients_lock = threading.Lock()


def _forgiving(method_name: str, fallback: Callable[..., Any]) -> Callable[..., Any]:
    method = getattr(RedisCache, method_name)

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


class ResilientRedisCache(RedisCache):
    """Django's RedisCache, logging instead of raising when Redis is down."""

    @cached_property
    def _cache(self) -> RedisCacheClient:
        key = (tuple(self._servers), repr(sorted(self._options.items())))
        with _clients_lock:
            if key not in _clients:
                _clients[key] = self._class(self._servers, **self._options)
            return _clients[key]

    get = _forgiving("get", _default)
    get_many = _forgiving("get_many", lambda *args, **kwargs: {})
    has_key = _forgiving("has_key", lambda *args, **kwargs: False)
    set = _forgiving("set", lambda *args, **kwargs: None)
    add = _forgiving("add", lambda *args, **kwargs: False)
    touch = _forgiving("touch", lambda *args, **kwargs: False)
    set_many = _forgiving("set_many", lambda data, *args, **kwargs: list(data))
    delete = _forgiving("delete", lambda *args, **kwargs: False)
    delete_many = _forgiving("delete_many", lambda *args, **kwargs: None)
    clear = _forgiving("clear", lambda *args, **kwargs: False)
    # incr/decr have no honest fallback value, so they return None, as
    # django-redis does with IGNORE_EXCEPTIONS.
    incr = _forgiving("incr", lambda *args, **kwargs: None)
    decr = _forgiving("decr", lambda *args, **kwargs: None)
