"""Every stored message reaches every receiver exactly once, in id order,
across two workers and through a Redis outage (receivers reconnect with the
highest id they saw, as the page does)."""

import asyncio
import json
import time
import uuid
from collections import Counter

import websockets
from rest_framework_simplejwt.tokens import AccessToken

from educa.chat.models import Message
from tests.deploy.topology import dedicated_redis
from tests.factories import EnrollmentFactory
from tests.servers import uvicorn_server

# The senders are the test, not abusers.
UNLIMITED = {"CHAT_MESSAGES_PER_SECOND": "100000", "WS_MAX_FRAMES_PER_SECOND": "100000"}


def socket_url(base_url: str, course_id: int, user, after: int | None) -> str:
    url = base_url.replace("http://", "ws://") + f"/ws/chat/room/{course_id}/"
    url += f"?token={AccessToken.for_user(user)}"
    return url + (f"&after={after}" if after is not None else "")


class Receiver:
    """Keeps a socket open, reconnecting with `?after=<highest id seen>`."""

    def __init__(self, base_url: str, course_id: int, user) -> None:
        self.base_url, self.course_id, self.user = base_url, course_id, user
        self.ids: list[int] = []
        self.closes: Counter = Counter()
        self.connected = asyncio.Event()
        self.stopping = False

    async def run(self) -> None:
        after = None
        while not self.stopping:
            url = socket_url(self.base_url, self.course_id, self.user, after)
            try:
                async with websockets.connect(url, origin=self.base_url) as socket:
                    self.connected.set()
                    async for text in socket:
                        frame = json.loads(text)
                        if frame["type"] == "chat_message":
                            self.ids.append(frame["id"])
            except (OSError, websockets.WebSocketException) as error:
                code = getattr(getattr(error, "rcvd", None), "code", None)
                self.closes[code] += 1
                await asyncio.sleep(0.2)
            after = max(self.ids, default=0)


class Sender:
    """Sends `count` messages one at a time, resending an unacknowledged one
    with its client_id after a reconnect."""

    def __init__(self, base_url: str, course_id: int, user, count: int) -> None:
        self.base_url, self.course_id, self.user = base_url, course_id, user
        self.count = count
        self.pending = [str(uuid.uuid4()) for _ in range(count)]

    async def run(self, pause: float) -> None:
        while self.pending:
            url = socket_url(self.base_url, self.course_id, self.user, None)
            try:
                async with websockets.connect(url, origin=self.base_url) as socket:
                    while self.pending:
                        client_id = self.pending[0]
                        await socket.send(
                            json.dumps({"message": client_id, "client_id": client_id})
                        )
                        await next_ack(socket)
                        self.pending.pop(0)
                        await asyncio.sleep(pause)
            except (OSError, websockets.WebSocketException):
                await asyncio.sleep(0.2)


async def next_ack(socket) -> dict:
    while True:
        frame = json.loads(await socket.recv())
        if frame["type"] == "ack":
            return frame


async def settle(receivers: list[Receiver], expected: int) -> None:
    """Wait (up to 30 s) until every receiver has seen `expected` messages."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if all(len(set(r.ids)) >= expected for r in receivers):
            return
        await asyncio.sleep(0.1)


async def exchange(
    receivers: list[Receiver], senders: list[Sender], pause: float, during=None
) -> None:
    listening = [asyncio.create_task(receiver.run()) for receiver in receivers]
    await asyncio.gather(*(asyncio.wait_for(r.connected.wait(), 20) for r in receivers))
    sending = [asyncio.create_task(sender.run(pause)) for sender in senders]
    if during is not None:
        await during()
    await asyncio.wait_for(asyncio.gather(*sending), 60)
    expected = sum(sender.count for sender in senders)
    await settle(receivers, expected)
    for receiver in receivers:
        receiver.stopping = True
    for task in listening:
        task.cancel()
    await asyncio.gather(*listening, return_exceptions=True)


def test_two_workers_deliver_a_rooms_messages_in_id_order(live_server_env, course):
    people = [EnrollmentFactory(course=course).student for _ in range(6)]
    env = {**live_server_env, **UNLIMITED}
    with uvicorn_server(env) as first, uvicorn_server(env) as second:
        receivers = [
            Receiver(url, course.pk, person)
            for url, person in zip([first, second] * 2, people[:4], strict=True)
        ]
        senders = [
            Sender(first, course.pk, people[4], 60),
            Sender(second, course.pk, people[5], 60),
        ]
        asyncio.run(exchange(receivers, senders, pause=0))

    stored = list(Message.objects.order_by("id").values_list("id", flat=True))
    assert len(stored) == 120
    for receiver in receivers:
        # In id order on both workers: the highest id seen is a safe cursor.
        assert receiver.ids == stored


def test_redis_outage_loses_no_live_message_and_duplicates_none(
    live_server_env, course
):
    people = [EnrollmentFactory(course=course).student for _ in range(12)]
    with dedicated_redis() as redis_server:
        env = {**live_server_env, **UNLIMITED, "REDIS_URL": redis_server.url}
        with uvicorn_server(env) as base_url:
            receivers = [Receiver(base_url, course.pk, p) for p in people[:10]]
            senders = [Sender(base_url, course.pk, p, 40) for p in people[10:]]

            async def outage() -> None:
                await asyncio.sleep(0.5)
                await asyncio.to_thread(redis_server.stop)
                await asyncio.sleep(2)
                await asyncio.to_thread(redis_server.start)

            asyncio.run(exchange(receivers, senders, pause=0.02, during=outage))

    stored = list(Message.objects.order_by("id").values_list("id", flat=True))
    assert len(stored) == 80  # every message stored exactly once
    for receiver in receivers:
        assert sorted(receiver.ids) == stored  # all of them, none twice
    # The outage really cut the sockets, and they came back by replaying.
    assert sum(r.closes[4500] for r in receivers) >= len(receivers)
