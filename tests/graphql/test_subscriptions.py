"""ws/graphql/: graphql-transport-ws on the real ASGI stack and the Redis
fan-out: who gets in, replay then live with nothing lost or repeated, the
end of a subscription when access goes, the limits."""

import asyncio
import time
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from rest_framework_simplejwt.tokens import AccessToken

from educa.accounts.services import deactivate_user
from educa.chat.models import Room
from educa.chat.services import post_message
from educa.courses.services import unenroll
from educa.realtime.notify import notify_user
from tests.chat.sockets import receive_type, room_path
from tests.factories import StudentFactory
from tests.websockets import ORIGIN, access_token, communicator, connect_as

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

PATH = "/ws/graphql/"
PROTOCOL = "graphql-transport-ws"
CHAT = """
subscription($room: ID!, $after: ID) {
  chatMessages(roomId: $room, after: $after) { id roomId message user userId clientId }
}
"""
NOTIFICATIONS = """
subscription($after: ID) { notifications(after: $after) { id kind payload read } }
"""


def graphql_socket(
    *, origin: bytes | None = ORIGIN, token: str | None = None
) -> WebsocketCommunicator:
    client = communicator(PATH, origin=origin, token=token)
    client.scope["subprotocols"] = [PROTOCOL]
    return client


async def open_socket(user=None, *, payload=None) -> WebsocketCommunicator:
    """Connected and acknowledged, signed in with `user`'s token."""
    client = graphql_socket()
    connected, subprotocol = await client.connect()
    assert connected
    assert subprotocol == PROTOCOL
    if payload is None:
        payload = {"token": access_token(user)}
    await client.send_json_to({"type": "connection_init", "payload": payload})
    assert await client.receive_json_from(timeout=3) == {"type": "connection_ack"}
    return client


async def subscribe(client, query: str, variables: dict, op: str = "1") -> None:
    await client.send_json_to(
        {
            "id": op,
            "type": "subscribe",
            "payload": {"query": query, "variables": variables},
        }
    )


async def next_payload(client, op: str = "1") -> dict:
    while True:
        message = await client.receive_json_from(timeout=5)
        if message["type"] == "ping":
            continue
        assert message["id"] == op, message
        return message


async def course_room(course) -> Room:
    return await database_sync_to_async(Room.objects.get)(course=course)


async def post(room: Room, user, body: str):
    message, _ = await database_sync_to_async(post_message)(
        room=room, sender=user, body=body
    )
    return message


async def wait_subscribed(seconds: float = 0.3) -> None:
    """The subscription listens once its first read of the backlog is done."""
    await asyncio.sleep(seconds)


async def test_subscriber_receives_messages_sent_through_the_chat_socket(
    course, enrolled_student
):
    room = await course_room(course)
    client = await open_socket(course.owner)
    await subscribe(client, CHAT, {"room": str(room.pk)})
    await wait_subscribed()
    sender = await connect_as(enrolled_student, room_path(course))

    await sender.send_json_to({"message": "Hello, GraphQL"})
    ack = await receive_type(sender, "ack")

    message = await next_payload(client)
    assert message["type"] == "next"
    assert message["payload"]["data"]["chatMessages"] == {
        "id": str(ack["id"]),
        "roomId": str(room.pk),
        "message": "Hello, GraphQL",
        "user": enrolled_student.username,
        "userId": str(enrolled_student.pk),
        "clientId": None,
    }
    await sender.disconnect()
    await client.disconnect()


async def test_replay_then_live_each_once_in_order(course, enrolled_student):
    room = await course_room(course)
    seen = await post(room, enrolled_student, "seen before")
    missed = [await post(room, enrolled_student, f"missed {n}") for n in range(3)]
    client = await open_socket(enrolled_student)

    await subscribe(client, CHAT, {"room": str(room.pk), "after": str(seen.pk)})
    replayed = [await next_payload(client) for _ in missed]
    live = await post(room, course.owner, "live")
    received = await next_payload(client)

    ids = [m["payload"]["data"]["chatMessages"]["id"] for m in [*replayed, received]]
    assert ids == [str(m.pk) for m in [*missed, live]]
    assert await client.receive_nothing(timeout=0.5)  # nothing twice
    await client.disconnect()


async def test_messages_committed_during_the_replay_arrive_once(
    course, enrolled_student
):
    room = await course_room(course)
    first = await post(room, enrolled_student, "first")
    backlog = [await post(room, enrolled_student, f"old {n}") for n in range(30)]
    client = await open_socket(enrolled_student)

    await subscribe(client, CHAT, {"room": str(room.pk), "after": str(first.pk)})
    during = [await post(room, course.owner, f"during {n}") for n in range(5)]
    received = [await next_payload(client) for _ in range(35)]

    ids = [m["payload"]["data"]["chatMessages"]["id"] for m in received]
    assert ids == [str(m.pk) for m in [*backlog, *during]]
    assert await client.receive_nothing(timeout=0.5)
    await client.disconnect()


