"""Request-level operations: the access log and the database-down answer."""

import logging
import time
from collections.abc import Callable

from django.contrib import auth
from django.contrib.auth.middleware import (
    AuthenticationMiddleware as DjangoAuthenticationMiddleware,
)
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.deprecation import MiddlewareMixin
from django.utils.functional import SimpleLazyObject

from educa.ops.logs import log_request

logger = logging.getLogger(__name__)

Handler = Callable[[HttpRequest], HttpResponse]

# Seconds a client should wait before retrying while the database is away.
RETRY_AFTER = "5"


class AuthenticationMiddleware(DjangoAuthenticationMiddleware):
    """Django's, with a lazy `request.user` that notes on the request the
    user it loads (`request.loaded_user`), so the access log can name the
    user without loading one nobody asked for."""

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _load_user(request))


def _load_user(request: HttpRequest):
    request.loaded_user = auth.get_user(request)
    return request.loaded_user


def _loaded_user_id(request: HttpRequest) -> int | None:
    """The id of the user the request already loaded, without loading one.

    Forcing the lazy `request.user` would cost a session and a user query on
    requests that never needed them, so a user nobody looked at is logged as
    None. DRF (and the course files' Bearer check) replace the lazy object
    with the authenticated user.
    """
    user = getattr(request, "user", None)
    if isinstance(user, SimpleLazyObject):
        user = getattr(request, "loaded_user", None)
    if user is None or not user.is_authenticated:
        return None
    return user.pk


def request_log_middleware(get_response: Handler) -> Handler:
    """Write one JSON access line per request, after the response is built."""

    def middleware(request: HttpRequest) -> HttpResponse:
        started = time.monotonic()
        response = get_response(request)
        log_request(
            method=request.method or "",
            path=request.path,
            status=response.status_code,
            started=started,
            user_id=_loaded_user_id(request),
        )
        return response

    return middleware


class DatabaseUnavailableMiddleware(MiddlewareMixin):
    """Answer 503 instead of a 500 page when PostgreSQL cannot be reached.

    psycopg reports a lost or refused connection (and other transient
    failures: deadlocks, cancelled statements) as OperationalError or
    InterfaceError; all are worth retrying, so all answer 503 + Retry-After.

    API clients get a JSON body they can act on; browsers get a short page.
    Django reconnects on the next request (CONN_HEALTH_CHECKS), so service
    resumes by itself when the database is back.
    """

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        # One line per failed request, without the traceback: during an
        # outage every request fails the same way.
        reason = next(iter(str(exception).strip().splitlines()), "")
        logger.error(
            "database unavailable: %s",
            reason,
            extra={"fields": {"event": "database.unavailable", "path": request.path}},
        )
        if request.path.startswith(("/api/", "/graphql/")):
            response: HttpResponse = JsonResponse(
                {
                    "detail": "The service is temporarily unavailable: "
                    "the database did not answer. Retry shortly.",
                    "code": "database_unavailable",
                },
                status=503,
            )
        else:
            response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = RETRY_AFTER
        return response
