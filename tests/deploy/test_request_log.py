"""One JSON access line per request, and the JSON line format itself."""

import json
import logging
import subprocess
import sys

import pytest
from django.test import Client
from rest_framework_simplejwt.tokens import AccessToken

from educa.ops.logs import JsonFormatter, log_websocket
from tests.factories import EnrollmentFactory, ModuleFactory, add_content
from tests.servers import REPO, django_env


def access_lines(caplog) -> list[dict]:
    return [
        record.fields for record in caplog.records if record.name == "educa.request"
    ]


@pytest.fixture
def access_log(caplog):
    caplog.set_level(logging.INFO, logger="educa.request")
    return caplog


def test_anonymous_page_request_is_logged_once(client, db, access_log):
    client.get("/")

    [line] = access_lines(access_log)
    assert {k: v for k, v in line.items() if k != "duration_ms"} == {
        "event": "http.request",
        "method": "GET",
        "path": "/",
        "status": 200,
        "user_id": None,
    }
    assert isinstance(line["duration_ms"], float)
    assert line["duration_ms"] >= 0


def test_session_user_is_logged_once_the_page_loaded_them(client, student, access_log):
    client.force_login(student)

    client.get("/")

    assert [line["user_id"] for line in access_lines(access_log)] == [student.pk]


def test_jwt_user_of_a_course_file_download_is_logged(client, course, access_log):
    student = EnrollmentFactory(course=course).student
    image = add_content(ModuleFactory(course=course), "image").item

    response = client.get(
        image.file.url, HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(student)}"
    )

    assert response.status_code == 200
    assert [line["user_id"] for line in access_lines(access_log)] == [student.pk]


def test_jwt_user_of_an_api_request_is_logged(client, student, access_log):
    token = AccessToken.for_user(student)

    client.get("/api/schema/", HTTP_AUTHORIZATION=f"Bearer {token}")

    [line] = access_lines(access_log)
    assert (line["path"], line["status"], line["user_id"]) == (
        "/api/schema/",
        200,
        student.pk,
    )


def test_logging_never_loads_a_user_nobody_asked_for(
    student, access_log, django_assert_num_queries
):
    client = Client(enforce_csrf_checks=True)
    client.force_login(student)

    with django_assert_num_queries(0):
        response = client.post("/accounts/logout/")  # refused: no CSRF token

    assert response.status_code == 403
    assert [(line["status"], line["user_id"]) for line in access_lines(access_log)] == [
        (403, None)
    ]


def test_probes_are_not_logged(client, db, access_log):
    client.get("/healthz")
    client.get("/readyz")

    assert access_lines(access_log) == []


def test_formatter_writes_one_json_line_with_fields_and_traceback():
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.getLogger("educa.test").makeRecord(
            "educa.test",
            logging.ERROR,
            __file__,
            1,
            "failed %s",
            ("twice",),
            sys.exc_info(),
            extra={"fields": {"event": "test.failure", "user_id": 7}},
        )

    line = JsonFormatter().format(record)

    assert "\n" not in line
    entry = json.loads(line)
    assert set(entry) == {
        "time",
        "level",
        "logger",
        "message",
        "pid",
        "event",
        "user_id",
        "traceback",
    }
    assert (entry["level"], entry["logger"], entry["message"]) == (
        "ERROR",
        "educa.test",
        "failed twice",
    )
    assert (entry["event"], entry["user_id"]) == ("test.failure", 7)
    assert entry["traceback"].endswith("ValueError: boom\n")


def test_websocket_helper_logs_path_user_and_close_code(student, caplog):
    caplog.set_level(logging.INFO, logger="educa.websocket")

    log_websocket(
        "disconnect", {"path": "/ws/chat/room/3/", "user": student}, code=1001
    )

    [record] = caplog.records
    assert record.fields == {
        "event": "websocket.disconnect",
        "path": "/ws/chat/room/3/",
        "user_id": student.pk,
        "code": 1001,
    }


SNIPPET = (
    "import django; django.setup();"
    "from django.test import Client;"
    "Client(HTTP_HOST='localhost').get('/missing/')"
)


@pytest.mark.parametrize(
    ("level", "expected_loggers"),
    [("INFO", ["educa.request", "django.request"]), ("WARNING", ["django.request"])],
)
def test_log_level_and_json_format_are_honoured(tmp_path, level, expected_loggers):
    """Production logs are JSON lines on stdout, filtered by LOG_LEVEL."""
    env = django_env(
        DEBUG="true",
        LOG_FORMAT="json",
        LOG_LEVEL=level,
        DATABASE_URL="",
        REDIS_URL="",
        DATA_DIR=str(tmp_path),
    )

    result = subprocess.run(
        [sys.executable, "-c", SNIPPET],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    entries = [json.loads(line) for line in result.stdout.splitlines()]
    assert [entry["logger"] for entry in entries] == expected_loggers
    assert entries[-1]["level"] == "WARNING"
    assert entries[-1]["message"] == "Not Found: /missing/"
