"""GraphQL against REST and the chat socket, same worker, same run (not a test).

    flock /tmp/educa-bench.lock .venv/bin/python bench/graphql.py [--rounds 2]

HTTP (http_api.py's data set and wrk, one uvicorn worker, production
settings): `courses(limit: 20)` asking the fields `GET /api/courses/`
returns, against that endpoint; `courseContents` against
`GET /api/courses/{id}/contents/`, both as an enrolled student with a Bearer
token. Each GraphQL run sits between two REST runs and is compared with
their mean.

Fan-out (ws_fanout.py's room and clients): R clients subscribed to the
room's `chatMessages` over graphql-transport-ws while S senders post M
messages each through the chat socket (at most WINDOW in flight each),
against ws_fanout.py's own chat-socket fan-out with the same R, S, M and
WINDOW, alternately, on a fresh worker each.

Its own database (educa_bench_gql) and Redis database (5).
"""

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATABASE = "educa_bench_gql"
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
REDIS_URL = "redis://127.0.0.1:6379/5"
os.environ["BENCH_DATABASE_URL"] = DATABASE_URL
os.environ["BENCH_REDIS_URL"] = REDIS_URL
# In place of this script's folder, where this file would shadow the
# graphql library for whatever imports it in this process.
sys.path[0] = str(REPO)

from websockets.asyncio.client import connect  # noqa: E402

from bench import http_api, ws_fanout  # noqa: E402
from tests.servers import free_port, wait_for_http  # noqa: E402

# One database, Redis and signing key for both halves.
http_api.DATABASE = DATABASE
http_api.ENV.update(
    DATABASE_URL=DATABASE_URL,
    REDIS_URL=REDIS_URL,
    SECRET_KEY=ws_fanout.SERVER_ENV["SECRET_KEY"],
)

COURSES = """{ courses(limit: 20) { totalCount results {
  id subjectId title slug overview created owner { id } totalModules totalStudents
  modules { id order title description } } } }"""
CONTENTS = """query($id: ID!) { courseContents(courseId: $id) {
  id order title description
  contents { __typename id order title html
    ... on TextContent { text } ... on VideoContent { url embedUrl }
    ... on ImageContent { file } ... on FileContent { file } } } }"""
CHAT = """subscription($room: ID!) { chatMessages(roomId: $room) {
  id roomId message user name userId datetime clientId mentions } }"""


def lua_post(body: dict) -> str:
    """A wrk script POSTing `body` as JSON to /graphql/."""
    text = json.dumps(json.dumps(body))  # a Lua string literal
    with tempfile.NamedTemporaryFile(
        "w", suffix=".lua", delete=False, prefix="educa-gql-"
    ) as script:
        script.write(
            'wrk.method = "POST"\n'
            f"wrk.body = {text}\n"
            'wrk.headers["Content-Type"] = "application/json"\n'
        )
    return script.name


def http_rounds(duration: int, rounds: int) -> None:
    http_api.create_database()
    http_api.manage("migrate", "--no-input")
    http_api.manage("collectstatic", "--no-input", "--clear")
    os.environ.update(http_api.ENV)
    import django

    django.setup()
    http_api.seed()
    course_id, bearer, _ = http_api.credentials()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    # (path, Authorization header, wrk script): the catalog anonymous, as
    # http_api.py asks it; contents as an enrolled student with a Bearer token.
    targets = {
        "rest-courses": ("/api/courses/", None, None),
        "gql-courses": ("/graphql/", None, lua_post({"query": COURSES})),
        "rest-contents": (f"/api/courses/{course_id}/contents/", bearer, None),
        "gql-contents": (
            "/graphql/",
            bearer,
            lua_post({"query": CONTENTS, "variables": {"id": str(course_id)}}),
        ),
    }
    order = [
        *("rest-courses", "gql-courses", "rest-courses"),
        *("rest-contents", "gql-contents", "rest-contents"),
    ]
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "uvicorn", "educa.asgi:application"),
            *("--host", "127.0.0.1", "--port", str(port), "--workers", "1"),
            *("--lifespan", "off", "--no-access-log", "--log-level", "warning"),
        ],
        env=http_api.ENV,
        cwd=REPO,
    )
    try:
        wait_for_http(f"{base}/api/subjects/", server)
        for name, (path, header, script) in targets.items():
            result = http_api.wrk(base + path, 2, header, script=script)  # warm-up
            assert result["non2xx"] == 0, (name, result)
        print(
            f"uvicorn 1 worker, {http_api.CONNECTIONS} connections, {duration} s each"
        )
        print("| round | target | req/s | GraphQL / REST | p50 ms | p99 ms | non-2xx |")
        print("|---|---|---:|---:|---:|---:|---:|")
        for number in range(1, rounds + 1):
            measured = []
            for name in order:
                path, header, script = targets[name]
                measured.append(
                    (name, http_api.wrk(base + path, duration, header, script=script))
                )
                http_api.wait_until_idle(server.pid)
            for index, (name, result) in enumerate(measured):
                ratio = ""
                if name.startswith("gql-"):
                    around = (
                        measured[index - 1][1]["rps"] + measured[index + 1][1]["rps"]
                    ) / 2
                    ratio = f"{result['rps'] / around:.2f}"
                print(
                    f"| {number} | {name} | {result['rps']:.1f} | {ratio} | "
                    f"{result['p50']:.0f} | {result['p99']:.0f} | {result['non2xx']} |",
                    flush=True,
                )
    finally:
        server.kill()
        server.wait()
        for _, _, script in targets.values():
            if script:
                os.unlink(script)


