"""The course chat socket on the Redis channel layer, through the real ASGI
stack (origin check, token/session auth, routing)."""

import asyncio
import json
import time
import uuid
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.test import Client
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from educa.chat.models import Membership, Message, Room
from educa.chat.services import archive_room, post_message
from educa.learning.services import unenroll
from educa.realtime.groups import room_group
from educa.realtime.models import Notification
from tests.factories import EnrollmentFactory, StudentFactory
from tests.websockets import access_token, blacklist, communicator, connect_as

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


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


async def test_enrolled_student_message_reaches_every_member(course, enrolled_student):
    other = (await database_sync_to_async(EnrollmentFactory)(course=course)).student
    sender = await connect_as(enrolled_student, room_path(course))
    reader = await connect_as(other, room_path(course))
    owner = await connect_as(course.owner, room_path(course))

    await sender.send_json_to({"message": "Hello, class"})

    ack = await receive_type(sender, "ack")
    for client in (sender, reader, owner):
        frame = await receive_type(client, "chat_message")
        assert frame["id"] == ack["id"]
        assert frame["message"] == "Hello, class"
        assert frame["user"] == enrolled_student.username
        assert frame["user_id"] == enrolled_student.pk
        assert frame["room"] == ack["room"]
        assert frame["client_id"] is None
    assert await stored_messages() == [("Hello, class", enrolled_student.pk)]
    for client in (sender, reader, owner):
        await client.disconnect()


async def assert_refused(client) -> None:
    connected, _ = await client.connect()

    assert connected is False


async def test_student_not_enrolled_is_refused_at_the_handshake(course, student):
    await assert_refused(communicator(room_path(course), token=access_token(student)))

    assert await stored_messages() == []


async def test_other_instructor_is_refused_at_the_handshake(course, other_instructor):
    await assert_refused(
        communicator(room_path(course), token=access_token(other_instructor))
    )


async def test_anonymous_visitor_is_refused_at_the_handshake(course):
    await assert_refused(communicator(room_path(course)))


async def test_expired_token_is_refused_at_the_handshake(course, enrolled_student):
    token = AccessToken.for_user(enrolled_student)
    token.set_exp(lifetime=-timedelta(seconds=1))

    await assert_refused(communicator(room_path(course), token=str(token)))


async def test_garbage_token_is_refused_even_with_a_valid_session(
    course, enrolled_student
):
    cookie = await database_sync_to_async(session_cookie)(enrolled_student)

    await assert_refused(communicator(room_path(course), token="abc", cookie=cookie))


async def test_blacklisted_access_token_is_refused_at_the_handshake(
    course, enrolled_student
):
    token = AccessToken.for_user(enrolled_student)
    await database_sync_to_async(blacklist)(token, enrolled_student)

    await assert_refused(communicator(room_path(course), token=str(token)))


async def test_refresh_token_is_not_accepted_as_access_token(course, enrolled_student):
    refresh = await database_sync_to_async(RefreshToken.for_user)(enrolled_student)

    await assert_refused(communicator(room_path(course), token=str(refresh)))


async def test_foreign_origin_is_refused_at_the_handshake(course, enrolled_student):
    await assert_refused(
        communicator(
            room_path(course),
            token=access_token(enrolled_student),
            origin=b"https://evil.example",
        )
    )


async def test_session_cookie_lets_a_member_in(course, enrolled_student):
    cookie = await database_sync_to_async(session_cookie)(enrolled_student)
    client = communicator(room_path(course), cookie=cookie)

    connected, _ = await client.connect()

    assert connected is True
    await client.disconnect()


async def test_room_path_by_room_id_admits_members_only(
    course, enrolled_student, student
):
    room_id = await database_sync_to_async(lambda: course.chat_room.pk)()

    member = communicator(f"/ws/chat/{room_id}/", token=access_token(enrolled_student))
    connected, _ = await member.connect()

    assert connected is True
    await member.disconnect()
    await assert_refused(
        communicator(f"/ws/chat/{room_id}/", token=access_token(student))
    )


async def test_unenrolled_student_is_disconnected_and_refused_after(
    course, enrolled_student
):
    client = await connect_as(enrolled_student, room_path(course))

    await database_sync_to_async(unenroll)(student=enrolled_student, course=course)

    frame = await receive_type(client, "member_left")
    assert frame["user_id"] == enrolled_student.pk
    assert (await client.receive_output(timeout=3)) == {
        "type": "websocket.close",
        "code": 4403,
    }
    await assert_refused(
        communicator(room_path(course), token=access_token(enrolled_student))
    )


async def test_ack_carries_the_stored_id_and_client_id(course, enrolled_student):
    client = await connect_as(enrolled_student, room_path(course))
    client_id = str(uuid.uuid4())

    await client.send_json_to({"message": "  stored first  ", "client_id": client_id})

    ack = await receive_type(client, "ack")
    stored = await database_sync_to_async(Message.objects.get)()
    assert ack["id"] == stored.pk
    assert ack["client_id"] == client_id
    assert ack["duplicate"] is False
    assert stored.body == "stored first"
    assert str(stored.client_id) == client_id
    echo = await receive_type(client, "chat_message")
    assert echo["client_id"] == client_id
    await client.disconnect()


