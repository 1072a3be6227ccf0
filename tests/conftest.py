"""Test-suite wiring: the stack check, then factories as fixtures.

The suite runs against the real PostgreSQL and Redis named by DATABASE_URL
and REDIS_URL (`make test` sets the defaults). If either is missing, the run
stops at once with one line saying which and how to point at it.
"""

import socket
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection

from educa.courses.models import File, Image, Quiz, Text, Video
from tests.factories import (
    CourseFactory,
    EnrollmentFactory,
    InstructorFactory,
    StudentFactory,
)
from tests.servers import database_url, django_env, uvicorn_server
from tests.smtp import smtp_server as run_smtp_server


def _unreachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return False
    except OSError:
        return True


def pytest_configure(config: pytest.Config) -> None:
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        pytest.exit(
            "The suite runs on PostgreSQL: set DATABASE_URL="
            "postgres://postgres@127.0.0.1:5432/educa_test (or run `make test`).",
            returncode=2,
        )
    host, port = database["HOST"] or "localhost", int(database["PORT"] or 5432)
    if _unreachable(host, port):
        pytest.exit(
            f"PostgreSQL is not reachable at {host}:{port}: "
            "start it or point DATABASE_URL at a running server.",
            returncode=2,
        )
    if not settings.REDIS_URL:
        pytest.exit(
            "The suite runs on Redis: set REDIS_URL=redis://127.0.0.1:6379/0 "
            "(or run `make test`).",
            returncode=2,
        )
    redis = urlsplit(settings.REDIS_URL)
    if _unreachable(redis.hostname or "localhost", redis.port or 6379):
        pytest.exit(
            f"Redis is not reachable at {settings.REDIS_URL}: "
            "start it or point REDIS_URL at a running server.",
            returncode=2,
        )


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (the Redis database is the suite's own)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploads land in a per-test folder, never in the developer's data directory."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def smtp():
    """A real SMTP server (aiosmtpd) for this test; `smtp.inbox` holds what
    it received, `smtp.url` is the EMAIL_URL sending to it. Live servers and
    workers of the test send there (see live_server_env)."""
    with run_smtp_server() as server:
        yield server


@pytest.fixture
def smtp_settings(smtp, settings):
    """This process's mail goes to the test's SMTP server too."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = smtp.host, smtp.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    return smtp


@pytest.fixture
def live_server_env(transactional_db, settings, request) -> dict[str, str]:
    """The environment of a server process sharing the test's PostgreSQL
    database, Redis and media folder (and its SMTP server, if it has one)."""
    smtp = request.getfixturevalue("smtp") if "smtp" in request.fixturenames else None
    return django_env(
        DATABASE_URL=database_url(connection.settings_dict),
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        DEBUG="true",
        EMAIL_URL=smtp.url if smtp else "consolemail://",
    )


@pytest.fixture
def live_server_url(live_server_env):
    """A real uvicorn process serving the test database; yields its base URL.

    Function-scoped on purpose: the flush after a transactional test recreates
    content types with new ids, which a longer-lived server would have cached.
    Data made in the test must be committed (transactional_db does that).
    """
    with uvicorn_server(live_server_env) as base_url:
        cache.clear()  # the readiness probe (GET /) has just cached an empty catalog
        yield base_url


@pytest.fixture
def warm_content_types(db):
    """Fill the per-process ContentType cache, as any long-running worker has.

    Query-count tests use it so their counts do not depend on which test ran
    first in the process.
    """
    ContentType.objects.get_for_models(Text, File, Image, Video, Quiz)


@pytest.fixture
def instructor(db):
    return InstructorFactory()


@pytest.fixture
def other_instructor(db):
    return InstructorFactory()


@pytest.fixture
def student(db):
    return StudentFactory()


@pytest.fixture
def course(instructor):
    return CourseFactory(owner=instructor)


@pytest.fixture
def enrolled_student(course):
    return EnrollmentFactory(course=course).student


@pytest.fixture
def worker_env(live_server_env, smtp):
    """A task worker's environment: the live server's, storing tasks in
    PostgreSQL, with short heartbeats and retries for tests."""
    return {
        **live_server_env,
        "TASK_BACKEND": "database",
        "WORKER_HEARTBEAT_SECONDS": "0.3",
        "WORKER_DEAD_AFTER_SECONDS": "2",
        "TASK_RETRY_SECONDS": "0.2",
        "EMAIL_URL": smtp.url,
        "LOG_LEVEL": "WARNING",
    }
