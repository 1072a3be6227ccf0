"""ws/graphql/: `chatMessages` re-sends a message edited or deleted while it
runs, as the same `Message` with the same id as it is now, whichever
transport made the change; new messages still arrive once and in order, a
deleted text is never sent, and other rooms hear nothing."""

import json
import time

import pytest
from channels.db import database_sync_to_async

from educa.chat.editing import delete_message, edit_message
from educa.chat.models import Message
from educa.graphql.live import SharedFeed
from educa.realtime import fanout
from educa.realtime.consumers import ACCESS_CHANGED
from educa.realtime.groups import room_group
from educa.realtime.notify import push_to_user
from tests.chat.sockets import receive_type, room_path
from tests.factories import CourseFactory
from tests.graphql.test_shared_subscriptions import another_student, cursor
from tests.graphql.test_subscriptions import (
    course_room,
    next_payload,
    open_socket,
    post,
    subscribe,
)
from tests.websockets import connect_as

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

CHAT = """
subscription($room: ID!, $after: ID) {
  chatMessages(roomId: $room, after: $after) {
    id roomId message html user edited editedAt deleted
  }
}
"""
EDIT = """
mutation($id: ID!, $text: String!) {
  editMessage(messageId: $id, message: $text) { id }
}
"""
DELETE = "mutation($id: ID!) { deleteMessage(messageId: $id) { id } }"
SECRET = "the exam answers are 42"


def item(message: dict) -> dict:
    return message["payload"]["data"]["chatMessages"]


async def edit(message: Message, text: str) -> Message:
    return await database_sync_to_async(edit_message)(
        message=message, by=message.sender, body=text
    )


async def test_edit_and_deletion_through_the_chat_socket_reach_the_subscriber(
    course, enrolled_student
):
    room = await course_room(course)
    start = await cursor(room, course.owner)
    client = await open_socket(course.owner)
    await subscribe(client, CHAT, {"room": str(room.pk), "after": start})
    author = await connect_as(enrolled_student, room_path(course))
    await author.send_json_to({"message": SECRET})
    said = (await receive_type(author, "ack"))["id"]
    assert item(await next_payload(client))["message"] == SECRET

    await author.send_json_to(
        {"type": "edit", "message_id": said, "message": "I *was* wrong"}
    )
    await receive_type(author, "message_edited")
    edited = item(await next_payload(client))
    await author.send_json_to({"type": "delete", "message_id": said})
    await receive_type(author, "message_deleted")
    deleted = await next_payload(client)

    assert edited["id"] == str(said)
    assert edited["message"] == "I *was* wrong"
    assert edited["html"] == "<p>I <em>was</em> wrong</p>"
    assert edited["edited"] is True
    assert edited["editedAt"] is not None
    assert edited["deleted"] is False
    assert edited["user"] == enrolled_student.username
    assert item(deleted)["id"] == str(said)
    assert item(deleted)["deleted"] is True
    assert item(deleted)["message"] == item(deleted)["html"] == ""
    assert "wrong" not in json.dumps(deleted)
    assert await client.receive_nothing(timeout=0.5)
    await author.disconnect()
    await client.disconnect()


async def test_edit_and_deletion_through_the_mutations_reach_the_subscriber(
    course, enrolled_student, graphql
):
    room = await course_room(course)
    said = await post(room, enrolled_student, SECRET)
    client = await open_socket(course.owner)
    await subscribe(client, CHAT, {"room": str(room.pk), "after": str(said.pk)})
    later = await post(room, course.owner, "later")
    assert item(await next_payload(client))["id"] == str(later.pk)
    run = database_sync_to_async(graphql)

    changed = await run(
        EDIT, {"id": str(said.pk), "text": "fixed"}, as_user=enrolled_student
    )
    edited = item(await next_payload(client))
    removed = await run(DELETE, {"id": str(said.pk)}, as_user=course.owner)
    deleted = await next_payload(client)

    assert "errors" not in changed
    assert "errors" not in removed
    assert (edited["id"], edited["message"], edited["edited"]) == (
        str(said.pk),
        "fixed",
        True,
    )
    assert (item(deleted)["id"], item(deleted)["deleted"]) == (str(said.pk), True)
    assert SECRET not in json.dumps(deleted)
    assert "fixed" not in json.dumps(deleted)
    assert await client.receive_nothing(timeout=0.5)
    await client.disconnect()


