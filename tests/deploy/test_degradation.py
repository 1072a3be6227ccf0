"""Losing Redis costs the cache, not pages; losing PostgreSQL answers 503."""

import json
import logging
import threading

import pytest
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.db import DatabaseError, InterfaceError, OperationalError
from django.test import RequestFactory

from educa.ops.cache import increment_counter
from educa.ops.middleware import DatabaseUnavailableMiddleware
from tests.factories import PASSWORD, CourseFactory
from tests.servers import free_port


@pytest.fixture
def unreachable_redis_cache(settings):
    """The default cache pointed at a port where no Redis listens."""
    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
        }
    }
    return cache


def test_unreachable_cache_answers_misses_and_logs(unreachable_redis_cache, caplog):
    caplog.set_level(logging.WARNING, logger="educa.ops.cache")

    results = [
        unreachable_redis_cache.get("key", "fallback"),
        unreachable_redis_cache.get_many(["a", "b"]),
        unreachable_redis_cache.has_key("key"),
        unreachable_redis_cache.set("key", 1),
        unreachable_redis_cache.add("key", 1),
        unreachable_redis_cache.set_many({"a": 1, "b": 2}),
        unreachable_redis_cache.delete("key"),
        unreachable_redis_cache.incr("counter"),
    ]

    assert results == ["fallback", {}, False, None, False, ["a", "b"], False, None]
    assert [record.fields["operation"] for record in caplog.records] == [
        "get",
        "get_many",
        "has_key",
        "set",
        "add",
        "set_many",
        "delete",
        "incr",
    ]


def test_reachable_cache_keeps_redis_semantics(db):
    cache.set("key", {"a": 1})

    assert cache.get("key") == {"a": 1}
    with pytest.raises(ValueError, match="not found"):
        cache.incr("missing-counter")


def test_pages_and_api_work_while_the_cache_is_unreachable(
    client, unreachable_redis_cache, student
):
    CourseFactory(title="Still listed")

    page = client.get("/")
    token = client.post(
        "/api/token/", {"username": student.username, "password": PASSWORD}
    )

    assert page.status_code == 200
    assert "Still listed" in page.content.decode()
    assert token.status_code == 200
    assert set(token.json()) == {"access", "refresh"}


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_database_outage_answers_api_with_json_503(error):
    request = RequestFactory().get("/api/courses/")

    response = DatabaseUnavailableMiddleware(lambda r: None).process_exception(
        request, error("connection refused")
    )

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert json.loads(response.content)["code"] == "database_unavailable"


def test_database_outage_answers_pages_with_a_short_503_page():
    request = RequestFactory().get("/course/python/")

    response = DatabaseUnavailableMiddleware(lambda r: None).process_exception(
        request, OperationalError("connection refused")
    )

    assert response.status_code == 503
    assert "Educa is briefly unavailable" in response.content.decode()


def test_other_database_errors_stay_server_errors():
    request = RequestFactory().get("/api/courses/")

    response = DatabaseUnavailableMiddleware(lambda r: None).process_exception(
        request, DatabaseError("relation does not exist")
    )

    assert response is None


def test_cache_backends_of_every_thread_share_one_redis_connection_pool():
    """Django builds a backend per thread (per request under ASGI); each used
    to open its own Redis connection."""
    from django.core.cache import caches

    def connections_received() -> int:
        return cache._cache.get_client().info("stats")["total_connections_received"]

    before = connections_received()
    for _ in range(10):
        thread = threading.Thread(target=lambda: caches["default"].get("any-key"))
        thread.start()
        thread.join()

    assert connections_received() - before <= 1


@pytest.mark.parametrize("backend", ["redis", "locmem"])
def test_counters_start_at_one_and_expire_with_their_window(backend):
    counters = (
        cache
        if backend == "redis"
        else LocMemCache("counters", {"TIMEOUT": None, "OPTIONS": {}})
    )

    counts = [increment_counter(counters, "window-1", 60) for _ in range(3)]

    assert counts == [1, 2, 3]


def test_a_redis_counter_expires_after_its_timeout_from_the_first_count():
    increment_counter(cache, "window-1", 60)
    increment_counter(cache, "window-1", 600)
    redis = cache._cache.get_client()

    assert 0 < redis.ttl(cache.make_and_validate_key("window-1")) <= 60


def test_counters_answer_none_while_redis_is_unreachable(
    unreachable_redis_cache, caplog
):
    caplog.set_level(logging.WARNING, logger="educa.ops.cache")

    assert increment_counter(unreachable_redis_cache, "window-1", 60) is None
    assert [record.fields["operation"] for record in caplog.records] == [
        "increment_counter"
    ]
