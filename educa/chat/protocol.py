"""The chat socket's wire format: parse client frames, build server frames
(a stored message's frame is `educa.chat.selectors.message_frame`; the
frames every socket shares are in educa/realtime/frames.py).

Client frames (JSON objects):
- `{"message": "text", "client_id": "<uuid>", "attachments": [ids]}`
  (`"type": "message"` optional, as seed clients send only `message`)
- `{"type": "typing"}`
- `{"type": "read", "message_id": N}`
- `{"type": "edit", "message_id": N, "message": "new text"}`
- `{"type": "delete", "message_id": N}`
- `{"type": "ping"}`
"""

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from educa.accounts.models import User
from educa.chat.models import Message
from educa.realtime.frames import ProtocolError, error_frame, parse_json_object


@dataclass(frozen=True)
class SendMessage:
    body: str
    client_id: UUID | None = None
    attachment_ids: tuple[int, ...] = field(default=())


@dataclass(frozen=True)
class Typing:
    pass


@dataclass(frozen=True)
class Read:
    message_id: int


@dataclass(frozen=True)
class Edit:
    message_id: int
    body: str


@dataclass(frozen=True)
class Delete:
    message_id: int


@dataclass(frozen=True)
class Ping:
    pass


ClientFrame = SendMessage | Typing | Read | Edit | Delete | Ping


def _positive_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def parse_client_frame(text: str | None) -> ClientFrame:
    """The frame `text` encodes; ProtocolError (with a code) if it is bad."""
    data = parse_json_object(text)
    kind = data.get("type", "message" if "message" in data else None)
    if kind == "message":
        return _send_message(data)
    if kind == "typing":
        return Typing()
    if kind == "ping":
        return Ping()
    if kind == "read":
        return Read(message_id=_message_id(data))
    if kind == "edit":
        message_id = _message_id(data)
        if not isinstance(data.get("message"), str):
            raise ProtocolError("invalid_frame", "`message` must be a string.")
        return Edit(message_id=message_id, body=data["message"])
    if kind == "delete":
        return Delete(message_id=_message_id(data))
    raise ProtocolError("unknown_type", f"Unknown frame type {str(kind)[:50]!r}.")


def _message_id(data: dict[str, Any]) -> int:
    if not _positive_int(data.get("message_id")):
        raise ProtocolError("invalid_frame", "`message_id` must be a positive integer.")
    return data["message_id"]


def _send_message(data: dict[str, Any]) -> SendMessage:
    body = data.get("message")
    if not isinstance(body, str):
        raise ProtocolError("invalid_frame", "`message` must be a string.")

    client_id = data.get("client_id")
    if client_id is not None:
        try:
            client_id = UUID(str(client_id))
        except ValueError:
            raise ProtocolError(
                "invalid_client_id", "`client_id` must be a UUID."
            ) from None
    attachments = data.get("attachments", [])
    if not isinstance(attachments, list) or not all(
        _positive_int(value) for value in attachments
    ):
        raise ProtocolError(
            "invalid_frame", "`attachments` must be a list of attachment ids."
        )
    return SendMessage(
        body=body, client_id=client_id, attachment_ids=tuple(attachments)
    )


def ack_frame(message: Message, *, duplicate: bool) -> dict[str, Any]:
    """To the sender only: the message is stored under `id`."""
    return {
        "type": "ack",
        "id": message.pk,
        "room": message.room_id,
        "client_id": str(message.client_id) if message.client_id else None,
        "datetime": message.created.isoformat(),
        "duplicate": duplicate,
    }


def caught_up_frame(room_id: int, changes: int) -> dict[str, Any]:
    """After the replay a socket opened with `?after=` sends: the client has
    every edit and deletion up to `changes` (its next `?changes=`)."""
    return {"type": "caught_up", "room": room_id, "changes": changes}


def member_left_frame(room_id: int, user_id: int) -> dict[str, Any]:
    """To a socket whose user may no longer use the room, before it closes."""
    return {"type": "member_left", "room": room_id, "user_id": user_id}


def read_frame(room_id: int, user: User, message_id: int) -> dict[str, Any]:
    """To the room: `user` has read up to `message_id`."""
    return {
        "type": "read",
        "room": room_id,
        "user": user.username,
        "user_id": user.pk,
        "message_id": message_id,
    }


def typing_frame(room_id: int, user: User) -> dict[str, Any]:
    return {
        "type": "typing",
        "room": room_id,
        "user": user.username,
        "name": user.name,
        "user_id": user.pk,
    }


def room_archived_frame(room_id: int) -> dict[str, Any]:
    return {"type": "room_archived", "room": room_id}


def refusal_frame(
    code: str, detail: str, frame: ClientFrame | None = None
) -> dict[str, Any]:
    """The `error` frame answering a client frame; it names the message the
    client meant (`client_id` of a send, `message_id` of an edit or a
    deletion) so a page can show which one was refused."""
    error: dict[str, Any] = error_frame(code, detail)
    if isinstance(frame, SendMessage) and frame.client_id is not None:
        error["client_id"] = str(frame.client_id)
    elif isinstance(frame, Edit | Delete):
        error["message_id"] = frame.message_id
    return error
