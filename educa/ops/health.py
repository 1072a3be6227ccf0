"""Liveness and readiness probes, answered before any other middleware.

They sit first in MIDDLEWARE so that a load balancer or orchestrator probing
with its own Host header (a pod IP, `localhost`) over plain HTTP is neither
refused by ALLOWED_HOSTS nor redirected to HTTPS, and probes stay out of the
access log.

- `GET /healthz`: the process and its event loop answer; no I/O at all.
- `GET /readyz`: PostgreSQL answers, every migration is applied and Redis
  answers; otherwise 503 naming what failed. With TASK_BACKEND=database it
  also says how many task workers were heard from lately ("workers":
  "3 alive" or "none alive"): a web process serves without them, so that
  never fails readiness, but it shows at a glance that tasks are waiting.
"""

import logging
from collections.abc import Callable

import redis
from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse

from educa.ops.worker import alive_workers

logger = logging.getLogger(__name__)

Handler = Callable[[HttpRequest], HttpResponse]

# A probe must answer quickly even when Redis is black-holed, not just down.
REDIS_PROBE_TIMEOUT = 1.0
# "unknown" (migrations behind an unreachable database) is not a cause itself.
FAILED_STATUSES = {"unreachable", "pending"}


def database_status() -> str:
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        logger.warning("readiness: database unreachable: %s", error)
        return "unreachable"
    return "ok"


def migrations_status() -> str:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return "pending" if plan else "ok"


def redis_status() -> str:
    if not settings.REDIS_URL:
        return "not configured"
    client = redis.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=REDIS_PROBE_TIMEOUT,
        socket_timeout=REDIS_PROBE_TIMEOUT,
    )
    try:
        client.ping()
    except redis.RedisError as error:
        logger.warning("readiness: redis unreachable: %s", error)
        return "unreachable"
    finally:
        client.close()
    return "ok"


def workers_status() -> str:
    if settings.TASK_BACKEND != "database":
        return "not used"
    try:
        alive = alive_workers()
    except DatabaseError:
        return "unknown"
    return f"{alive} alive" if alive else "none alive"


def readiness() -> dict[str, str]:
    """Check each dependency; migrations and workers are only checked on a
    reachable database."""
    database = database_status()
    return {
        "database": database,
        "migrations": migrations_status() if database == "ok" else "unknown",
        "redis": redis_status(),
        "workers": workers_status() if database == "ok" else "unknown",
    }


def readiness_response(checks: dict[str, str]) -> JsonResponse:
    failed = [name for name, status in checks.items() if status in FAILED_STATUSES]
    return JsonResponse(
        {
            "status": "unavailable" if failed else "ready",
            "checks": checks,
            "failed": failed,
        },
        status=503 if failed else 200,
    )


def liveness_response() -> JsonResponse:
    return JsonResponse({"status": "alive"})


def health_middleware(get_response: Handler) -> Handler:
    """Answer `/healthz` and `/readyz` (GET or HEAD); pass everything else on."""

    def is_probe(request: HttpRequest, path: str) -> bool:
        return request.path == path and request.method in {"GET", "HEAD"}

    def middleware(request: HttpRequest) -> HttpResponse:
        if is_probe(request, "/healthz"):
            return liveness_response()
        if is_probe(request, "/readyz"):
            return readiness_response(readiness())
        return get_response(request)

    return middleware
