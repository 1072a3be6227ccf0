"""Losing Redis costs the cache, not pages; losing PostgreSQL answers 503."""

import contextlib
import json
import logging
import signal
import threading
import time

import pytest
import redis
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.db import DatabaseError, InterfaceError, OperationalError
from django.test import Client, RequestFactory
from django_redis import get_redis_connection
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from educa.courses.services import update_course
from educa.ops.cache import increment_counter, raise_number
from educa.ops.middleware import DatabaseUnavailableMiddleware
from tests.deploy.topology import dedicated_redis
from tests.factories import PASSWORD, CourseFactory, EnrollmentFactory
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


def cache_errors(caplog) -> list[dict]:
    return [
        record.fields
        for record in caplog.records
        if getattr(record, "fields", {}).get("event") == "cache.error"
    ]


def test_unreachable_cache_answers_misses_and_logs(unreachable_redis_cache, caplog):
    caplog.set_level(logging.WARNING, logger="educa.cache")

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

    # Reads are misses; writes report nothing done (None: django-redis's
    # IGNORE_EXCEPTIONS answer).
    assert results == ["fallback", {}, None, None, None, None, None, None]
    assert len(cache_errors(caplog)) == len(results)
    assert all(record.exc_info is None for record in caplog.records)
    assert "Connection refused" in caplog.records[0].getMessage()


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


@pytest.fixture
def private_redis(settings):
    """The default cache on a redis-server of the test's own."""
    with dedicated_redis() as server:
        settings.CACHES = {
            "default": {**settings.CACHES["default"], "LOCATION": server.url}
        }
        yield server


@contextlib.contextmanager
def hung(server):
    """Redis stopped (SIGSTOP) but still holding its socket: connections
    open, nothing answers."""
    server.process.send_signal(signal.SIGSTOP)
    try:
        yield
    finally:
        server.process.send_signal(signal.SIGCONT)


def test_requests_in_threads_of_their_own_share_one_redis_connection(
    private_redis, client, db
):
    """Django builds a cache backend per thread (per request under ASGI);
    with Django's own RedisCache each one opened a connection of its own."""
    CourseFactory()

    for _ in range(5):
        thread = threading.Thread(target=lambda: Client().get("/"))
        thread.start()
        thread.join()

    probe = redis.Redis.from_url(private_redis.url)
    assert len(probe.client_list()) == 2  # the requests' one, and the probe
    probe.close()


def test_pages_and_api_answer_within_a_second_while_redis_hangs(
    private_redis, client, course
):
    """Each cache call gives up after REDIS_CACHE_TIMEOUT (issue 19, item 8)."""
    student = EnrollmentFactory(course=course).student
    api = APIClient(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(student)}")
    contents = f"/api/courses/{course.pk}/contents/"
    client.get("/")
    api.get(contents)

    with hung(private_redis):
        timings = []
        for get, path in [(client.get, "/"), (api.get, contents)]:
            started = time.monotonic()
            response = get(path)
            timings.append(time.monotonic() - started)
            assert response.status_code == 200

    assert max(timings) < 1, timings


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
    redis = get_redis_connection("default")

    assert 0 < redis.ttl(cache.make_and_validate_key("window-1")) <= 60


def test_counters_answer_none_while_redis_is_unreachable(
    unreachable_redis_cache, caplog
):
    caplog.set_level(logging.WARNING, logger="educa.cache")

    assert increment_counter(unreachable_redis_cache, "window-1", 60) is None
    assert cache_errors(caplog) == [
        {"event": "cache.error", "operation": "increment_counter"}
    ]


def test_an_edit_made_while_redis_is_unreachable_shows_as_soon_as_it_is_back(
    client, settings, transactional_db
):
    """The cache kept the pages but missed the edit's invalidation (a
    partition: this worker could not reach Redis, Redis kept its data); the
    pages still show the edit at once (issue 19, item 9)."""
    course = CourseFactory(title="Before the outage")
    client.get("/")
    client.get(course.get_absolute_url())
    reachable = settings.CACHES

    settings.CACHES = {
        "default": {
            **reachable["default"],
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
        }
    }
    update_course(course=course, by=course.owner, title="Edited during the outage")
    settings.CACHES = reachable
    catalog = client.get("/").content.decode()
    detail = client.get(course.get_absolute_url()).content.decode()

    assert "Edited during the outage" in catalog
    assert "Edited during the outage" in detail
    assert "Before the outage" not in catalog + detail


def test_cache_backends_share_one_redis_client_per_server(private_redis):
    """Django builds a backend per thread; django-redis would build each its
    own redis-py client on the shared pool (SharedClientConnectionFactory)."""
    from django.core.cache import caches

    clients = []

    def client_of_a_new_backend():
        clients.append(caches["default"].client.get_client(write=True))

    for _ in range(3):
        thread = threading.Thread(target=client_of_a_new_backend)
        thread.start()
        thread.join()

    assert len({id(client) for client in clients}) == 1


@pytest.mark.parametrize("backend", ["redis", "locmem"])
def test_a_raised_number_only_ever_goes_up(backend):
    numbers = (
        cache
        if backend == "redis"
        else LocMemCache("numbers", {"TIMEOUT": None, "OPTIONS": {}})
    )

    results = [raise_number(numbers, "generation", value) for value in (5, 3, 7)]

    assert results == [True, True, True]
    assert numbers.get("generation") == 7


def test_raising_a_number_answers_false_while_redis_is_unreachable(
    unreachable_redis_cache, caplog
):
    caplog.set_level(logging.WARNING, logger="educa.cache")

    assert raise_number(unreachable_redis_cache, "generation", 5) is False
    assert cache_errors(caplog) == [
        {"event": "cache.error", "operation": "raise_number"}
    ]
