"""The ASGI application: sockets on paths no route serves."""

import logging

import pytest

from tests.websockets import communicator


@pytest.mark.asyncio
@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/ws/nope/", "/ws/chat/-1/", "/ws/", "/elsewhere/"])
async def test_unknown_socket_paths_are_refused_at_the_handshake(path, caplog):
    client = communicator(path)

    connected, _ = await client.connect()

    assert not connected
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
