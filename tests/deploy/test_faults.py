"""Outages on the real topology: the test's own Redis and PostgreSQL go away
while nginx and the workers keep running, then come back; nothing restarts.
"""

import json
import os
import re
import socket
import time
import urllib.error
import urllib.request

import pytest
import redis
from django.conf import settings
from django.db import connection
from playwright.sync_api import expect

from tests.deploy.topology import (
    close_code,
    dedicated_postgres,
    dedicated_redis,
    next_of_kind,
    open_chat,
    prod_local,
    stop_topology,
)
from tests.factories import PASSWORD, CourseFactory, EnrollmentFactory
from tests.servers import database_url, django_env, free_port, uvicorn_server


def fetch(url: str, data: dict | None = None):
    request = urllib.request.Request(
        url,
        data=json.dumps(data).encode() if data is not None else None,
        headers={"Content-Type": "application/json"},
    )
    try:
        return urllib.request.urlopen(request, timeout=20)
    except urllib.error.HTTPError as error:
        return error


def wait_for_status(url: str, status: int, timeout: float = 20):
    deadline = time.monotonic() + timeout
    while True:
        response = fetch(url)
        if response.status == status or time.monotonic() > deadline:
            return response
        time.sleep(0.3)


def worker_pids(topology, workers: int = 2) -> set[int]:
    """The process ids that served requests, once `workers` of them have."""
    deadline = time.monotonic() + 5
    while True:
        pids = {line["pid"] for line in topology.app_lines(event="http.request")}
        if len(pids) >= workers or time.monotonic() > deadline:
            return pids
        time.sleep(0.1)


@pytest.fixture
def test_database_env():
    return django_env(
        DATABASE_URL=database_url(connection.settings_dict),
        SECRET_KEY=settings.SECRET_KEY,
        MEDIA_ROOT="",
        STATIC_ROOT="",
    )


def sign_in(page, base_url: str, user) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base_url}/")


def test_redis_outage_costs_cache_and_sockets_not_the_site_and_heals(
    transactional_db, tmp_path, test_database_env, new_page
):
    course = CourseFactory(title="Survives Redis")
    student = EnrollmentFactory(course=course).student
    login = {"username": student.username, "password": PASSWORD}
    env = {**test_database_env, "WS_HEARTBEAT_SECONDS": "1"}

    with (
        dedicated_redis() as server,
        prod_local({**env, "REDIS_URL": server.url}, tmp_path) as site,
    ):
        page = new_page()
        sign_in(page, site.base_url, student)
        page.goto(f"{site.base_url}/chat/room/{course.pk}/")
        status = page.locator("#chat-status")
        expect(status).to_have_text("Connected")
        for _ in range(2):  # one request per worker
            assert fetch(f"{site.base_url}/api/token/", login).status == 200
        pids = worker_pids(site)

        with open_chat(site, course, course.owner) as socket:
            server.stop()
            code = close_code(socket)
        expect(status).to_have_text("Reconnecting…")
        down_ready = fetch(f"{site.base_url}/readyz")
        down_page = fetch(f"{site.base_url}/")
        down_token = fetch(f"{site.base_url}/api/token/", login)

        assert code == 4500  # documented: the layer is down, reconnect
        assert down_ready.status == 503
        assert json.loads(down_ready.read())["failed"] == ["redis"]
        assert down_page.status == 200
        assert "Survives Redis" in down_page.read().decode()
        assert down_token.status == 200
        assert set(json.loads(down_token.read())) == {"access", "refresh"}
        # django-redis's lines (cache reads and writes) name no operation.
        failed_operations = {
            line.get("operation") for line in site.app_lines(event="cache.error")
        }
        assert "increment_counter" in failed_operations  # the login throttle's

        server.start()
        expect(status).to_have_text("Connected", timeout=45_000)
        with open_chat(site, course, course.owner) as socket:
            socket.send(json.dumps({"message": "back after the outage"}))
            next_of_kind(socket, "ack")
        healed = wait_for_status(f"{site.base_url}/readyz", 200)
        for _ in range(2):  # both workers
            assert fetch(f"{site.base_url}/api/token/", login).status == 200

        expect(page.locator("#chat")).to_contain_text("back after the outage")
        assert healed.status == 200
        # Throttle counters are back in Redis: the cache works again.
        assert [
            key.rsplit(b":", 1)[0]
            for key in redis.Redis.from_url(server.url).keys("educa:*throttle*")
        ] == [b"educa:1:throttle_auth_127.0.0.1"]
        assert worker_pids(site) == pids


