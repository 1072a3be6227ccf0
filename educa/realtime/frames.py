"""The wire format every socket shares: reading a client's text frame, and
the server frames of the realtime layer (chat's own are in
educa/chat/protocol.py; a stored row's frame is built by the selector that
reads it: `notification_frame`, chat's `message_frame`)."""

import json
from typing import Any

MAX_FRAME_CHARS = 32_000


class ProtocolError(Exception):
    """A bad client frame: the socket answers `{"type": "error", code, detail}`."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


def parse_json_object(text: str | None) -> dict[str, Any]:
    """The JSON object a text frame holds, however hostile (binary, huge,
    deeply nested); ProtocolError with the documented code otherwise."""
    if text is None:
        raise ProtocolError("invalid_frame", "Send text frames holding JSON.")
    if len(text) > MAX_FRAME_CHARS:
        raise ProtocolError("frame_too_large", "The frame is too large.")
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise ProtocolError("invalid_json", "The frame is not valid JSON.") from None
    if not isinstance(data, dict):
        raise ProtocolError("invalid_frame", "A frame is a JSON object.")
    return data


def error_frame(code: str, detail: str) -> dict[str, str]:
    """A bad client frame, or a refused one: the socket stays open."""
    return {"type": "error", "code": code, "detail": detail}


def pong_frame() -> dict[str, str]:
    return {"type": "pong"}


def heartbeat_frame(interval: float) -> dict[str, Any]:
    return {"type": "heartbeat", "interval": interval}


def unread_frame(unread: int) -> dict[str, Any]:
    """The user's unread notification count."""
    return {"type": "unread", "unread": unread}


def presence_frame(
    room_id: int, count: int, listed: list[tuple[int, str, str]]
) -> dict[str, Any]:
    """Who is connected: `count` people, of whom `listed` (id, username,
    display name)."""
    return {
        "type": "presence",
        "room": room_id,
        "count": count,
        "users": [
            {"id": pk, "user": username, "name": name} for pk, username, name in listed
        ],
    }
