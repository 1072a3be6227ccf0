"""Catching up after a reconnect: `?after=<id>&changes=<n>` replays the new
messages, then the edits and deletions made while the client was away to
the messages it had, each once, then `caught_up`; and a deleted unread
message lowers the unread counts live."""

import pytest
from channels.db import database_sync_to_async

from educa.chat.editing import delete_message, edit_message
from educa.chat.models import Message
from educa.chat.selectors import room_change
from educa.chat.services import post_message
from educa.realtime.fanout import publish
from educa.realtime.groups import room_group
from tests.chat.sockets import assert_refused, receive_type, room_path
from tests.factories import EnrollmentFactory
from tests.websockets import access_token, communicator, connect_as

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

NOISE = {"presence", "heartbeat"}


async def next_frame(client) -> dict:
    """The next frame that is not presence or a heartbeat."""
    while (frame := await client.receive_json_from(timeout=3))["type"] in NOISE:
        pass
    return frame


async def frames_until_caught_up(client) -> list[dict]:
    """The frames a socket replays, up to and with `caught_up`."""
    frames = [await next_frame(client)]
    while frames[-1]["type"] != "caught_up":
        frames.append(await next_frame(client))
    return frames


def summary(frames: list[dict]) -> list[tuple]:
    return [
        (frame["type"], frame.get("id"), frame.get("change", frame.get("changes")))
        for frame in frames
    ]


def say(course, user, *bodies: str) -> list[Message]:
    return [
        post_message(room=course.chat_room, sender=user, body=body)[0]
        for body in bodies
    ]


async def test_reconnect_replays_edits_and_deletions_made_while_away_once(
    course, enrolled_student
):
    def away():
        first, second = say(course, enrolled_student, "helo", "oops")
        left_at = (second.pk, room_change(course.chat_room.pk))
        edit_message(message=first, by=enrolled_student, body="hello *all*")
        delete_message(message=second, by=course.owner)
        [third] = say(course, enrolled_student, "back")
        return first.pk, second.pk, third.pk, left_at

    first, second, third, (after, changes) = await database_sync_to_async(away)()

    client = await connect_as(
        course.owner, room_path(course), query=f"after={after}&changes={changes}"
    )

    frames = await frames_until_caught_up(client)
    assert summary(frames) == [
        ("chat_message", third, None),
        ("message_edited", first, 1),
        ("message_deleted", second, 2),
        ("caught_up", None, 2),
    ]
    edited = frames[1]
    assert (edited["message"], edited["html"]) == (
        "hello *all*",
        "<p>hello <em>all</em></p>",
    )
    assert frames[2]["moderated"] is True
    await client.disconnect()


async def test_changes_the_client_had_are_not_replayed_and_later_ones_come_live(
    course, enrolled_student
):
    def away():
        first, second = say(course, enrolled_student, "one", "two")
        edit_message(message=first, by=enrolled_student, body="one!")
        seen = room_change(course.chat_room.pk)
        edit_message(message=second, by=enrolled_student, body="two!")
        return first, second, seen

    first, second, seen = await database_sync_to_async(away)()
    client = await connect_as(
        enrolled_student, room_path(course), query=f"after={second.pk}&changes={seen}"
    )

    frames = await frames_until_caught_up(client)
    await database_sync_to_async(edit_message)(
        message=first, by=enrolled_student, body="one!!"
    )
    live = await next_frame(client)

    assert summary(frames) == [
        ("message_edited", second.pk, 2),
        ("caught_up", None, 2),
    ]
    assert (live["id"], live["change"], live["message"]) == (first.pk, 3, "one!!")
    await client.disconnect()


async def test_a_live_copy_of_a_replayed_change_is_not_sent_twice(
    course, enrolled_student
):
    def away():
        [message] = say(course, enrolled_student, "draft")
        return edit_message(message=message, by=enrolled_student, body="final")

    message = await database_sync_to_async(away)()
    client = await connect_as(
        course.owner, room_path(course), query=f"after={message.pk}&changes=0"
    )
    frames = await frames_until_caught_up(client)

    # The race the change cursor guards against: an edit committed between
    # joining the group and reading the room's changes arrives both ways.
    await database_sync_to_async(publish)(room_group(course.chat_room.pk), frames[0])
    await database_sync_to_async(delete_message)(message=message, by=course.owner)

    assert summary(frames) == [
        ("message_edited", message.pk, 1),
        ("caught_up", None, 1),
    ]
    assert summary([await next_frame(client)]) == [("message_deleted", message.pk, 2)]
    await client.disconnect()


async def test_without_a_change_cursor_only_messages_are_replayed(
    course, enrolled_student
):
    def away():
        first, second = say(course, enrolled_student, "a", "b")
        edit_message(message=first, by=enrolled_student, body="a!")
        return second.pk

    after = await database_sync_to_async(away)()

    client = await connect_as(course.owner, room_path(course), query=f"after={after}")

    assert summary(await frames_until_caught_up(client)) == [("caught_up", None, 1)]
    await client.disconnect()


@pytest.mark.parametrize("changes", ["-1", "x"])
async def test_a_bad_change_cursor_is_refused_at_the_handshake(
    course, enrolled_student, changes
):
    client = communicator(
        room_path(course),
        token=access_token(enrolled_student),
        query=f"after=0&changes={changes}",
    )

    await assert_refused(client)


async def test_deleting_an_unread_message_lowers_the_unread_counts_live(
    course, enrolled_student
):
    classmate = (await database_sync_to_async(EnrollmentFactory)(course=course)).student
    messages = await database_sync_to_async(say)(course, classmate, "one", "two")
    stream = await connect_as(enrolled_student, "/ws/realtime/")
    opening = await receive_type(stream, "unread_messages")

    await database_sync_to_async(delete_message)(message=messages[0], by=course.owner)

    frame = await receive_type(stream, "room_unread")
    assert opening["total"] == 2
    assert frame == {
        "type": "room_unread",
        "room": course.chat_room.pk,
        "unread": 1,
        "total": 1,
    }
    await stream.disconnect()
