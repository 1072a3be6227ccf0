"""The course chat socket on the Redis channel layer, through the real ASGI
stack: broadcast, acks, idempotency, replay, typing, read, presence."""

import uuid

import pytest
from channels.db import database_sync_to_async

from educa.chat.editing import edit_message
from educa.chat.models import Membership, Message, Room
from educa.chat.services import open_direct_room, post_message
from educa.realtime import presence
from educa.realtime.fanout import publish
from educa.realtime.groups import room_group
from educa.realtime.models import Notification
from tests.chat.sockets import receive_type, room_path, stored_messages
from tests.factories import EnrollmentFactory, StudentFactory
from tests.websockets import connect_as

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


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
    await database_sync_to_async(publish)(room_group(room_id), replayed[-1])
    await client.send_json_to({"message": "next"})

    await receive_type(client, "ack")
    assert (await receive_type(client, "chat_message"))["message"] == "next"
    await client.disconnect()


def post_three(course, sender) -> tuple[int, list[int]]:
    room = Room.objects.get(course=course)
    ids = [
        post_message(room=room, sender=sender, body=body)[0].pk
        for body in ("first", "second", "third")
    ]
    return room.pk, ids


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


async def test_read_frame_moves_the_marker_and_tells_every_socket_of_the_reader(
    course, enrolled_student
):
    room_id, ids = await database_sync_to_async(post_three)(course, course.owner)
    reader = await connect_as(enrolled_student, room_path(course))
    owner = await connect_as(course.owner, room_path(course))

    await reader.send_json_to({"type": "read", "message_id": ids[1]})

    frame = await receive_type(reader, "room_unread")
    assert frame == {"type": "room_unread", "room": room_id, "unread": 1, "total": 1}
    marker = await database_sync_to_async(
        lambda: Membership.objects.get(user=enrolled_student).last_read_message_id
    )()
    assert marker == ids[1]
    # A course room's readers do not tell everyone else what they read.
    assert await owner.receive_nothing(timeout=0.5) is True
    await reader.disconnect()
    await owner.disconnect()


async def test_read_frame_in_a_direct_room_tells_the_other_person(
    course, enrolled_student
):
    def direct_with_two_messages():
        room, _ = open_direct_room(user=enrolled_student, other=course.owner)
        first, _ = post_message(room=room, sender=course.owner, body="one")
        post_message(room=room, sender=course.owner, body="two")
        return room.pk, first.pk

    room_id, first_id = await database_sync_to_async(direct_with_two_messages)()
    reader = await connect_as(enrolled_student, f"/ws/chat/{room_id}/")
    writer = await connect_as(course.owner, f"/ws/chat/{room_id}/")

    await reader.send_json_to({"type": "read", "message_id": first_id})

    assert await receive_type(writer, "read") == {
        "type": "read",
        "room": room_id,
        "user": enrolled_student.username,
        "user_id": enrolled_student.pk,
        "message_id": first_id,
    }
    await reader.disconnect()
    await writer.disconnect()


async def test_heartbeat_arrives_at_the_configured_interval(
    course, enrolled_student, settings
):
    settings.WS_HEARTBEAT_SECONDS = 0.2
    client = await connect_as(enrolled_student, room_path(course))

    frame = await receive_type(client, "heartbeat")

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
    assert joined["users"] == [
        {"id": u.pk, "user": u.username, "name": u.name} for u in everyone
    ]
    assert joined["count"] == 2
    assert left["users"] == [
        {
            "id": enrolled_student.pk,
            "user": enrolled_student.username,
            "name": enrolled_student.name,
        }
    ]
    assert left["count"] == 1
    await first.disconnect()


async def test_presence_in_a_big_room_lists_only_the_first_people_and_counts_everyone(
    monkeypatch, course, enrolled_student
):
    monkeypatch.setattr(presence, "PRESENCE_LISTED", 1)
    first = await connect_as(enrolled_student, room_path(course))

    second = await connect_as(course.owner, room_path(course))
    joined = await receive_type(first, "presence")

    lowest = min([enrolled_student, course.owner], key=lambda user: user.pk)
    assert joined["count"] == 2
    assert joined["users"] == [
        {"id": lowest.pk, "user": lowest.username, "name": lowest.name}
    ]
    await first.disconnect()
    await second.disconnect()


async def test_sender_hears_the_ack_before_the_rooms_copy(course, enrolled_student):
    sender = await connect_as(enrolled_student, room_path(course))

    for n in range(5):
        await sender.send_json_to({"message": f"in order {n}"})
        ack = await receive_type(sender, "ack")
        echo = await receive_type(sender, "chat_message")
        assert echo["id"] == ack["id"]
    await sender.disconnect()


async def test_room_emptied_and_refilled_on_a_worker_still_hears_messages(
    course, enrolled_student
):
    first = await connect_as(enrolled_student, room_path(course))
    await first.disconnect()
    again = await connect_as(enrolled_student, room_path(course))
    owner = await connect_as(course.owner, room_path(course))

    await owner.send_json_to({"message": "still here?"})

    assert (await receive_type(again, "chat_message"))["message"] == "still here?"
    await again.disconnect()
    await owner.disconnect()


async def test_typing_floods_reach_the_room_once_per_person_and_interval(
    course, enrolled_student
):
    typists = [await connect_as(enrolled_student, room_path(course)) for _ in range(3)]
    other = await connect_as(course.owner, room_path(course))

    for typist in typists:
        for _ in range(10):
            await typist.send_json_to({"type": "typing"})

    first = await receive_type(other, "typing")
    heard = []
    while not await other.receive_nothing(timeout=1):  # whatever else arrives
        heard.append((await other.receive_json_from())["type"])
    assert first["user_id"] == enrolled_student.pk
    assert "typing" not in heard
    for client in (*typists, other):
        await client.disconnect()


async def test_a_plain_message_goes_out_without_the_keys_that_add_nothing(
    course, enrolled_student
):
    sender = await connect_as(enrolled_student, room_path(course))

    await sender.send_json_to({"message": "1 < 2 & 3 > 0"})

    frame = await receive_type(sender, "chat_message")
    assert frame["message"] == "1 < 2 & 3 > 0"
    assert "html" not in frame
    assert "edited" not in frame
    assert "deleted" not in frame
    stored = await database_sync_to_async(Message.objects.get)(pk=frame["id"])
    assert stored.html == "<p>1 &lt; 2 &amp; 3 &gt; 0</p>"
    await sender.disconnect()


async def test_a_message_markdown_changes_carries_its_html(course, enrolled_student):
    sender = await connect_as(enrolled_student, room_path(course))

    await sender.send_json_to({"message": "a **b** at https://example.com"})

    frame = await receive_type(sender, "chat_message")
    assert frame["html"] == (
        '<p>a <strong>b</strong> at <a href="https://example.com" '
        'rel="nofollow noopener noreferrer">https://example.com</a></p>'
    )
    await sender.disconnect()


async def test_a_replayed_edited_message_says_when_it_was_edited(
    course, enrolled_student
):
    def edited_message() -> Message:
        message = post_message(
            room=course.chat_room, sender=enrolled_student, body="helo"
        )[0]
        return edit_message(message=message, by=enrolled_student, body="hello")

    message = await database_sync_to_async(edited_message)()

    late = await connect_as(course.owner, room_path(course), query="after=0")

    frame = await receive_type(late, "chat_message")
    assert frame["edited"] == message.edited.isoformat()
    assert "deleted" not in frame
    assert "html" not in frame
    await late.disconnect()
