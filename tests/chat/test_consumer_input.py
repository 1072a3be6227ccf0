"""Bad input on the chat socket: an error frame, nothing stored, the socket
stays open; only floods close it."""

import asyncio
import json
import time

import pytest
from channels.db import database_sync_to_async

from educa.chat.services import archive_room
from educa.realtime import fanout, presence
from tests.chat.sockets import receive_type, room_path, stored_messages
from tests.websockets import access_token, communicator, connect_as

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


BAD_FRAMES = [
    ("not json", "invalid_json"),
    ("[1, 2]", "invalid_frame"),
    ('{"type": "dance"}', "unknown_type"),
    ('{"message": 42}', "invalid_frame"),
    ('{"message": "   "}', "empty_message"),
    (json.dumps({"message": "x" * 4001}), "message_too_long"),
    ('{"message": "hi", "client_id": "not-a-uuid"}', "invalid_client_id"),
    ('{"type": "read", "message_id": "7"}', "invalid_frame"),
    ('{"type": "read", "message_id": 999999}', "invalid_message_id"),
    ('{"message": "hi", "attachments": [999999]}', "invalid_attachment"),
    (json.dumps({"message": "x" * 40_000}), "frame_too_large"),
    # Hostile: PostgreSQL refuses NUL, UTF-8 cannot carry half a surrogate
    # pair, and deep nesting exhausts the parser's recursion.
    ('{"message": "a\\u0000b"}', "invalid_characters"),
    ('{"message": "\\ud800"}', "invalid_characters"),
    ("[" * 10_000 + "]" * 10_000, "invalid_json"),
]


@pytest.mark.parametrize(("text", "code"), BAD_FRAMES)
async def test_bad_frame_gets_error_frame_and_socket_stays_open(
    course, enrolled_student, text, code
):
    client = await connect_as(enrolled_student, room_path(course))

    await client.send_to(text_data=text)

    frame = await client.receive_json_from(timeout=3)
    assert frame["type"] == "error"
    assert frame["code"] == code
    assert await stored_messages() == []
    await client.send_json_to({"message": "still here"})
    assert (await receive_type(client, "ack"))["type"] == "ack"
    await client.disconnect()


async def test_binary_frame_gets_error_frame(course, enrolled_student):
    client = await connect_as(enrolled_student, room_path(course))

    await client.send_to(bytes_data=b"\x00\x01")

    assert (await client.receive_json_from(timeout=3))["code"] == "invalid_frame"
    await client.disconnect()


async def test_message_of_exactly_4000_characters_is_accepted(course, enrolled_student):
    client = await connect_as(enrolled_student, room_path(course))

    await client.send_json_to({"message": "y" * 4000})

    assert (await receive_type(client, "ack"))["type"] == "ack"
    assert await stored_messages() == [("y" * 4000, enrolled_student.pk)]
    await client.disconnect()


async def test_writing_to_an_archived_room_gets_error_frame(course, enrolled_student):
    client = await connect_as(enrolled_student, room_path(course))
    await database_sync_to_async(
        lambda: archive_room(room=course.chat_room, by=course.owner)
    )()
    assert (await receive_type(client, "room_archived"))["type"] == "room_archived"

    await client.send_json_to({"message": "anyone?"})

    frame = await receive_type(client, "error")
    assert frame["code"] == "room_archived"
    assert await stored_messages() == []
    await client.disconnect()


async def start_of_a_second() -> None:
    await asyncio.sleep(1 - time.time() % 1 + 0.02)


async def test_messages_over_the_rate_limit_get_error_frames(
    course, enrolled_student, settings
):
    settings.CHAT_MESSAGES_PER_SECOND = 3
    client = await connect_as(enrolled_student, room_path(course))
    await start_of_a_second()

    for n in range(5):
        await client.send_json_to({"message": f"burst {n}"})

    outcomes = []
    for _ in range(5):
        frame = await client.receive_json_from(timeout=3)
        while frame["type"] == "chat_message":
            frame = await client.receive_json_from(timeout=3)
        outcomes.append(frame.get("code", frame["type"]))
    assert outcomes == ["ack", "ack", "ack", "rate_limited", "rate_limited"]
    assert [body for body, _ in await stored_messages()] == [
        "burst 0",
        "burst 1",
        "burst 2",
    ]
    await client.disconnect()


async def test_frame_flood_closes_the_socket_with_4429(
    course, enrolled_student, settings
):
    settings.WS_MAX_FRAMES_PER_SECOND = 5
    client = await connect_as(enrolled_student, room_path(course))
    await start_of_a_second()

    for _ in range(6):
        await client.send_json_to({"type": "ping"})

    outputs = [await client.receive_output(timeout=3) for _ in range(6)]
    assert outputs[-1] == {"type": "websocket.close", "code": 4429}
    assert [json.loads(o["text"])["type"] for o in outputs[:-1]] == ["pong"] * 5


async def test_a_failing_frame_costs_one_error_and_the_socket_stays_usable(
    course, enrolled_student, monkeypatch
):
    client = await connect_as(enrolled_student, room_path(course))

    def broken(**kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("educa.chat.consumers.mark_read", broken)
    await client.send_json_to({"type": "read", "message_id": 1})

    assert (await receive_type(client, "error"))["code"] == "internal_error"
    await client.send_json_to({"message": "still here"})
    assert (await receive_type(client, "ack"))["type"] == "ack"
    await client.disconnect()


async def test_a_socket_that_crashes_leaves_its_groups_and_its_presence(
    course, enrolled_student, monkeypatch
):
    def broken(room_id, after):
        raise RuntimeError("the replay failed")

    monkeypatch.setattr("educa.chat.consumers.replay_batch", broken)
    client = communicator(
        room_path(course), token=access_token(enrolled_student), query="after=0"
    )
    await client.connect()

    closed = await receive_close(client)

    assert closed["code"] == 1011
    # Nothing is left behind: no subscription for the heartbeat to beat, and
    # nobody listed as present.
    assert fanout.broker().listeners == set()
    assert await who_is_present(course) == []


async def receive_close(client) -> dict:
    while True:
        output = await client.receive_output(timeout=3)
        if output["type"] == "websocket.close":
            return output


async def who_is_present(course) -> list[str]:
    room_id = await database_sync_to_async(lambda: course.chat_room.pk)()
    return await presence._update(room_id, None, present=False)
