"""The one place channel-layer group names and group events are made.

Group names must be ASCII letters, digits, hyphens, underscores or periods
and shorter than 100 characters; ids keep them well inside that.
"""

import json
from typing import Any


def user_group(user_id: int) -> str:
    """Every socket of one user: their notification stream."""
    return f"user.{user_id}"


def room_group(room_id: int) -> str:
    """Every socket connected to one chat room."""
    return f"room.{room_id}"


def frame_text(frame: dict[str, Any]) -> str:
    return json.dumps(frame, separators=(",", ":"))


def relay_event(event_type: str, frame: dict[str, Any]) -> dict[str, Any]:
    """A group event carrying `frame` for every socket, encoded once here
    rather than once per socket. Besides the text it carries only what a
    socket needs to decide whether to pass it on: each socket decodes the
    event, and keeps the last one until the next arrives."""
    return {
        "type": event_type,
        "kind": frame["type"],
        "id": frame.get("id"),
        "user_id": frame.get("user_id"),
        "text": frame_text(frame),
    }
