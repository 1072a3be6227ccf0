"""The embedded default (SQLite, live events in the one process, local-memory
cache) really serves pages and chat."""

import json
import urllib.request

from websockets.sync.client import connect

from educa.learning.management.commands.seed_demo import DEMO_PASSWORD
from tests.servers import django_env, manage, uvicorn_server


def test_embedded_default_serves_catalog_and_login(tmp_path):
    data_dir = tmp_path / "fresh"  # does not exist yet, as in a fresh clone
    env = django_env(
        DATA_DIR=str(data_dir), DATABASE_URL="", REDIS_URL="", DEBUG="true"
    )
    manage("migrate", "--no-input", "-v", "0", env=env)
    manage("seed_demo", "--if-empty", env=env)

    with uvicorn_server(env) as base_url:
        catalog = urllib.request.urlopen(f"{base_url}/", timeout=10)
        login = urllib.request.urlopen(f"{base_url}/accounts/login/", timeout=10)
        catalog_html = catalog.read().decode()
        searched = urllib.request.urlopen(f"{base_url}/?q=Python+ada", timeout=10)
        searched_html = searched.read().decode()
        api_search = json.load(
            urllib.request.urlopen(
                f"{base_url}/api/courses/?search=lovelace", timeout=10
            )
        )
        by_module = urllib.request.urlopen(f"{base_url}/?q=kinematics", timeout=10)
        by_module_html = by_module.read().decode()
        graphql_search = graphql(
            base_url, '{ courses(search: "turing") { totalCount results { title } } }'
        )
        heard = chat_between_demo_people(base_url)

    assert catalog.status == 200
    assert login.status == 200
    assert "Django from Zero" in catalog_html
    assert "Number Theory Notes" not in catalog_html  # ada's draft
    # Search falls back to icontains on SQLite: every word, any field.
    assert "1 result for “Python ada”" in searched_html
    assert "Python for Beginners" in searched_html
    assert sorted(c["title"] for c in api_search["results"]) == [
        "Linear Algebra Essentials",
        "Music Theory 101",
        "Python for Beginners",
    ]
    assert "1 result for “kinematics”" in by_module_html  # a module title
    assert "Classical Mechanics" in by_module_html
    found = graphql_search["courses"]
    assert found["totalCount"] == 2  # the instructor's name, through GraphQL
    assert sorted(c["title"] for c in found["results"]) == [
        "Classical Mechanics",
        "Django from Zero",
    ]
    assert (data_dir / "educa.sqlite3").exists()
    assert heard["message"] == "hello from the embedded default"


def graphql(base_url: str, query: str) -> dict:
    request = urllib.request.Request(
        f"{base_url}/graphql/",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    answer = json.load(urllib.request.urlopen(request, timeout=10))
    assert "errors" not in answer, answer
    return answer["data"]


def demo_token(base_url: str, username: str) -> str:
    request = urllib.request.Request(
        f"{base_url}/api/token/",
        data=json.dumps({"username": username, "password": DEMO_PASSWORD}).encode(),
        headers={"Content-Type": "application/json"},
    )
    return json.load(urllib.request.urlopen(request, timeout=10))["access"]


def chat_between_demo_people(base_url: str) -> dict:
    """A demo student says something in their course's room from one socket
    (a phone); their other socket (a laptop) hears it."""
    student = demo_token(base_url, "grace")
    request = urllib.request.Request(
        f"{base_url}/api/me/courses/", headers={"Authorization": f"Bearer {student}"}
    )
    course = json.load(urllib.request.urlopen(request, timeout=10))["results"][0]
    room = base_url.replace("http://", "ws://") + f"/ws/chat/room/{course['id']}/"
    with (
        connect(f"{room}?token={student}", origin=base_url) as listener,
        connect(f"{room}?token={student}", origin=base_url) as speaker,
    ):
        speaker.send(json.dumps({"message": "hello from the embedded default"}))
        while (frame := json.loads(listener.recv(timeout=10)))["type"] != (
            "chat_message"
        ):
            pass
    return frame
