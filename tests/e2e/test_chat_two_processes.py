"""Two uvicorn processes sharing PostgreSQL and Redis: a message sent on one
reaches a socket held by the other, as with N workers behind nginx."""

import json
import uuid

from rest_framework_simplejwt.tokens import AccessToken
from websockets.sync.client import connect

from educa.chat.models import Message
from tests.servers import uvicorn_server


def open_socket(base_url: str, path: str, user, after: int | None = None):
    ws_url = base_url.replace("http://", "ws://")
    query = f"token={AccessToken.for_user(user)}"
    if after is not None:
        query += f"&after={after}"
    return connect(
        f"{ws_url}{path}?{query}",
        origin=base_url,
        open_timeout=10,
    )


def next_of_kind(socket, kind: str) -> dict:
    while True:
        frame = json.loads(socket.recv(timeout=10))
        if frame["type"] == kind:
            return frame


def test_message_sent_on_one_server_reaches_a_client_of_the_other(
    live_server_url, live_server_env, course, enrolled_student
):
    path = f"/ws/chat/room/{course.pk}/"
    client_id = str(uuid.uuid4())
    with (
        uvicorn_server(live_server_env) as second_url,
        open_socket(second_url, path, course.owner) as reader,
        open_socket(live_server_url, path, enrolled_student) as sender,
    ):
        sender.send(json.dumps({"message": "across workers", "client_id": client_id}))

        ack = next_of_kind(sender, "ack")
        received = next_of_kind(reader, "chat_message")

    assert second_url != live_server_url
    assert received["id"] == ack["id"]
    assert received["message"] == "across workers"
    assert received["client_id"] == client_id
    assert received["user_id"] == enrolled_student.pk
    assert list(Message.objects.values_list("body", flat=True)) == ["across workers"]


def test_client_reconnecting_to_the_other_server_replays_what_it_missed(
    live_server_url, live_server_env, course, enrolled_student
):
    path = f"/ws/chat/room/{course.pk}/"
    with open_socket(live_server_url, path, enrolled_student) as sender:
        sender.send(json.dumps({"message": "before"}))
        seen = next_of_kind(sender, "ack")["id"]
        sender.send(json.dumps({"message": "while you were away"}))
        missed = next_of_kind(sender, "ack")["id"]

    with (
        uvicorn_server(live_server_env) as second_url,
        open_socket(second_url, path, course.owner, after=seen) as reader,
    ):
        replayed = next_of_kind(reader, "chat_message")

    assert replayed["id"] == missed
    assert replayed["message"] == "while you were away"