async def graphql_fanout(
    port: int,
    room_id: int,
    course_id: int,
    tokens: list[str],
    receivers: int,
    senders: int,
    messages: int,
    window: int,
    pid: int,
) -> dict:
    """`receivers` subscriptions; senders post through the chat socket, each
    waiting for its own message to come back on the subscription of the same
    index before the next beyond WINDOW."""
    origin = "http://127.0.0.1"
    subscribers = []
    for start in range(0, receivers, 50):
        subscribers += await asyncio.gather(
            *(
                connect(
                    f"ws://127.0.0.1:{port}/ws/graphql/",
                    origin=origin,
                    subprotocols=["graphql-transport-ws"],
                    max_queue=None,
                    open_timeout=60,
                    compression=None,
                    ping_interval=None,
                )
                for _ in range(start, min(start + 50, receivers))
            )
        )
    for index, socket in enumerate(subscribers):
        await socket.send(
            json.dumps({"type": "connection_init", "payload": {"token": tokens[index]}})
        )
        assert json.loads(await socket.recv())["type"] == "connection_ack"
        await socket.send(
            json.dumps(
                {
                    "id": "1",
                    "type": "subscribe",
                    "payload": {"query": CHAT, "variables": {"room": str(room_id)}},
                }
            )
        )
    chat_urls = ws_fanout.urls("educa", port, course_id, tokens[:senders])
    chat = [
        await connect(url, origin=origin, compression=None, ping_interval=None)
        for url in chat_urls
    ]
    await asyncio.sleep(2)  # every subscription listens

    async def drain(socket) -> None:
        async for _ in socket:
            pass

    # The chat sockets post and hear their own room: read them too.
    draining = [asyncio.create_task(drain(socket)) for socket in chat]
    result = await ws_fanout.count_deliveries(
        subscribers,
        chat,
        messages,
        window,
        lambda frame: (
            frame["payload"]["data"]["chatMessages"]["message"]
            if frame.get("type") == "next"
            else None
        ),
        pid=pid,
    )
    for socket in [*subscribers, *chat]:
        await socket.close()
    for task in draining:
        task.cancel()
    return result


async def fanout_rounds(
    receivers: int, senders: int, messages: int, window: int, rounds: int
) -> None:
    course_id, tokens = await asyncio.to_thread(ws_fanout.prepare_database, receivers)
    from educa.chat.services import open_course_room
    from educa.courses.models import Course

    def room_of_course() -> int:
        return open_course_room(course=Course.objects.get(pk=course_id)).pk

    room_id = await asyncio.to_thread(room_of_course)
    port = free_port()
    print(
        f"\nfan-out: R={receivers} receivers, S={senders} senders x M={messages} "
        f"messages, window {window}, a fresh worker per run"
    )
    ratios = []
    for number in range(1, rounds + 1):
        results = {}
        for label in ("chat-socket", "graphql"):
            with ws_fanout.server("educa", port) as process:
                await ws_fanout.wait_for_port(port)
                if label == "chat-socket":
                    addresses = ws_fanout.urls(
                        "educa", port, course_id, tokens[:receivers]
                    )
                    results[label] = await ws_fanout.fanout(
                        addresses,
                        senders,
                        messages,
                        window,
                        compression=None,
                        pid=process.pid,
                    )
                else:
                    results[label] = await graphql_fanout(
                        port,
                        room_id,
                        course_id,
                        tokens,
                        receivers,
                        senders,
                        messages,
                        window,
                        process.pid,
                    )
            result = results[label]
            print(
                f"round {number} {label:11} delivered/s={result['per_second']:8.0f} "
                f"p50={result['p50_ms']:6.1f} ms p99={result['p99_ms']:7.1f} ms "
                f"cpu={result['cpu_us_per_delivery']:5.1f} us/delivery "
                f"lost={result['lost']}",
                flush=True,
            )
        ratios.append(
            results["graphql"]["per_second"] / results["chat-socket"]["per_second"]
        )
        print(f"round {number} graphql/chat-socket delivered/s = {ratios[-1]:.2f}")
    each = ", ".join(f"{ratio:.2f}" for ratio in ratios)
    median = statistics.median(ratios)
    print(f"graphql/chat-socket delivered/s: median {median:.2f} of {each}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--receivers", type=int, default=100)
    parser.add_argument("--senders", type=int, default=10)
    parser.add_argument("--messages", type=int, default=50)
    parser.add_argument("--window", type=int, default=2)
    parser.add_argument("--skip-http", action="store_true")
    options = parser.parse_args()
    if not options.skip_http:
        http_rounds(options.duration, options.rounds)
    asyncio.run(
        fanout_rounds(
            options.receivers,
            options.senders,
            options.messages,
            options.window,
            options.rounds,
        )
    )


if __name__ == "__main__":
    main()
