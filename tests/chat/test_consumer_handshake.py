"""Who gets past the chat socket's handshake (origin, token or session, membership)."""

from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.test import Client
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from educa.accounts.services import deactivate_user
from educa.courses.services import unenroll
from tests.chat.sockets import assert_refused, receive_type, room_path, stored_messages
from tests.websockets import access_token, blacklist, communicator, connect_as

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


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


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


async def test_deactivated_user_is_closed_on_every_socket_and_refused_after(
    course, enrolled_student
):
    chat = await connect_as(enrolled_student, room_path(course))
    stream = await connect_as(enrolled_student, "/ws/realtime/")

    await database_sync_to_async(deactivate_user)(user=enrolled_student)

    for client in (chat, stream):
        assert (await receive_close(client))["code"] == 4403
    await assert_refused(
        communicator(room_path(course), token=access_token(enrolled_student))
    )


async def test_one_user_may_hold_only_so_many_sockets_in_a_room(
    course, enrolled_student, settings
):
    settings.WS_SOCKETS_PER_USER_PER_ROOM = 2
    first = await connect_as(enrolled_student, room_path(course))
    second = await connect_as(enrolled_student, room_path(course))

    third = communicator(room_path(course), token=access_token(enrolled_student))
    await third.connect()

    assert (await receive_type(third, "error"))["code"] == "too_many_sockets"
    assert (await receive_close(third))["code"] == 4429
    await first.disconnect()
    await second.disconnect()


async def receive_close(client) -> dict:
    while True:
        output = await client.receive_output(timeout=3)
        if output["type"] == "websocket.close":
            return output
