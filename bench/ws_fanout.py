"""Course-chat fan-out benchmark (not a test). See bench/README.md.

One uvicorn worker serving Educa on the Redis channel layer; one course room
with R members connected; S of them send M messages each, keeping at most
WINDOW of their own messages in flight (the next one goes when one of theirs
comes back). Reports delivered messages/s, p50/p99 send-to-receive latency
and lost messages; then the same clients against bench/ws_ceiling.py (a
minimal broadcast server on the `websockets` library) for the ratio, in
ROUNDS alternating pairs (median ratio reported). Then the resident memory
per idle connection with IDLE idle sockets, for both.

Clients offer no compression unless --deflate, which makes them offer
permessage-deflate as every browser does; --compare-deflate runs Educa both
ways in every round, next to each other. The output says what was offered
and what each server accepted, with the bytes received per delivery and the
server's CPU time per delivery, the two sides of that trade.

    .venv/bin/python bench/ws_fanout.py                   # R = 100 and 500
    .venv/bin/python bench/ws_fanout.py --receivers 100 --messages 300 --rounds 5
    .venv/bin/python bench/ws_fanout.py --deflate --rounds 0   # idle memory only
    .venv/bin/python bench/ws_fanout.py --receivers 100 --compare-deflate

It uses its own database (BENCH_DATABASE_URL, default educa_bench_ws, created
and migrated if missing) and Redis database (BENCH_REDIS_URL, default /7).
"""

import argparse
import asyncio
import contextlib
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/educa_bench_ws"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")
SERVER_ENV = {
    "DATABASE_URL": DATABASE_URL,
    "REDIS_URL": REDIS_URL,
    "DEBUG": "false",
    "SECRET_KEY": "bench-" + "x" * 50,
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "false",
    "LOG_LEVEL": "WARNING",
    "DATABASE_POOL_SIZE": "8",  # as prod-local and compose run it
    # The senders are the bench, not abusers: lift the per-user limits.
    "CHAT_MESSAGES_PER_SECOND": "1000000",
    "WS_MAX_FRAMES_PER_SECOND": "1000000",
}
# Same settings as the server, so the tokens made here are signed alike.
os.environ.update(SERVER_ENV)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "educa.settings")
# The repository, not this script's folder, first: bench/graphql.py would
# shadow the graphql library Educa imports.
sys.path[0] = str(REPO)

from websockets.asyncio.client import ClientConnection, connect  # noqa: E402


class CountingConnection(ClientConnection):
    """Counts the bytes that arrive from the server, as they are on the wire."""

    received_bytes = 0

    def data_received(self, data: bytes) -> None:
        self.received_bytes += len(data)
        super().data_received(data)


def extensions(socket: ClientConnection) -> str:
    """The extensions the server accepted in its handshake response."""
    return socket.response.headers.get("Sec-WebSocket-Extensions") or "none"


def prepare_database(members: int) -> tuple[int, list[str]]:
    """Migrate, then a course with `members` enrolled students; their tokens."""
    import psycopg

    name = DATABASE_URL.rsplit("/", 1)[1]
    admin_url = DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"')
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=REPO,
        env={**os.environ, **SERVER_ENV},
        check=True,
    )
    import django

    django.setup()
    from rest_framework_simplejwt.tokens import AccessToken

    from educa.accounts.models import User
    from educa.accounts.services import make_instructor
    from educa.chat.models import Message
    from educa.courses.models import Course, Subject
    from educa.courses.services import (
        add_content,
        add_module,
        create_course,
        enroll,
        publish_course,
    )

    owner, _ = User.objects.get_or_create(
        username="bench-owner", defaults={"email": "bench-owner@example.com"}
    )
    make_instructor(user=owner)
    owner = User.objects.get(pk=owner.pk)  # drop the cached permissions
    course = Course.objects.filter(slug="bench-room").first()
    if course is None:
        subject, _ = Subject.objects.get_or_create(slug="bench", title="Bench")
        course = create_course(
            owner=owner, subject=subject, title="Bench", slug="bench-room", overview="-"
        )
    if not course.is_published:
        # New courses are drafts, closed to enrolling until published.
        module = course.modules.first() or add_module(
            course=course, by=owner, title="Bench"
        )
        if not module.contents.exists():
            add_content(module=module, by=owner, kind="text", title="-", content="-")
        publish_course(course=course, by=owner)
    existing = set(
        User.objects.filter(username__startswith="bench-s").values_list(
            "username", flat=True
        )
    )
    User.objects.bulk_create(
        [
            User(username=f"bench-s{n}", email=f"bench-s{n}@example.com")
            for n in range(members)
            if f"bench-s{n}" not in existing
        ]
    )
    students = list(
        User.objects.filter(username__in=[f"bench-s{n}" for n in range(members)])
    )
    for student in students:
        enroll(student=student, course=course)
    Message.objects.filter(room__course=course).delete()
    return course.pk, [str(AccessToken.for_user(s)) for s in students]


