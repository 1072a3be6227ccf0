"""Pushes made from a socket's database thread arrive in the order made; a
push that fails is logged and costs nothing stored."""

import asyncio
import logging

import pytest
from channels.db import database_sync_to_async

from educa.chat.models import Message, Room
from educa.chat.services import post_message
from tests.chat.sockets import receive_type, room_path
from tests.servers import free_port
from tests.websockets import connect_as

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


def post_many(course, sender, count: int) -> list[int]:
    room = Room.objects.get(course=course)
    return [
        post_message(room=room, sender=sender, body=f"number {n}")[0].pk
        for n in range(count)
    ]


async def test_pushes_from_a_database_thread_arrive_in_the_order_made(
    course, enrolled_student
):
    reader = await connect_as(course.owner, room_path(course))

    ids = await database_sync_to_async(post_many)(course, enrolled_student, 30)

    heard = [(await receive_type(reader, "chat_message"))["id"] for _ in ids]
    assert heard == ids
    await reader.disconnect()


async def test_failed_push_is_logged_and_the_message_stays_stored(
    course, enrolled_student, settings, caplog
):
    caplog.set_level(logging.ERROR, logger="educa.realtime.fanout")
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"

    ids = await database_sync_to_async(post_many)(course, enrolled_student, 1)

    for _ in range(100):
        if caplog.records:
            break
        await asyncio.sleep(0.05)
    assert [record.getMessage() for record in caplog.records] == [
        f"could not publish an event to room.{course.chat_room.pk}"
    ]
    stored = await database_sync_to_async(
        lambda: list(Message.objects.values_list("pk", flat=True))
    )()
    assert stored == ids