async def test_resent_client_id_is_stored_and_broadcast_once(course, enrolled_student):
    sender = await connect_as(enrolled_student, room_path(course))
    reader = await connect_as(course.owner, room_path(course))
    client_id = str(uuid.uuid4())

    await sender.send_json_to({"message": "only once", "client_id": client_id})
    first = await receive_type(sender, "ack")
    await sender.send_json_to({"message": "only once", "client_id": client_id})
    second = await receive_type(sender, "ack")

    assert second["id"] == first["id"]
    assert second["duplicate"] is True
    assert await stored_messages() == [("only once", enrolled_student.pk)]
    assert (await receive_type(reader, "chat_message"))["id"] == first["id"]
    await reader.send_json_to({"type": "ping"})
    assert (await reader.receive_json_from(timeout=3))["type"] == "pong"
    await sender.disconnect()
    await reader.disconnect()


async def test_reconnect_with_after_replays_missed_messages_in_order_then_live(
    course, enrolled_student
):
    _room_id, ids = await database_sync_to_async(post_three)(course, enrolled_student)

    client = await connect_as(course.owner, room_path(course), query=f"after={ids[0]}")

    replayed = [await receive_type(client, "chat_message") for _ in range(2)]
    assert [frame["id"] for frame in replayed] == ids[1:]
    assert [frame["message"] for frame in replayed] == ["second", "third"]
    await client.send_json_to({"message": "fourth"})
    ack = await receive_type(client, "ack")
    live = await receive_type(client, "chat_message")
    assert live["id"] == ack["id"]
    assert live["message"] == "fourth"
    await client.disconnect()


async def test_live_copy_of_a_replayed_message_is_not_sent_twice(
    course, enrolled_student
):
    room_id, _ids = await database_sync_to_async(post_three)(course, enrolled_student)
    client = await connect_as(course.owner, room_path(course), query="after=0")
    replayed = [await receive_type(client, "chat_message") for _ in range(3)]

    # The race the ordering guards against: a message committed between
    # joining the group and reading the backlog arrives both ways.
    await get_channel_layer().group_send(
        room_group(room_id), {"type": "chat.event", "frame": replayed[-1]}
    )
    await client.send_json_to({"message": "next"})

    await receive_type(client, "ack")
    assert (await receive_type(client, "chat_message"))["message"] == "next"
    await client.disconnect()


def post_three(course, sender) -> tuple[int, list[int]]:
    room = Room.objects.get(course=course)
    ids = [
        post_message(room_id=room.pk, sender=sender, body=body)[0].pk
        for body in ("first", "second", "third")
    ]
    return room.pk, ids


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


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


async def test_mentions_name_members_only_and_notify_them(course, enrolled_student):
    reader = await database_sync_to_async(EnrollmentFactory)(course=course)
    outsider = await database_sync_to_async(StudentFactory)()
    client = await connect_as(enrolled_student, room_path(course))
    text = f"@{reader.student.username} and @{outsider.username}, look"

    await client.send_json_to({"message": text})

    frame = await receive_type(client, "chat_message")
    assert frame["mentions"] == [reader.student.username]
    kinds = await database_sync_to_async(
        lambda: list(Notification.objects.values_list("user_id", "kind"))
    )()
    assert kinds == [(reader.student.pk, "chat.mention")]
    await client.disconnect()


async def test_typing_reaches_the_others_but_not_the_typist(course, enrolled_student):
    typist = await connect_as(enrolled_student, room_path(course))
    other = await connect_as(course.owner, room_path(course))

    await typist.send_json_to({"type": "typing"})

    frame = await receive_type(other, "typing")
    assert frame["user_id"] == enrolled_student.pk
    await typist.send_json_to({"type": "ping"})
    assert (await receive_type(typist, "pong"))["type"] == "pong"
    await typist.disconnect()
    await other.disconnect()


async def test_read_frame_moves_the_marker_and_tells_the_room(course, enrolled_student):
    room_id, ids = await database_sync_to_async(post_three)(course, course.owner)
    reader = await connect_as(enrolled_student, room_path(course))
    owner = await connect_as(course.owner, room_path(course))

    await reader.send_json_to({"type": "read", "message_id": ids[1]})

    frame = await receive_type(owner, "read")
    assert frame == {
        "type": "read",
        "room": room_id,
        "user": enrolled_student.username,
        "user_id": enrolled_student.pk,
        "message_id": ids[1],
    }
    marker = await database_sync_to_async(
        lambda: Membership.objects.get(user=enrolled_student).last_read_message_id
    )()
    assert marker == ids[1]
    await reader.disconnect()
    await owner.disconnect()


async def test_heartbeat_arrives_at_the_configured_interval(
    course, enrolled_student, settings
):
    settings.WS_HEARTBEAT_SECONDS = 0.2
    client = await connect_as(enrolled_student, room_path(course))

    frame = await client.receive_json_from(timeout=2)

    assert frame == {"type": "heartbeat", "interval": 0.2}
    await client.disconnect()


async def test_presence_lists_who_is_connected_as_people_come_and_go(
    course, enrolled_student
):
    first = await connect_as(enrolled_student, room_path(course))

    second = await connect_as(course.owner, room_path(course))
    joined = await receive_type(first, "presence")
    await second.disconnect()
    left = await receive_type(first, "presence")

    everyone = sorted([enrolled_student, course.owner], key=lambda user: user.pk)
    assert joined["users"] == [{"id": u.pk, "user": u.username} for u in everyone]
    assert left["users"] == [
        {"id": enrolled_student.pk, "user": enrolled_student.username}
    ]
    await first.disconnect()
