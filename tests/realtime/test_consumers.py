"""The user's own stream `ws/realtime/` on the Redis channel layer."""

import pytest
from channels.db import database_sync_to_async

from educa.courses.services import enroll
from educa.realtime.models import Notification
from educa.realtime.notify import anotify_user
from educa.realtime.services import mark_notifications_read
from tests.servers import private_redis
from tests.websockets import access_token, communicator, connect_as

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

PATH = "/ws/realtime/"


async def open_stream(user):
    """A connected stream past its opening frames (`unread`, then
    `unread_messages`)."""
    client = await connect_as(user, PATH)
    assert (await client.receive_json_from(timeout=3))["type"] == "unread"
    assert (await client.receive_json_from(timeout=3))["type"] == "unread_messages"
    return client


async def test_anonymous_visitor_is_refused_at_the_handshake():
    connected, _ = await communicator(PATH).connect()

    assert connected is False


async def test_bad_token_is_refused_at_the_handshake():
    connected, _ = await communicator(PATH, token="not-a-jwt").connect()

    assert connected is False


async def test_signed_in_user_first_hears_their_unread_count(student):
    await database_sync_to_async(Notification.objects.create)(
        user=student, kind="x", payload={}
    )

    client = await connect_as(student, PATH)

    assert await client.receive_json_from(timeout=3) == {"type": "unread", "unread": 1}
    await client.disconnect()


async def test_notify_user_stores_and_pushes_to_the_users_socket(student):
    client = await open_stream(student)

    stored = await anotify_user(student.pk, {"type": "hello", "text": "hi"})

    frame = await client.receive_json_from(timeout=3)
    assert frame == {
        "type": "notification",
        "id": stored.pk,
        "kind": "hello",
        "payload": {"type": "hello", "text": "hi"},
        "text": "hi",
        "url": None,
        "created": stored.created.isoformat(),
        "read": False,
        "unread": 1,
    }
    await client.disconnect()


async def test_notifications_go_only_to_their_user(student, instructor):
    other = await open_stream(instructor)

    await anotify_user(student.pk, {"type": "private"})

    assert await other.receive_nothing(timeout=0.5) is True
    await other.disconnect()


async def test_reconnect_with_after_replays_missed_notifications(student):
    first = await anotify_user(student.pk, {"type": "one"})
    await anotify_user(student.pk, {"type": "two"})
    await anotify_user(student.pk, {"type": "three"})

    client = await connect_as(student, PATH, query=f"after={first.pk}")

    kinds = [(await client.receive_json_from(timeout=3))["kind"] for _ in range(2)]
    assert kinds == ["two", "three"]
    assert await client.receive_json_from(timeout=3) == {"type": "unread", "unread": 3}
    await client.disconnect()


async def test_enrollment_notifies_the_instructor_live(course, student):
    client = await open_stream(course.owner)

    await database_sync_to_async(enroll)(student=student, course=course)

    frame = await client.receive_json_from(timeout=3)
    assert frame["kind"] == "enrollment.created"
    assert frame["payload"]["student_id"] == student.pk
    assert frame["payload"]["course_id"] == course.pk
    await client.disconnect()


async def test_marking_read_pushes_the_new_unread_count(student):
    await anotify_user(student.pk, {"type": "one"})
    client = await open_stream(student)

    await database_sync_to_async(mark_notifications_read)(user_id=student.pk)

    assert await client.receive_json_from(timeout=3) == {"type": "unread", "unread": 0}
    await client.disconnect()


async def test_bad_frames_get_error_frames_and_ping_gets_pong(student):
    client = await open_stream(student)

    await client.send_to(text_data="{oops")
    invalid = await client.receive_json_from(timeout=3)
    await client.send_json_to({"type": "subscribe"})
    unknown = await client.receive_json_from(timeout=3)
    await client.send_json_to({"type": "ping"})
    pong = await client.receive_json_from(timeout=3)

    assert invalid["code"] == "invalid_json"
    assert unknown["code"] == "unknown_type"
    assert pong == {"type": "pong"}
    await client.disconnect()


@pytest.mark.parametrize("stream", ["realtime", "chat room"])
async def test_live_feed_failure_closes_the_socket_with_4500(
    course, enrolled_student, settings, stream
):
    path = PATH if stream == "realtime" else f"/ws/chat/room/{course.pk}/"
    with private_redis() as (port, process):
        settings.REDIS_URL = f"redis://127.0.0.1:{port}/0"
        client = communicator(path, token=access_token(enrolled_student))
        connected, _ = await client.connect()
        assert connected is True
        await client.receive_json_from(timeout=3)

        process.kill()

        output = await client.receive_output(timeout=10)
        while output.get("text"):  # a frame already on its way
            output = await client.receive_output(timeout=10)
        assert output == {"type": "websocket.close", "code": 4500}


async def test_deeply_nested_frame_is_an_error_frame_and_the_stream_stays_up(student):
    client = await open_stream(student)

    await client.send_to(text_data="[" * 10_000 + "]" * 10_000)
    error = await client.receive_json_from(timeout=3)
    await client.send_json_to({"type": "ping"})

    assert error["code"] == "invalid_json"
    assert await client.receive_json_from(timeout=3) == {"type": "pong"}
    await client.disconnect()