async def test_unenrolled_students_subscription_ends_with_forbidden(
    course, enrolled_student
):
    room = await course_room(course)
    client = await open_socket(enrolled_student)
    await subscribe(client, CHAT, {"room": str(room.pk)})
    await wait_subscribed()

    await database_sync_to_async(unenroll)(student=enrolled_student, course=course)

    ended = await next_payload(client)
    assert ended["type"] == "next"
    assert ended["payload"]["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await next_payload(client))["type"] == "complete"
    await post(room, course.owner, "after leaving")
    assert await client.receive_nothing(timeout=0.5)
    await client.disconnect()


async def test_stranger_cannot_subscribe_to_a_room(course):
    room = await course_room(course)
    stranger = await database_sync_to_async(StudentFactory)()
    client = await open_socket(stranger)

    await subscribe(client, CHAT, {"room": str(room.pk)})

    refused = await next_payload(client)
    assert refused["payload"]["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert refused["payload"]["data"] is None
    await post(room, course.owner, "private")
    assert (await next_payload(client))["type"] == "complete"
    await client.disconnect()


async def test_unknown_room_is_not_found(student):
    client = await open_socket(student)

    await subscribe(client, CHAT, {"room": "999999"})

    refused = await next_payload(client)
    assert refused["payload"]["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    await client.disconnect()


async def test_notifications_replay_then_live(student):
    old = await database_sync_to_async(notify_user)(student.pk, {"type": "x.old"})
    missed = await database_sync_to_async(notify_user)(student.pk, {"type": "x.missed"})
    client = await open_socket(student)

    await subscribe(client, NOTIFICATIONS, {"after": str(old.pk)})
    replayed = await next_payload(client)
    live = await database_sync_to_async(notify_user)(student.pk, {"type": "x.live"})
    received = await next_payload(client)

    assert replayed["payload"]["data"]["notifications"]["id"] == str(missed.pk)
    assert received["payload"]["data"]["notifications"] == {
        "id": str(live.pk),
        "kind": "x.live",
        "payload": {"type": "x.live"},
        "read": False,
    }
    await client.disconnect()


async def test_someone_elses_notifications_never_arrive(student):
    other = await database_sync_to_async(StudentFactory)()
    client = await open_socket(student)
    await subscribe(client, NOTIFICATIONS, {})
    await wait_subscribed()

    await database_sync_to_async(notify_user)(other.pk, {"type": "x.private"})

    assert await client.receive_nothing(timeout=0.5)
    await client.disconnect()


async def test_session_cookie_signs_in_without_a_token(student, client):
    await database_sync_to_async(client.force_login)(student)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    socket = communicator(PATH, cookie=cookie)
    socket.scope["subprotocols"] = [PROTOCOL]
    await socket.connect()

    await socket.send_json_to({"type": "connection_init", "payload": {}})

    assert await socket.receive_json_from(timeout=3) == {"type": "connection_ack"}
    await socket.disconnect()


@pytest.mark.parametrize(
    "payload", [{}, {"token": "not-a-token"}, {"token": 12}, {"token": None}]
)
async def test_anonymous_or_bad_token_is_closed_4403(db, payload):
    client = graphql_socket()
    await client.connect()

    await client.send_json_to({"type": "connection_init", "payload": payload})

    closed = await client.receive_output(timeout=3)
    assert closed == {"type": "websocket.close", "code": 4403, "reason": "Forbidden"}


async def test_bad_token_in_the_payload_wins_over_the_session(student, client):
    await database_sync_to_async(client.force_login)(student)
    socket = communicator(PATH, cookie=f"sessionid={client.cookies['sessionid'].value}")
    socket.scope["subprotocols"] = [PROTOCOL]
    await socket.connect()

    await socket.send_json_to(
        {"type": "connection_init", "payload": {"token": "expired-or-forged"}}
    )

    closed = await socket.receive_output(timeout=3)
    assert closed["code"] == 4403


async def test_foreign_origin_is_refused_at_the_handshake(student):
    client = graphql_socket(origin=b"https://evil.example")

    connected, _ = await client.connect()

    assert connected is False


async def test_socket_closes_4403_when_the_access_token_expires(student):
    token = AccessToken.for_user(student)
    token.set_exp(lifetime=timedelta(seconds=2))
    client = await open_socket(payload={"token": str(token)})
    started = time.monotonic()

    closed = await client.receive_output(timeout=5)

    assert closed["type"] == "websocket.close"
    assert closed["code"] == 4403
    # `exp` is in whole seconds: it falls 1 to 2 seconds from now.
    assert 0.5 < time.monotonic() - started < 4


async def test_deactivated_users_socket_closes_4403(student):
    client = await open_socket(student)
    await subscribe(client, NOTIFICATIONS, {})
    await wait_subscribed()

    await database_sync_to_async(deactivate_user)(user=student)

    while (output := await client.receive_output(timeout=3))[
        "type"
    ] != "websocket.close":
        pass
    assert output["code"] == 4403


async def test_subscriptions_per_socket_are_limited(student, settings):
    settings.GRAPHQL_MAX_SUBSCRIPTIONS_PER_SOCKET = 2
    client = await open_socket(student)

    for op in ("1", "2", "3"):
        await subscribe(client, NOTIFICATIONS, {}, op=op)

    refused = await client.receive_json_from(timeout=3)
    assert refused["id"] == "3"
    assert refused["type"] == "error"
    assert "limit" in refused["payload"][0]["message"].lower()
    await client.disconnect()


async def test_subscribing_before_connection_init_closes_4401(student):
    client = graphql_socket(token=access_token(student))
    await client.connect()

    await subscribe(client, NOTIFICATIONS, {})

    closed = await client.receive_output(timeout=3)
    assert closed["code"] == 4401


async def test_a_subscribed_socket_is_pinged_every_heartbeat(student, settings):
    settings.WS_HEARTBEAT_SECONDS = 0.2
    client = await open_socket(student)
    await subscribe(client, NOTIFICATIONS, {})

    assert await client.receive_json_from(timeout=3) == {"type": "ping"}
    await client.send_json_to({"type": "pong"})
    assert await client.receive_json_from(timeout=3) == {"type": "ping"}
    await client.disconnect()