async def test_new_messages_stay_once_and_in_order_around_changes(
    course, enrolled_student
):
    room = await course_room(course)
    start = await cursor(room, course.owner)
    client = await open_socket(enrolled_student)
    await subscribe(client, CHAT, {"room": str(room.pk), "after": start})
    ready = await post(room, course.owner, "ready")
    assert item(await next_payload(client))["id"] == str(ready.pk)

    first = await post(room, enrolled_student, "first")
    second = await post(room, course.owner, "second")
    await edit(first, "first, edited")
    third = await post(room, course.owner, "third")
    received = [item(await next_payload(client)) for _ in range(4)]

    assert [(m["id"], m["message"], m["edited"]) for m in received] == [
        (str(first.pk), "first", False),
        (str(second.pk), "second", False),
        (str(first.pk), "first, edited", True),
        (str(third.pk), "third", False),
    ]
    assert await client.receive_nothing(timeout=0.5)
    await client.disconnect()


async def test_subscribers_of_one_document_share_the_change(course, enrolled_student):
    room = await course_room(course)
    said = await post(room, enrolled_student, "hello")
    start = await cursor(room, course.owner)
    first = await open_socket(enrolled_student)
    second = await open_socket(course.owner)
    await subscribe(first, CHAT, {"room": str(room.pk), "after": start}, op="a")
    await subscribe(second, CHAT, {"room": str(room.pk), "after": start}, op="b")
    ready = await post(room, course.owner, "ready")
    assert item(await next_payload(first, "a"))["id"] == str(ready.pk)
    assert item(await next_payload(second, "b"))["id"] == str(ready.pk)

    await edit(said, "hello again")
    to_first = await next_payload(first, "a")
    to_second = await next_payload(second, "b")

    assert to_first["payload"] == to_second["payload"]
    assert item(to_first)["message"] == "hello again"
    listeners = fanout.broker().groups[room_group(room.pk)]
    assert [type(listener) for listener in listeners] == [SharedFeed]
    assert await first.receive_nothing(timeout=0.5)
    assert await second.receive_nothing(timeout=0.1)
    await first.disconnect()
    await second.disconnect()


async def test_a_change_heard_while_access_is_checked_again_arrives_once(
    course, enrolled_student
):
    """While the subscription checks its access again, the room's events
    wait in its own queue; the change comes out of it as the shared path
    would send it."""
    room = await course_room(course)
    said = await post(room, course.owner, SECRET)
    start = await cursor(room, course.owner)
    client = await open_socket(enrolled_student)
    await subscribe(client, CHAT, {"room": str(room.pk), "after": start})
    ready = await post(room, course.owner, "ready")
    assert item(await next_payload(client))["id"] == str(ready.pk)

    def access_changed_then_deleted() -> None:
        push_to_user(
            enrolled_student.pk, {"type": ACCESS_CHANGED, "course_id": course.pk}
        )
        delete_message(message=said, by=course.owner)
        # The access check waits for this database thread: the deletion is
        # heard while the subscription is still holding.
        time.sleep(0.2)

    await database_sync_to_async(access_changed_then_deleted)()
    deleted = await next_payload(client)
    after = await post(room, course.owner, "after")

    assert (item(deleted)["id"], item(deleted)["deleted"]) == (str(said.pk), True)
    assert SECRET not in json.dumps(deleted)
    assert item(await next_payload(client))["id"] == str(after.pk)
    assert await client.receive_nothing(timeout=0.5)
    await client.disconnect()


async def test_another_rooms_subscriber_hears_no_change(course, enrolled_student):
    room = await course_room(course)
    said = await post(room, enrolled_student, SECRET)
    elsewhere = await database_sync_to_async(CourseFactory)(owner=course.owner)
    other_room = await course_room(elsewhere)
    start = await cursor(other_room, course.owner)
    client = await open_socket(await another_student(elsewhere))
    await subscribe(client, CHAT, {"room": str(other_room.pk), "after": start})

    await edit(said, "edited")
    await database_sync_to_async(delete_message)(message=said, by=course.owner)
    here = await post(other_room, course.owner, "here")

    # Events are heard in the order they were published.
    assert item(await next_payload(client))["id"] == str(here.pk)
    assert await client.receive_nothing(timeout=0.3)
    await client.disconnect()
