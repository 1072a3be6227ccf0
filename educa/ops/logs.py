"""Structured logs: one JSON object per line on stdout, for any log shipper.

`log_request` writes the access line for every HTTP request (the middleware
calls it); `log_websocket` is the same for WebSocket connects and disconnects,
for consumers to call from `connect()` and `disconnect()`. `RedactTokens`
keeps `token=` values of query strings (access tokens of sockets and course
files) out of every line.
"""

import json
import logging
import re
import time
import traceback
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

request_logger = logging.getLogger("educa.request")
websocket_logger = logging.getLogger("educa.websocket")

# `token=` and `access_token=` query values, up to the next separator.
_TOKEN_VALUE = re.compile(r"(token=)[^&\s\"'#;,]+", re.IGNORECASE)
# uvicorn's loggers of handshakes (uvicorn.error: each WebSocket with its
# query string, at INFO) and requests (uvicorn.access).
SERVER_LOGGERS = ("uvicorn.error", "uvicorn.access")


def redact_tokens(text: str) -> str:
    return _TOKEN_VALUE.sub(r"\1[redacted]", text)


def _redacted(value: Any) -> Any:
    return redact_tokens(value) if isinstance(value, str) else value


class RedactTokens(logging.Filter):
    """Replace `token=<value>` in a record's message, arguments and fields.

    Arguments keep their number and types: uvicorn's access formatter
    unpacks them.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = _redacted(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redacted(arg) for arg in record.args)
        elif isinstance(record.args, Mapping):
            record.args = {key: _redacted(arg) for key, arg in record.args.items()}
        if isinstance(fields := getattr(record, "fields", None), dict):
            record.fields = {key: _redacted(value) for key, value in fields.items()}
        if record.exc_info and not record.exc_text:
            # Formatters print exc_text when it is set (JsonFormatter redacts
            # its own rendering of the traceback).
            record.exc_text = redact_tokens(
                logging.Formatter().formatException(record.exc_info)
            )
        return True


def redact_tokens_in_server_logs() -> None:
    """Add RedactTokens to uvicorn's loggers (once).

    uvicorn configures its loggers before it imports the application, and
    naming them in LOGGING would replace their handlers (and undo
    --no-access-log), so the filter is added to them here, where the
    application starts. Records of Educa's own loggers pass the console
    handler's RedactTokens (settings.LOGGING).
    """
    for name in SERVER_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(each, RedactTokens) for each in logger.filters):
            logger.addFilter(RedactTokens())


class JsonFormatter(logging.Formatter):
    """Render a record as one JSON line; `extra={"fields": {...}}` adds keys."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "pid": record.process,
        }
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            # The traceback stays inside the one line, so it cannot be
            # interleaved with another worker's output.
            entry["traceback"] = redact_tokens(
                "".join(traceback.format_exception(*record.exc_info))
            )
        return json.dumps(entry, default=str)


class CacheErrorFilter(logging.Filter):
    """One line per cache call that django-redis answered as a miss.

    With IGNORE_EXCEPTIONS it logs each ignored error with its traceback;
    during an outage every call fails the same way, so the line carries the
    Redis error and `"event": "cache.error"` instead.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if error is not None:
            record.msg = "cache call failed, carrying on without the cache: %s"
            record.args = (error.__cause__ or error,)
            record.exc_info = record.exc_text = None
            record.fields = {"event": "cache.error", **getattr(record, "fields", {})}
        return True


def log_request(
    *, method: str, path: str, status: int, started: float, user_id: int | None
) -> None:
    """Write the access line of one HTTP request; `started` is a `time.monotonic()`."""
    duration_ms = round((time.monotonic() - started) * 1000, 1)
    request_logger.info(
        "%s %s %s",
        method,
        path,
        status,
        extra={
            "fields": {
                "event": "http.request",
                "method": method,
                "path": path,
                "status": status,
                "duration_ms": duration_ms,
                "user_id": user_id,
            }
        },
    )


def log_websocket(
    event: str, scope: Mapping[str, Any], *, code: int | None = None
) -> None:
    """Log a WebSocket `event` ("connect", "reject" or "disconnect") for `scope`.

    Call it from the consumer once the outcome is known: after `accept()` or a
    refusal, and in `disconnect(code)`.
    """
    user = scope.get("user")
    user_id = user.pk if user is not None and user.is_authenticated else None
    websocket_logger.info(
        "websocket %s %s",
        event,
        scope.get("path", ""),
        extra={
            "fields": {
                "event": f"websocket.{event}",
                "path": scope.get("path", ""),
                "user_id": user_id,
                "code": code,
            }
        },
    )