def test_postgres_outage_answers_503_and_heals_without_restart(tmp_path):
    with dedicated_postgres() as cluster:
        env = django_env(
            DATABASE_URL=cluster.url, REDIS_URL=settings.REDIS_URL, MEDIA_ROOT=""
        )
        with prod_local(env, tmp_path) as site:
            wrong_login = {"username": "nobody", "password": "wrong"}
            assert fetch(f"{site.base_url}/readyz").status == 200
            for _ in range(2):  # one request per worker
                assert fetch(f"{site.base_url}/api/token/", wrong_login).status == 401
            pids = worker_pids(site)

            cluster.stop()
            ready = fetch(f"{site.base_url}/readyz")
            api = fetch(f"{site.base_url}/api/token/", wrong_login)
            page = fetch(f"{site.base_url}/")
            alive = fetch(f"{site.base_url}/healthz")

            assert ready.status == 503
            assert json.loads(ready.read()) == {
                "status": "unavailable",
                "checks": {
                    "database": "unreachable",
                    "migrations": "unknown",
                    "redis": "ok",
                    "workers": "unknown",
                },
                "failed": ["database"],
            }
            assert api.status == 503
            assert api.headers["Content-Type"] == "application/json"
            assert json.loads(api.read())["code"] == "database_unavailable"
            assert page.status == 503
            assert "Educa is briefly unavailable" in page.read().decode()
            assert alive.status == 200

            cluster.start()
            healed = wait_for_status(f"{site.base_url}/readyz", 200)
            # The first 200 came from one worker; the other may still answer
            # one 503 while its pool replaces a connection the outage broke.
            # Then both answer as before, without a restart.
            answers: list[int] = []
            deadline = time.monotonic() + 20
            while answers[-4:] != [401, 200, 401, 200] and time.monotonic() < deadline:
                answers.append(fetch(f"{site.base_url}/api/token/", wrong_login).status)
                answers.append(fetch(f"{site.base_url}/").status)

            assert healed.status == 200
            assert answers[-4:] == [401, 200, 401, 200], answers
            assert answers.count(503) <= 2, answers
            assert worker_pids(site) == pids


def test_worker_starts_while_postgres_is_unreachable_and_says_why(tmp_path):
    env = django_env(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{free_port()}/educa",
        REDIS_URL=settings.REDIS_URL,
        DATA_DIR=str(tmp_path),
        DEBUG="true",
    )

    with uvicorn_server(env) as base_url:
        alive = fetch(f"{base_url}/healthz")
        ready = fetch(f"{base_url}/readyz")
        api = fetch(f"{base_url}/api/token/", {"username": "a", "password": "b"})

    assert alive.status == 200
    assert ready.status == 503
    assert json.loads(ready.read())["failed"] == ["database"]
    assert api.status == 503
    assert json.loads(api.read())["code"] == "database_unavailable"


def test_ctrl_c_stops_nginx_and_every_worker(
    transactional_db, tmp_path, test_database_env
):
    env = {**test_database_env, "REDIS_URL": settings.REDIS_URL}
    with prod_local(env, tmp_path) as site:
        fetch(f"{site.base_url}/")
        started = next(line for line in site.output if "Educa is at" in line)
        ports = [int(p) for p in re.search(r"ports ([\d, ]+);", started)[1].split(", ")]
        nginx_port = int(site.base_url.rsplit(":", 1)[1])
        pids = worker_pids(site)
        nginx_pid = int((site.run_dir / "nginx.pid").read_text())

        stop_topology(site.process)

        assert "prod-local: stopped." in site.output
        assert not (site.run_dir / "nginx.pid").exists()
        for port in [nginx_port, *ports]:
            with pytest.raises(ConnectionRefusedError):
                socket.create_connection(("127.0.0.1", port), timeout=2)
        for pid in [*pids, nginx_pid]:
            with pytest.raises(ProcessLookupError):
                os.kill(pid, 0)
