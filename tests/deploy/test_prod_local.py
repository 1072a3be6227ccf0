"""`make prod-local` really serves through nginx: static, API, pages, balancing.

One topology (nginx + 2 uvicorn workers on the test PostgreSQL database and
the suite's Redis) serves the whole module; tests commit their data
(transactional_db) so the workers see it.
"""

import gzip
import json
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings
from django.db import connection
from rest_framework_simplejwt.tokens import AccessToken
from websockets.exceptions import InvalidStatus

from tests.deploy.topology import next_of_kind, open_chat, prod_local
from tests.factories import (
    PASSWORD,
    CourseFactory,
    EnrollmentFactory,
    FileFactory,
    StudentFactory,
)
from tests.servers import database_url, django_env


@pytest.fixture(scope="module")
def topology(django_db_setup, tmp_path_factory):
    env = django_env(
        DATABASE_URL=database_url(connection.settings_dict),
        REDIS_URL=settings.REDIS_URL,
        SECRET_KEY=settings.SECRET_KEY,
        MEDIA_ROOT="",
        STATIC_ROOT="",
        WS_PER_MESSAGE_DEFLATE="",  # the production default, whatever the shell says
    )
    with prod_local(env, tmp_path_factory.mktemp("prod-local")) as running:
        yield running


def fetch(url: str, data: bytes | None = None, **headers: str):
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        return urllib.request.urlopen(request, timeout=20)
    except urllib.error.HTTPError as error:
        return error


def hashed_static_name(topology, name: str) -> str:
    manifest = json.loads((topology.static_root / "staticfiles.json").read_text())
    return manifest["paths"][name]


def test_nginx_serves_hashed_static_files_with_long_cache_headers(topology):
    name = hashed_static_name(topology, "css/educa.css")

    response = fetch(f"{topology.base_url}/static/{name}")

    assert response.status == 200
    assert response.headers["Server"].startswith("nginx")
    assert response.headers["Cache-Control"] == "max-age=315360000"
    assert response.read() == (topology.static_root / name).read_bytes()
    assert topology.nginx_lines(uri=f"/static/{name}") == []  # not even logged


def test_unhashed_static_names_are_cached_only_briefly(topology):
    response = fetch(f"{topology.base_url}/static/css/educa.css")

    assert response.status == 200
    assert response.headers["Cache-Control"] == "max-age=3600"


def test_text_is_gzipped_for_clients_that_accept_it(topology, transactional_db):
    name = hashed_static_name(topology, "css/educa.css")

    css = fetch(f"{topology.base_url}/static/{name}", **{"Accept-Encoding": "gzip"})
    page = fetch(f"{topology.base_url}/", **{"Accept-Encoding": "gzip"})

    assert css.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(css.read()) == (topology.static_root / name).read_bytes()
    assert page.headers["Content-Encoding"] == "gzip"
    assert b"<html" in gzip.decompress(page.read())


def test_api_login_and_catalog_through_nginx(topology, transactional_db):
    student = StudentFactory()
    CourseFactory(title="Served through nginx")

    token = fetch(
        f"{topology.base_url}/api/token/",
        json.dumps({"username": student.username, "password": PASSWORD}).encode(),
        **{"Content-Type": "application/json"},
    )
    catalog = fetch(f"{topology.base_url}/")

    assert token.status == 200
    assert set(json.loads(token.read())) == {"access", "refresh"}
    assert catalog.status == 200
    assert "Served through nginx" in catalog.read().decode()


def test_requests_are_balanced_over_both_workers(topology, transactional_db):
    for _ in range(4):
        fetch(f"{topology.base_url}/?balance-check")

    served = topology.nginx_lines(4, uri="/?balance-check")
    assert [line["status"] for line in served] == [200] * 4
    assert len({line["upstream"] for line in served}) == 2
    assert len({line["pid"] for line in topology.app_lines(path="/", status=200)}) == 2


def test_each_request_is_one_json_line_from_the_worker(topology, transactional_db):
    student = StudentFactory()

    fetch(
        f"{topology.base_url}/api/token/",
        json.dumps({"username": student.username, "password": "wrong"}).encode(),
        **{"Content-Type": "application/json"},
    )

    [line] = topology.app_lines(path="/api/token/", status=401)
    assert (line["event"], line["method"], line["user_id"]) == (
        "http.request",
        "POST",
        None,
    )


def test_readyz_through_nginx_reports_every_dependency(topology):
    # The transactional tests before this one empty the heartbeat table; the
    # task worker writes its row again within WORKER_HEARTBEAT_SECONDS.
    deadline = time.monotonic() + 30
    while True:
        response = fetch(f"{topology.base_url}/readyz")
        checks = json.loads(response.read())["checks"]
        if checks["workers"] != "none alive" or time.monotonic() > deadline:
            break
        time.sleep(0.2)

    assert response.status == 200
    assert checks == {
        "database": "ok",
        "migrations": "ok",
        "redis": "ok",
        "workers": "1 alive",
    }


def test_public_media_is_served_by_nginx(topology):
    (topology.media_root / "public").mkdir(parents=True, exist_ok=True)
    (topology.media_root / "public" / "logo.txt").write_text("public file")

    response = fetch(f"{topology.base_url}/media/public/logo.txt")

    assert response.status == 200
    assert response.read() == b"public file"
    assert topology.nginx_lines(uri="/media/public/logo.txt")[0]["upstream"] == ""


def test_protected_media_location_is_unreachable_from_outside(topology):
    (topology.media_root / "courses" / "1").mkdir(parents=True, exist_ok=True)
    (topology.media_root / "courses" / "1" / "secret.txt").write_text("private")

    response = fetch(f"{topology.base_url}/protected-media/courses/1/secret.txt")

    assert response.status == 404
    assert b"private" not in response.read()