@contextlib.contextmanager
def server(kind: str, port: int):
    if kind == "educa":
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            "educa.asgi:application",
            "--port",
            str(port),
            "--lifespan",
            "off",
            "--log-level",
            "warning",
            "--no-access-log",
            *os.environ.get("BENCH_UVICORN_ARGS", "").split(),
        ]
    else:
        command = [sys.executable, "bench/ws_ceiling.py", str(port)]
    process = subprocess.Popen(command, cwd=REPO, env={**os.environ, **SERVER_ENV})
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=20)


async def wait_for_port(port: int) -> None:
    for _ in range(300):
        with contextlib.suppress(OSError):
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        await asyncio.sleep(0.1)
    raise TimeoutError(f"nothing listens on {port}")


def urls(kind: str, port: int, course_id: int, tokens: list[str]) -> list[str]:
    if kind == "educa":
        path = f"ws://127.0.0.1:{port}/ws/chat/room/{course_id}/?token="
        return [path + token for token in tokens]
    return [f"ws://127.0.0.1:{port}/" for _ in tokens]


async def open_all(addresses: list[str], compression: str | None) -> list:
    sockets = []
    for start in range(0, len(addresses), 50):  # do not stampede the accept queue
        sockets += await asyncio.gather(
            *(
                connect(
                    url,
                    origin="http://127.0.0.1",
                    max_queue=None,
                    open_timeout=60,
                    compression=compression,
                    create_connection=CountingConnection,
                    # Only the server's keepalive: a busy client must not
                    # drop its own sockets.
                    ping_interval=None,
                )
                for url in addresses[start : start + 50]
            )
        )
    return sockets


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def count_deliveries(
    readers: list,
    senders: list,
    messages: int,
    window: int,
    message_of: Callable[[dict], str | None],
    *,
    pid: int,
) -> dict:
    """Each of `senders` posts `messages` chat messages ("sender:seq:sent"),
    at most `window` of its own unseen by its own reader at a time; count what
    each of `readers` receives (`message_of` finds the text in a frame, None
    for other frames) until everyone has everything or 60 s pass without.
    Sender `i` reads along as reader `i`. Delivered, lost, per second (first
    send to last delivery), latency and the server's CPU per delivery."""
    cpu_before = cpu_seconds(pid)
    expected = len(senders) * messages
    received = [set() for _ in readers]
    latencies: list[float] = []
    slots = [asyncio.Semaphore(window) for _ in senders]
    last_delivery = time.perf_counter()
    everything = asyncio.Event()
    complete = 0

    async def read(index: int, socket) -> None:
        nonlocal last_delivery, complete
        async for raw in socket:
            text = message_of(json.loads(raw))
            if text is None:
                continue
            sender, seq, sent = text.split(":")
            now = time.perf_counter()
            latencies.append(now - float(sent))
            last_delivery = now
            received[index].add((int(sender), int(seq)))
            if index == int(sender):
                slots[index].release()
            if len(received[index]) == expected:
                complete += 1
                if complete == len(readers):
                    everything.set()

    async def send(index: int) -> None:
        for seq in range(messages):
            try:
                # A sender whose socket died stops; its messages count lost.
                await asyncio.wait_for(slots[index].acquire(), timeout=60)
            except TimeoutError:
                return
            body = f"{index}:{seq}:{time.perf_counter()}"
            await senders[index].send(json.dumps({"message": body}))

    tasks = [asyncio.create_task(read(i, s)) for i, s in enumerate(readers)]
    started = time.perf_counter()
    await asyncio.gather(*(send(i) for i in range(len(senders))))
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(everything.wait(), timeout=60)
    elapsed = last_delivery - started
    cpu = cpu_seconds(pid) - cpu_before
    for task in tasks:
        task.cancel()
    delivered = sum(len(r) for r in received)
    latencies.sort()
    return {
        "delivered": delivered,
        "lost": expected * len(readers) - delivered,
        "per_second": delivered / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "cpu_us_per_delivery": cpu / max(delivered, 1) * 1e6,
    }


async def fanout(
    addresses: list[str],
    senders: int,
    messages: int,
    window: int,
    *,
    compression: str | None,
    pid: int,
):
    sockets = await open_all(addresses, compression)
    await asyncio.sleep(1)
    bytes_before = sum(socket.received_bytes for socket in sockets)
    result = await count_deliveries(
        sockets,
        sockets[:senders],
        messages,
        window,
        lambda frame: frame["message"] if frame.get("type") == "chat_message" else None,
        pid=pid,
    )
    received_bytes = sum(socket.received_bytes for socket in sockets) - bytes_before
    for socket in sockets:
        await socket.close()
    return {
        **result,
        "extensions": extensions(sockets[0]),
        "bytes_per_delivery": received_bytes / max(result["delivered"], 1),
    }


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


