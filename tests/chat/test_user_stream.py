"""`ws/realtime/` also carries the messages of every room the user may use,
so room lists and the header's counts move on any page; it follows the
user's rooms as they gain and lose them."""

import pytest
from channels.db import database_sync_to_async

from educa.chat.services import mark_read, open_direct_room, post_message
from educa.courses.services import enroll, unenroll
from tests.chat.sockets import receive_type
from tests.factories import CourseFactory, EnrollmentFactory
from tests.websockets import connect_as

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

PATH = "/ws/realtime/"


async def open_stream(user) -> tuple:
    client = await connect_as(user, PATH)
    await receive_type(client, "unread")
    return client, await receive_type(client, "unread_messages")


async def test_the_stream_opens_with_my_unread_messages_over_all_rooms(
    course, enrolled_student
):
    def unread_in_two_rooms():
        post_message(room=course.chat_room, sender=course.owner, body="one")
        room, _ = open_direct_room(user=course.owner, other=enrolled_student)
        post_message(room=room, sender=course.owner, body="two")
        post_message(room=room, sender=enrolled_student, body="mine")

    await database_sync_to_async(unread_in_two_rooms)()

    client, opening = await open_stream(enrolled_student)

    assert opening == {"type": "unread_messages", "total": 2}
    await client.disconnect()


async def test_a_message_in_my_course_room_reaches_my_stream_but_typing_does_not(
    course, enrolled_student
):
    client, _ = await open_stream(enrolled_student)

    message, _ = await database_sync_to_async(post_message)(
        room=course.chat_room, sender=course.owner, body="news"
    )

    frame = await receive_type(client, "chat_message")
    assert (frame["id"], frame["room"], frame["message"]) == (
        message.pk,
        course.chat_room.pk,
        "news",
    )
    await client.disconnect()


async def test_reading_tells_every_stream_of_mine_the_new_counts(
    course, enrolled_student
):
    first, _ = await database_sync_to_async(post_message)(
        room=course.chat_room, sender=course.owner, body="one"
    )
    await database_sync_to_async(post_message)(
        room=course.chat_room, sender=course.owner, body="two"
    )
    tab, _ = await open_stream(enrolled_student)
    phone, _ = await open_stream(enrolled_student)

    await database_sync_to_async(mark_read)(
        room=course.chat_room, user=enrolled_student, message_id=first.pk
    )

    for client in (tab, phone):
        frame = await receive_type(client, "room_unread")
        assert frame == {
            "type": "room_unread",
            "room": course.chat_room.pk,
            "unread": 1,
            "total": 1,
        }
        await client.disconnect()


async def test_enrolling_makes_my_open_stream_follow_the_new_course_room(student):
    course = await database_sync_to_async(CourseFactory)()
    client, _ = await open_stream(student)

    await database_sync_to_async(enroll)(student=student, course=course)
    await receive_type(client, "unread_messages")  # listening to the new room
    room_id = await database_sync_to_async(lambda: course.chat_room.pk)()
    await database_sync_to_async(
        lambda: post_message(room=course.chat_room, sender=course.owner, body="welcome")
    )()

    frame = await receive_type(client, "chat_message")
    assert (frame["room"], frame["message"]) == (room_id, "welcome")
    await client.disconnect()


async def test_unenrolling_stops_my_stream_hearing_the_course_room(
    course, enrolled_student
):
    client, _ = await open_stream(enrolled_student)

    await database_sync_to_async(unenroll)(student=enrolled_student, course=course)
    await receive_type(client, "unread_messages")  # it has left the room
    await database_sync_to_async(post_message)(
        room=course.chat_room, sender=course.owner, body="members only"
    )

    assert await client.receive_nothing(timeout=1) is True
    await client.disconnect()


async def test_a_new_direct_room_is_followed_from_its_first_message(course):
    writer = (await database_sync_to_async(EnrollmentFactory)(course=course)).student
    client, _ = await open_stream(course.owner)

    room, _ = await database_sync_to_async(open_direct_room)(
        user=writer, other=course.owner
    )
    await receive_type(client, "unread_messages")
    await database_sync_to_async(post_message)(room=room, sender=writer, body="hi")

    frame = await receive_type(client, "chat_message")
    assert (frame["room"], frame["message"]) == (room.pk, "hi")
    await client.disconnect()
