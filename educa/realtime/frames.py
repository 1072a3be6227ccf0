"""What every socket does with a client's text frame before reading it."""

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