async def idle_memory(
    kind: str, port: int, addresses: list[str], compression: str | None
) -> tuple[float, str]:
    """KB of resident memory per idle connection (10 warm-up sockets first),
    and the extensions the server accepted."""
    with server(kind, port) as process:
        await wait_for_port(port)
        warm = await open_all(addresses[:10], compression)
        await asyncio.sleep(2)
        before = rss_kb(process.pid)
        idle = await open_all(addresses[10:], compression)
        await asyncio.sleep(3)
        after = rss_kb(process.pid)
        accepted = extensions(idle[0])
        for socket in warm + idle:
            await socket.close()
    return (after - before) / len(idle), accepted


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--receivers", type=int, nargs="+", default=[100, 500])
    parser.add_argument("--senders", type=int, default=5)
    parser.add_argument("--messages", type=int, default=100)
    parser.add_argument("--window", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3, help="0: no fan-out")
    parser.add_argument("--idle", type=int, default=1000, help="0: no idle phase")
    offer = parser.add_mutually_exclusive_group()
    offer.add_argument(
        "--deflate",
        action="store_true",
        help="clients offer permessage-deflate, as browsers do (default: they do not)",
    )
    offer.add_argument(
        "--compare-deflate",
        action="store_true",
        help="each round (and the idle phase) also runs Educa with clients "
        "offering permessage-deflate, between the plain Educa and the ceiling",
    )
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    compression = "deflate" if args.deflate else None
    # (label, server, what the clients offer), in the order each round runs them.
    variants = [("educa", "educa", compression), ("ceiling", "ceiling", compression)]
    if args.compare_deflate:
        variants.insert(1, ("educa+deflate", "educa", "deflate"))
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 65536), hard))

    members = max([*args.receivers, args.idle + 10])
    course_id, tokens = await asyncio.to_thread(prepare_database, members)
    print(
        f"S={args.senders} senders x M={args.messages} messages, "
        f"window {args.window}, one server process each"
    )
    offered = {
        label: "permessage-deflate" if offers else "no compression"
        for label, _, offers in variants
    }
    print(
        "clients offer "
        + ", ".join(f"{offers} ({label})" for label, offers in offered.items())
        + f"; BENCH_UVICORN_ARGS={os.environ.get('BENCH_UVICORN_ARGS', '')!r}"
    )
    for receivers in args.receivers if args.rounds else ():  # --rounds 0: skip
        ratios, deflate_ratios, deflate_cpu = [], [], []
        # Rounds alternate the two servers: the machine's speed drifts by
        # tens of percent between runs, and each ratio compares neighbours.
        for round_number in range(1, args.rounds + 1):
            results = {}
            for label, kind, offers in variants:
                with server(kind, args.port) as process:
                    await wait_for_port(args.port)
                    addresses = urls(kind, args.port, course_id, tokens[:receivers])
                    results[label] = await fanout(
                        addresses,
                        args.senders,
                        args.messages,
                        args.window,
                        compression=offers,
                        pid=process.pid,
                    )
                result = results[label]
                print(
                    f"R={receivers:4} round {round_number} {label:8} "
                    f"delivered/s={result['per_second']:9.0f} "
                    f"p50={result['p50_ms']:7.1f} ms p99={result['p99_ms']:7.1f} ms "
                    f"lost={result['lost']}"
                )
                print(
                    f"R={receivers:4} round {round_number} {label:8} "
                    f"wire={result['bytes_per_delivery']:6.1f} B/delivery "
                    f"server cpu={result['cpu_us_per_delivery']:6.1f} us/delivery "
                    f"extensions: {result['extensions']}"
                )
            ratios.append(
                results["educa"]["per_second"] / results["ceiling"]["per_second"]
            )
            print(f"R={receivers:4} round {round_number} ratio = {ratios[-1]:.2f}")
            if args.compare_deflate:
                plain, deflated = results["educa"], results["educa+deflate"]
                deflate_ratios.append(deflated["per_second"] / plain["per_second"])
                deflate_cpu.append(
                    deflated["cpu_us_per_delivery"] / plain["cpu_us_per_delivery"]
                )
                print(
                    f"R={receivers:4} round {round_number} educa+deflate/educa: "
                    f"delivered/s {deflate_ratios[-1]:.2f}, "
                    f"server cpu per delivery {deflate_cpu[-1]:.2f}"
                )
        each = ", ".join(f"{ratio:.2f}" for ratio in ratios)
        print(
            f"R={receivers:4} educa/ceiling delivered/s ratio: "
            f"median {statistics.median(ratios):.2f} of {each}"
        )
        if args.compare_deflate:
            for name, values in (
                ("delivered/s", deflate_ratios),
                ("server cpu per delivery", deflate_cpu),
            ):
                each = ", ".join(f"{value:.2f}" for value in values)
                print(
                    f"R={receivers:4} educa+deflate/educa {name} ratio: "
                    f"median {statistics.median(values):.2f} of {each}"
                )
    for label, kind, offers in variants if args.idle else ():  # --idle 0: skip it
        addresses = urls(kind, args.port, course_id, tokens[: args.idle + 10])
        per_connection, accepted = await idle_memory(kind, args.port, addresses, offers)
        print(
            f"idle {label:8} {per_connection:6.1f} KB per connection ({args.idle} idle)"
        )
        print(f"idle {label:8} extensions: {accepted}")


if __name__ == "__main__":
    asyncio.run(main())
