"""Editing and deleting over the chat socket: everyone in the room sees it
live; refusals are error frames naming the message, and change nothing."""

import uuid

import pytest
from channels.db import database_sync_to_async

from educa.chat.models import Message
from educa.chat.services import post_message
from tests.chat.sockets import receive_type, room_path
from tests.factories import CourseFactory, EnrollmentFactory
from tests.websockets import connect_as

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


def say(course, user, body="hello"):
    return post_message(room=course.chat_room, sender=user, body=body)[0].pk


async def stored(message_id: int) -> tuple:
    message = await database_sync_to_async(Message.objects.get)(pk=message_id)
    return (message.body, message.edited, message.deleted)


async def test_an_edit_reaches_everyone_in_the_room(course, enrolled_student):
    message_id = await database_sync_to_async(say)(course, enrolled_student, "helo")
    author = await connect_as(enrolled_student, room_path(course))
    reader = await connect_as(course.owner, room_path(course))

    await author.send_json_to(
        {"type": "edit", "message_id": message_id, "message": "hello *all*"}
    )

    for client in (author, reader):
        frame = await receive_type(client, "message_edited")
        assert frame["id"] == message_id
        assert frame["message"] == "hello *all*"
        assert frame["html"] == "<p>hello <em>all</em></p>"
        assert frame["edited"] is not None
    body, edited, _ = await stored(message_id)
    assert (body, edited is not None) == ("hello *all*", True)
    await author.disconnect()
    await reader.disconnect()


async def test_a_deletion_reaches_everyone_and_replays_without_its_text(
    course, enrolled_student
):
    message_id = await database_sync_to_async(say)(course, enrolled_student, "oops")
    author = await connect_as(enrolled_student, room_path(course))
    reader = await connect_as(course.owner, room_path(course))

    await author.send_json_to({"type": "delete", "message_id": message_id})

    for client in (author, reader):
        frame = await receive_type(client, "message_deleted")
        assert frame["id"] == message_id
        assert frame["moderated"] is False
    late = await connect_as(course.owner, room_path(course), query="after=0")
    replayed = await receive_type(late, "chat_message")
    assert replayed["id"] == message_id
    assert (replayed["message"], replayed["html"], replayed["deleted"]) == (
        "",
        "",
        True,
    )
    for client in (author, reader, late):
        await client.disconnect()


async def test_the_instructor_moderates_and_the_room_hears_it(course, enrolled_student):
    message_id = await database_sync_to_async(say)(course, enrolled_student, "spam")
    instructor = await connect_as(course.owner, room_path(course))
    author = await connect_as(enrolled_student, room_path(course))

    await instructor.send_json_to({"type": "delete", "message_id": message_id})

    frame = await receive_type(author, "message_deleted")
    assert frame["moderated"] is True
    assert (await stored(message_id))[2] is not None
    await instructor.disconnect()
    await author.disconnect()


@pytest.mark.parametrize("change", ["edit", "delete"])
async def test_a_classmate_changing_my_message_gets_an_error_and_nothing_changes(
    course, enrolled_student, change
):
    classmate = (await database_sync_to_async(EnrollmentFactory)(course=course)).student
    message_id = await database_sync_to_async(say)(course, enrolled_student, "mine")
    client = await connect_as(classmate, room_path(course))

    await client.send_json_to(
        {"type": change, "message_id": message_id, "message": "hacked"}
    )

    error = await receive_type(client, "error")
    assert error["code"] == "not_allowed"
    assert error["message_id"] == message_id
    assert await stored(message_id) == ("mine", None, None)
    await client.send_json_to({"type": "ping"})
    assert (await receive_type(client, "pong"))["type"] == "pong"  # still open
    await client.disconnect()


@pytest.mark.parametrize(
    ("body", "code"),
    [("", "empty_message"), ("  ", "empty_message"), ("x" * 4001, "message_too_long")],
)
async def test_a_bad_edit_gets_an_error_frame_and_nothing_changes(
    course, enrolled_student, body, code
):
    message_id = await database_sync_to_async(say)(course, enrolled_student, "fine")
    client = await connect_as(enrolled_student, room_path(course))

    await client.send_json_to(
        {"type": "edit", "message_id": message_id, "message": body}
    )

    error = await receive_type(client, "error")
    assert (error["code"], error["message_id"]) == (code, message_id)
    assert await stored(message_id) == ("fine", None, None)
    await client.disconnect()


async def test_editing_a_deleted_message_gets_an_error_frame(course, enrolled_student):
    message_id = await database_sync_to_async(say)(course, enrolled_student, "gone")
    client = await connect_as(enrolled_student, room_path(course))
    await client.send_json_to({"type": "delete", "message_id": message_id})
    await receive_type(client, "message_deleted")

    await client.send_json_to(
        {"type": "edit", "message_id": message_id, "message": "back"}
    )

    error = await receive_type(client, "error")
    assert error["code"] == "message_deleted"
    body, edited, deleted = await stored(message_id)
    assert (body, edited, deleted is not None) == ("", None, True)
    await client.disconnect()


async def test_a_message_of_another_room_is_unknown_here(course, enrolled_student):
    other_course = await database_sync_to_async(CourseFactory)(owner=course.owner)
    elsewhere = await database_sync_to_async(say)(other_course, course.owner, "far")
    client = await connect_as(course.owner, room_path(course))

    await client.send_json_to({"type": "delete", "message_id": elsewhere})

    error = await receive_type(client, "error")
    assert (error["code"], error["message_id"]) == ("invalid_message_id", elsewhere)
    assert await stored(elsewhere) == ("far", None, None)
    await client.disconnect()


@pytest.mark.parametrize(
    "frame",
    [
        {"type": "edit", "message_id": "1", "message": "x"},
        {"type": "edit", "message_id": 1},
        {"type": "delete"},
        {"type": "delete", "message_id": -3},
    ],
)
async def test_malformed_edit_and_delete_frames_are_invalid(
    course, enrolled_student, frame
):
    client = await connect_as(enrolled_student, room_path(course))

    await client.send_json_to(frame)

    assert (await receive_type(client, "error"))["code"] == "invalid_frame"
    await client.disconnect()


async def test_a_refused_send_names_its_client_id(course, enrolled_student):
    client = await connect_as(enrolled_student, room_path(course))
    client_id = str(uuid.uuid4())

    await client.send_json_to({"message": "x" * 4001, "client_id": client_id})

    error = await receive_type(client, "error")
    assert (error["code"], error["client_id"]) == ("message_too_long", client_id)
    await client.disconnect()


async def test_a_send_that_fails_inside_names_its_client_id(
    course, enrolled_student, monkeypatch
):
    client = await connect_as(enrolled_student, room_path(course))
    client_id = str(uuid.uuid4())

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("educa.chat.consumers.post_message", broken)
    await client.send_json_to({"message": "hello", "client_id": client_id})

    error = await receive_type(client, "error")
    assert (error["code"], error["client_id"]) == ("internal_error", client_id)
    await client.disconnect()
