"""ws/graphql/: subscriptions asking the same document share one execution
per event on a worker (educa/graphql/live.py); each still gets every
message once, in order, under its own operation id, and ends on its own."""

import pytest
from channels.db import database_sync_to_async

from educa.courses.services import unenroll
from educa.graphql.live import SharedFeed
from educa.realtime import fanout
from educa.realtime.groups import room_group
from tests.factories import EnrollmentFactory
from tests.graphql.test_subscriptions import (
    CHAT,
    course_room,
    next_payload,
    open_socket,
    post,
    subscribe,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

IDS_ONLY = """
subscription($room: ID!, $after: ID) {
  chatMessages(roomId: $room, after: $after) { id }
}
"""


def ids(messages: list[dict]) -> list[str]:
    return [m["payload"]["data"]["chatMessages"]["id"] for m in messages]


async def cursor(room, user) -> str:
    """The id of a message posted now: subscribing with it as `after`
    receives whatever comes next whenever the subscription starts."""
    return str((await post(room, user, "start")).pk)


async def another_student(course):
    return (await database_sync_to_async(EnrollmentFactory)(course=course)).student


async def test_two_subscribers_of_one_document_each_get_every_message_once(
    course, enrolled_student
):
    room = await course_room(course)
    start = await cursor(room, course.owner)
    first = await open_socket(enrolled_student)
    second = await open_socket(course.owner)
    await subscribe(first, CHAT, {"room": str(room.pk), "after": start}, op="a")
    await subscribe(second, CHAT, {"room": str(room.pk), "after": start}, op="b")

    sent = [await post(room, course.owner, f"message {n}") for n in range(3)]
    to_first = [await next_payload(first, "a") for _ in sent]
    to_second = [await next_payload(second, "b") for _ in sent]

    assert ids(to_first) == ids(to_second) == [str(m.pk) for m in sent]
    assert to_first[0]["payload"] == to_second[0]["payload"]
    assert to_first[0]["payload"]["data"]["chatMessages"]["message"] == "message 0"
    listeners = fanout.broker().groups[room_group(room.pk)]
    assert [type(listener) for listener in listeners] == [SharedFeed]
    assert await first.receive_nothing(timeout=0.5)
    assert await second.receive_nothing(timeout=0.1)
    await first.disconnect()
    await second.disconnect()


async def test_different_selections_are_executed_apart(course, enrolled_student):
    room = await course_room(course)
    start = await cursor(room, course.owner)
    client = await open_socket(enrolled_student)
    await subscribe(client, CHAT, {"room": str(room.pk), "after": start}, op="full")
    await subscribe(client, IDS_ONLY, {"room": str(room.pk), "after": start}, op="ids")

    message = await post(room, course.owner, "hello")
    received = {}
    for _ in range(2):
        frame = await client.receive_json_from(timeout=5)
        received[frame["id"]] = frame["payload"]["data"]["chatMessages"]

    assert received["ids"] == {"id": str(message.pk)}
    assert received["full"]["message"] == "hello"
    await client.disconnect()


async def test_unenrolled_subscriber_stops_while_the_other_continues(
    course, enrolled_student
):
    room = await course_room(course)
    start = await cursor(room, course.owner)
    classmate = await another_student(course)
    leaving = await open_socket(enrolled_student)
    staying = await open_socket(classmate)
    await subscribe(leaving, CHAT, {"room": str(room.pk), "after": start})
    await subscribe(staying, CHAT, {"room": str(room.pk), "after": start})
    before = await post(room, course.owner, "before")
    assert ids([await next_payload(leaving)]) == [str(before.pk)]
    assert ids([await next_payload(staying)]) == [str(before.pk)]

    await database_sync_to_async(unenroll)(student=enrolled_student, course=course)
    ended = await next_payload(leaving)
    after = await post(room, course.owner, "after")

    assert ended["payload"]["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await next_payload(leaving))["type"] == "complete"
    assert ids([await next_payload(staying)]) == [str(after.pk)]
    assert await leaving.receive_nothing(timeout=0.5)
    assert await staying.receive_nothing(timeout=0.1)
    await leaving.disconnect()
    await staying.disconnect()


async def test_a_completed_subscription_gets_nothing_more(course, enrolled_student):
    room = await course_room(course)
    start = await cursor(room, course.owner)
    classmate = await another_student(course)
    stopping = await open_socket(enrolled_student)
    staying = await open_socket(classmate)
    await subscribe(stopping, CHAT, {"room": str(room.pk), "after": start})
    await subscribe(staying, CHAT, {"room": str(room.pk), "after": start})
    before = await post(room, course.owner, "before")
    assert ids([await next_payload(stopping)]) == [str(before.pk)]
    assert ids([await next_payload(staying)]) == [str(before.pk)]

    await stopping.send_json_to({"id": "1", "type": "complete"})
    # Frames are handled in order: the pong comes once `complete` was.
    await stopping.send_json_to({"type": "ping"})
    assert await stopping.receive_json_from(timeout=5) == {"type": "pong"}
    message = await post(room, course.owner, "after complete")

    assert ids([await next_payload(staying)]) == [str(message.pk)]
    assert await stopping.receive_nothing(timeout=0.5)
    await stopping.disconnect()
    await staying.disconnect()


async def test_late_subscriber_replays_then_shares(course, enrolled_student):
    """A different `after` only changes the replay: the two share."""
    room = await course_room(course)
    older = await cursor(room, course.owner)
    start = await cursor(room, course.owner)
    early = await open_socket(course.owner)
    await subscribe(early, CHAT, {"room": str(room.pk), "after": start})
    first = await post(room, course.owner, "first")
    assert ids([await next_payload(early)]) == [str(first.pk)]
    late = await open_socket(enrolled_student)

    await subscribe(late, CHAT, {"room": str(room.pk), "after": older}, op="late")
    replayed = [await next_payload(late, "late") for _ in range(2)]
    second = await post(room, course.owner, "second")

    assert ids(replayed) == [start, str(first.pk)]
    assert ids([await next_payload(late, "late")]) == [str(second.pk)]
    assert ids([await next_payload(early)]) == [str(second.pk)]
    listeners = fanout.broker().groups[room_group(room.pk)]
    assert [type(listener) for listener in listeners] == [SharedFeed]
    assert await late.receive_nothing(timeout=0.5)
    await early.disconnect()
    await late.disconnect()
