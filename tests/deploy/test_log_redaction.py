"""No access token reaches a log line, whatever logs the request."""

import logging
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from educa.ops.logs import JsonFormatter, RedactTokens
from tests.factories import StudentFactory
from tests.servers import REPO, free_port, wait_for_http
from tests.websockets import access_token

# The production start (entrypoint.sh: JSON logs, no uvicorn access log) and
# `make run`'s (uvicorn's own access log on); both at INFO.
COMMANDS = {
    "entrypoint": ["sh", "deploy/entrypoint.sh", "serve", "--log-level", "info"],
    "make-run": [sys.executable, "-m", "uvicorn", "educa.asgi:application"],
}


@pytest.mark.parametrize("command", COMMANDS)
def test_no_access_token_in_the_logs_of_a_live_server(
    command, live_server_env, tmp_path
):
    student = StudentFactory()
    token = access_token(student)
    port = free_port()
    env = {
        **live_server_env,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        # entrypoint.sh runs the `uvicorn` on PATH, as in the image.
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }
    if command == "entrypoint":
        env["LOG_FORMAT"] = "json"
    args = COMMANDS[command]
    if command == "make-run":
        args = [*args, "--host", "127.0.0.1", "--port", str(port), "--lifespan", "off"]
    base = f"127.0.0.1:{port}"
    log_path = tmp_path / "server.log"

    with log_path.open("w") as log:
        server = subprocess.Popen(
            args, env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            wait_for_http(f"http://{base}/", server)
            with connect(
                f"ws://{base}/ws/realtime/?token={token}", origin=f"http://{base}"
            ) as socket:
                socket.send('{"type": "ping"}')
                socket.recv(timeout=5)
            refusals = {}
            for path in ("/ws/nope/", "/ws/chat/room/999999/"):
                with pytest.raises(InvalidStatus) as refused:
                    connect(f"ws://{base}{path}?token={token}", origin=f"http://{base}")
                refusals[path] = refused.value.response.status_code
            urllib.request.urlopen(f"http://{base}/api/courses/?token={token}")
        finally:
            server.terminate()
            server.wait(timeout=10)

    logged = log_path.read_text()
    assert refusals == {"/ws/nope/": 404, "/ws/chat/room/999999/": 403}
    assert "Traceback" not in logged
    assert "WebSocket /ws/realtime/?token=[redacted]" in logged
    assert token not in logged
    assert token.split(".")[1] not in logged  # not even the claims


def test_redaction_keeps_uvicorn_access_arguments_shaped():
    """uvicorn's access formatter unpacks the record's five arguments."""
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5", "GET", "/media/x?a=1&token=eyJ.abc.def&b=2", "1.1", 200),
        None,
    )

    RedactTokens().filter(record)

    assert record.args == (
        "127.0.0.1:5",
        "GET",
        "/media/x?a=1&token=[redacted]&b=2",
        "1.1",
        200,
    )


def test_fields_and_tracebacks_are_redacted_too(student):
    try:
        raise ValueError("bad URL /ws/realtime/?token=eyJ.secret.sig")
    except ValueError:
        record = logging.LogRecord(
            "educa.websocket",
            logging.ERROR,
            __file__,
            1,
            "websocket %s %s",
            ("connect", "/ws/x/?a=1&token=eyJ.abc.def"),
            sys.exc_info(),
        )
    record.fields = {"path": "/ws/x/?token=eyJ.abc.def", "user_id": student.pk}

    RedactTokens().filter(record)
    plain = logging.Formatter("%(message)s").format(record)
    json_line = JsonFormatter().format(record)

    assert record.fields == {"path": "/ws/x/?token=[redacted]", "user_id": student.pk}
    for line in (plain, json_line):
        assert "eyJ" not in line
        assert "token=[redacted]" in line
