"""Helpers for the chat socket tests."""

from channels.db import database_sync_to_async

from educa.chat.models import Message


def room_path(course) -> str:
    return f"/ws/chat/room/{course.pk}/"


async def stored_messages() -> list[tuple[str, int]]:
    return await database_sync_to_async(
        lambda: list(Message.objects.order_by("id").values_list("body", "sender_id"))
    )()


async def receive_type(client, kind: str) -> dict:
    """The next frame of `kind`, skipping heartbeats and other kinds."""
    while True:
        frame = await client.receive_json_from(timeout=3)
        if frame["type"] == kind:
            return frame


async def assert_refused(client) -> None:
    connected, _ = await client.connect()

    assert connected is False