def test_course_files_are_never_served_straight_from_disk(topology, transactional_db):
    (topology.media_root / "courses" / "1").mkdir(parents=True, exist_ok=True)
    (topology.media_root / "courses" / "1" / "notes.txt").write_text("private")

    response = fetch(f"{topology.base_url}/media/courses/1/notes.txt")

    assert response.status in {403, 404}
    assert b"private" not in response.read()
    [logged] = topology.nginx_lines(uri="/media/courses/1/notes.txt")
    assert logged["upstream"] != ""  # the app decided


def test_chat_files_are_never_served_straight_from_disk(topology):
    """Chat attachments go out only through the API, which checks membership."""
    (topology.media_root / "chat" / "1").mkdir(parents=True, exist_ok=True)
    (topology.media_root / "chat" / "1" / "letter.txt").write_text("private")

    responses = [
        fetch(f"{topology.base_url}{path}")
        for path in ("/media/chat/1/letter.txt", "/media//chat/1/letter.txt")
    ]

    assert [response.status for response in responses] == [404, 404]
    assert all(b"private" not in response.read() for response in responses)


@pytest.fixture
def course_file(topology, transactional_db, settings):
    """A private course file stored where the topology's nginx and workers look."""
    settings.MEDIA_ROOT = topology.media_root
    return FileFactory()


def bearer(user) -> dict[str, str]:
    return {"Authorization": f"Bearer {AccessToken.for_user(user)}"}


def test_stranger_is_refused_a_private_course_file_through_nginx(topology, course_file):
    stranger = StudentFactory()

    response = fetch(f"{topology.base_url}{course_file.file.url}", **bearer(stranger))

    assert response.status == 403
    assert b"notes" not in response.read()


def test_enrolled_student_gets_a_private_course_file_from_nginx(topology, course_file):
    student = EnrollmentFactory(course=course_file.course).student

    response = fetch(f"{topology.base_url}{course_file.file.url}", **bearer(student))

    assert response.status == 200
    assert response.read() == b"notes"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "X-Accel-Redirect" not in response.headers
    [served] = topology.nginx_lines(uri=course_file.file.url)
    assert served["upstream"] != ""  # the app checked, nginx sent the bytes
    [checked] = topology.app_lines(path=course_file.file.url)
    assert checked["status"] == 200


def test_body_over_the_upload_limit_is_refused_by_nginx(topology):
    too_big = b"x" * (21 * 2**20 + 1)

    response = fetch(
        f"{topology.base_url}/api/token/",
        too_big,
        **{"Content-Type": "application/octet-stream"},
    )

    assert response.status == 413
    assert b"nginx" in response.read()  # refused before reaching a worker


def test_browser_logs_in_through_nginx(topology, transactional_db, new_page):
    """Host (with its port) reaches the app, so the CSRF origin check passes."""
    student = StudentFactory()
    page = new_page()

    page.goto(f"{topology.base_url}/accounts/login/")
    page.fill("input[name=username]", student.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{topology.base_url}/")

    cookies = {cookie["name"]: cookie for cookie in page.context.cookies()}
    assert cookies["sessionid"]["secure"] is True
    assert cookies["sessionid"]["httpOnly"] is True
    [logged_in] = topology.app_lines(path="/", user_id=student.pk)
    assert logged_in["status"] == 200


def test_chat_message_sent_through_one_worker_reaches_a_client_of_the_other(
    topology, transactional_db
):
    course = CourseFactory()
    student = EnrollmentFactory(course=course).student
    path = f"/ws/chat/room/{course.pk}/"

    with (
        open_chat(topology, course, course.owner) as reader,
        open_chat(topology, course, student) as sender,
    ):
        sender.send(json.dumps({"message": "through nginx"}))
        ack = next_of_kind(sender, "ack")
        received = next_of_kind(reader, "chat_message")

    assert (received["id"], received["message"], received["user_id"]) == (
        ack["id"],
        "through nginx",
        student.pk,
    )
    handshakes = [
        line
        for line in topology.nginx_lines(2, status=101)
        if line["uri"].startswith(path)
    ]
    assert len(handshakes) == 2
    assert len({line["upstream"] for line in handshakes}) == 2  # worker A and B
    connects = topology.app_lines(2, event="websocket.connect", path=path)
    assert sorted(line["user_id"] for line in connects) == sorted(
        [course.owner.pk, student.pk]
    )
    assert len({line["pid"] for line in connects}) == 2


def test_stranger_cannot_open_the_course_chat_through_nginx(topology, transactional_db):
    course = CourseFactory()
    stranger = StudentFactory()

    with pytest.raises(InvalidStatus) as refused:
        open_chat(topology, course, stranger)

    assert refused.value.response.status_code == 403
    assert topology.app_lines(0, event="websocket.connect", user_id=stranger.pk) == []


def test_a_socket_offering_compression_is_served_uncompressed(
    topology, transactional_db
):
    """As browsers do, the client offers permessage-deflate; production
    refuses it (bench/README.md: it doubles an idle socket's memory)."""
    course = CourseFactory()

    with open_chat(topology, course, course.owner) as socket:
        offered = socket.request.headers["Sec-WebSocket-Extensions"]
        accepted = socket.response.headers.get("Sec-WebSocket-Extensions")
        welcome = json.loads(socket.recv(timeout=10))

    assert offered.startswith("permessage-deflate")
    assert accepted is None
    assert "type" in welcome  # the socket works uncompressed
