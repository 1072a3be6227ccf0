"""Benchmark the REST API under uvicorn against two references on the same worker.

    .venv/bin/python bench/http_api.py [--duration 20] [--rounds 2]

Creates (once) and seeds the `educa_bench` PostgreSQL database, uses Redis
database 6, starts one uvicorn worker with production settings (DEBUG off),
then drives each target with `wrk` (32 keep-alive connections) for each round,
plain Django before and after each endpoint (ROUND):

- `raw`: a bare ASGI app returning a fixed 1 KB JSON (the ceiling);
- `django`: a plain Django view returning the same JSON, no database (the floor
  cost of Django's request/response cycle);
- `courses`: `GET /api/courses/` page 1, anonymous;
- `contents-bearer` / `contents-basic`: `GET /api/courses/{id}/contents/` as an
  enrolled student with a JWT, and with HTTP Basic.

Prints one row per run, with requests/s as a fraction of the plain-Django
runs just before and after it. See bench/README.md.
"""

import argparse
import base64
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.servers import free_port, wait_for_http  # noqa: E402

DATABASE = "educa_bench"
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
REDIS_URL = "redis://127.0.0.1:6379/6"
PASSWORD = "bench-password-2026"
COURSES, MODULES, CONTENTS, STUDENTS, ENROLLMENTS = 200, 8, 6, 1000, 5
KINDS = ("text", "video", "image", "file", "text", "video")
CONNECTIONS = 32
# Each round, in order: plain Django runs on both sides of each endpoint whose
# ratio matters (see plain_django_around). Basic auth's ratio is only shown.
ROUND = (
    "raw",
    "django",
    "courses",
    "django",
    "contents-bearer",
    "django",
    "contents-basic",
)


def bench_env(database_url: str, redis_url: str) -> dict[str, str]:
    """The environment of a benchmark server: production settings on the
    given database and Redis (bench/search.py uses its own)."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "STATIC_ROOT": "/tmp/educa-bench-static",
        "JWT_ACCESS_MINUTES": "240",
        # One client IP sends thousands of requests a second: the throttles
        # still run (and cost what they cost), they just never refuse.
        "THROTTLE_ANON_RATE": "100000000/min",
        "THROTTLE_USER_RATE": "100000000/min",
        "THROTTLE_AUTH_RATE": "100000000/min",
        # As prod-local and compose run it: opening a connection per request
        # costs ~10 ms, and kept ones would be one per request thread.
        "DATABASE_POOL_SIZE": "8",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(REPO),
    }


ENV = bench_env(DATABASE_URL, REDIS_URL)


def create_database(name: str = DATABASE) -> None:
    import psycopg

    with psycopg.connect(
        "postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True
    ) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def manage(*args: str, env: dict[str, str] = ENV) -> None:
    subprocess.run(
        [sys.executable, "-m", "django", *args, "-v", "0"],
        env=env,
        cwd=REPO,
        check=True,
    )


def start_server(env: dict[str, str], port: int) -> subprocess.Popen:
    """One uvicorn worker serving bench/reference.py (Educa plus the two
    references) on 127.0.0.1:`port`."""
    return subprocess.Popen(
        [
            *(sys.executable, "-m", "uvicorn", "bench.reference:application"),
            *("--host", "127.0.0.1", "--port", str(port), "--workers", "1"),
            *("--lifespan", "off", "--no-access-log", "--log-level", "warning"),
        ],
        env=env,
        cwd=REPO,
    )


def seed() -> None:
    """200 courses of 8 modules of 6 contents (all kinds); 1,000 students in 5 each."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.contenttypes.models import ContentType

    from educa.accounts.models import User
    from educa.accounts.services import make_instructor
    from educa.courses.models import (
        Content,
        Course,
        Enrollment,
        File,
        Image,
        Module,
        Subject,
        Text,
        Video,
    )

    if Course.objects.count() >= COURSES:
        return
    print("Seeding the benchmark database…", flush=True)
    owner = make_instructor(
        user=User.objects.create(username="bench-instructor", email="i@bench.test")
    )
    subjects = Subject.objects.bulk_create(
        Subject(title=f"Subject {n}", slug=f"bench-subject-{n}") for n in range(10)
    )
    courses = Course.objects.bulk_create(
        Course(
            owner=owner,
            subject=subjects[n % len(subjects)],
            title=f"Bench course {n}",
            slug=f"bench-course-{n}",
            overview="A course of the benchmark data set. " * 8,
        )
        for n in range(COURSES)
    )
    modules = Module.objects.bulk_create(
        Module(
            course=course, title=f"Module {m}", description="Covers things.", order=m
        )
        for course in courses
        for m in range(MODULES)
    )
    makers = {
        "text": lambda c: Text(content="Some paragraph of course text. " * 20, **c),
        "video": lambda c: Video(
            url="https://www.youtube.com/watch?v=dQw4w9WgXcQ", **c
        ),
        "image": lambda c: Image(file=f"courses/{c['course'].pk}/bench.png", **c),
        "file": lambda c: File(file=f"courses/{c['course'].pk}/bench.pdf", **c),
    }
    slots = []
    items: dict[str, list] = {kind: [] for kind in makers}
    for module in modules:
        for order, kind in enumerate(KINDS):
            common = {
                "owner": owner,
                "course": module.course,
                "title": f"{kind} {order}",
            }
            item = makers[kind](common)
            items[kind].append(item)
            slots.append((module, order, kind, item))
    types = {}
    for kind, model in (
        ("text", Text),
        ("video", Video),
        ("image", Image),
        ("file", File),
    ):
        model.objects.bulk_create(items[kind])
        types[kind] = ContentType.objects.get_for_model(model)
    Content.objects.bulk_create(
        Content(module=module, order=order, content_type=types[kind], object_id=item.pk)
        for module, order, kind, item in slots
    )
    password = make_password(PASSWORD)
    students = User.objects.bulk_create(
        User(username=f"bench-student-{n}", email=f"s{n}@bench.test", password=password)
        for n in range(STUDENTS)
    )
    Enrollment.objects.bulk_create(
        Enrollment(student=student, course=courses[(n * ENROLLMENTS + k) % COURSES])
        for n, student in enumerate(students)
        for k in range(ENROLLMENTS)
    )


def credentials() -> tuple[int, str, str]:
    """A course of student 0, and that student's Bearer and Basic headers."""
    from django.core.cache import cache
    from rest_framework_simplejwt.tokens import AccessToken

    from educa.accounts.models import User

    cache.clear()  # Redis database 6 is the benchmark's own
    student = User.objects.get(username="bench-student-0")
    course_id = student.enrollments.order_by("course_id").first().course_id
    basic = base64.b64encode(f"{student.username}:{PASSWORD}".encode()).decode()
    return course_id, f"Bearer {AccessToken.for_user(student)}", f"Basic {basic}"


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * _UNITS[unit]


def wrk(
    url: str,
    seconds: int,
    header: str | None,
    connections: int = CONNECTIONS,
    script: str | None = None,
) -> dict:
    """One wrk run; `script` is a Lua file setting the request (e.g. a POST)."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency"]
    command += ["--timeout", "60s"]
    if header:
        command += ["-H", f"Authorization: {header}"]
    if script:
        command += ["-s", script]
    output = subprocess.run(
        [*command, url], capture_output=True, text=True, check=True
    ).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    timeouts = re.search(r"timeout (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": _ms(re.search(r"\s50%\s+(\S+)", output).group(1)),
        "p99": _ms(re.search(r"\s99%\s+(\S+)", output).group(1)),
        "non2xx": int(errors.group(1)) if errors else 0,
        "timeouts": int(timeouts.group(1)) if timeouts else 0,
    }


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_until_idle(pid: int) -> None:
    """Wait until the server has finished what wrk left in flight.

    Requests still running when wrk stops (above all Basic auth's password
    hashes, each in its own thread) would otherwise eat the next target's CPU.
    """
    while True:
        before = _cpu_seconds(pid)
        time.sleep(1)
        if _cpu_seconds(pid) - before < 0.05:
            return


def plain_django_around(measured: list[tuple[str, dict]], index: int) -> float:
    """The plain-Django req/s measured just before and just after target `index`
    (their mean), or at `index` itself for a plain-Django run.

    The machine's speed drifts by up to a third within minutes; a reference
    taken on both sides of each endpoint shares its drift.
    """
    if measured[index][0] == "django":
        return measured[index][1]["rps"]
    before = [r["rps"] for name, r in measured[:index] if name == "django"][-1:]
    after = [r["rps"] for name, r in measured[index + 1 :] if name == "django"][:1]
    return sum(before + after) / len(before + after)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=2)
    options = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install -y wrk")

    create_database()
    manage("migrate", "--no-input")
    manage("collectstatic", "--no-input", "--clear")
    os.environ.update(ENV)
    import django

    django.setup()
    seed()
    course_id, bearer, basic = credentials()

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    targets = {
        "raw": ("/bench/raw/", None),
        "django": ("/bench/django/", None),
        "courses": ("/api/courses/", None),
        "contents-bearer": (f"/api/courses/{course_id}/contents/", bearer),
        "contents-basic": (f"/api/courses/{course_id}/contents/", basic),
    }
    server = start_server(ENV, port)
    try:
        wait_for_http(f"{base}/bench/raw/", server)
        for name, (path, header) in targets.items():
            request = urllib.request.Request(base + path)
            if header:
                request.add_header("Authorization", header)
            with urllib.request.urlopen(request, timeout=30) as response:
                assert response.status == 200, (name, response.status)
            if name != "contents-basic":
                wrk(base + path, 2, header)  # warm-up, not recorded
        print(f"uvicorn 1 worker, {CONNECTIONS} connections, {options.duration} s each")
        print(
            "| round | target | req/s | of plain Django | p50 ms | p99 ms | non-2xx |"
        )
        print("|---|---|---:|---:|---:|---:|---:|")
        for round_number in range(1, options.rounds + 1):
            measured = []
            for name in ROUND:
                path, header = targets[name]
                measured.append((name, wrk(base + path, options.duration, header)))
                wait_until_idle(server.pid)
            for index, (name, result) in enumerate(measured):
                ratio = result["rps"] / plain_django_around(measured, index)
                print(
                    f"| {round_number} | {name} | {result['rps']:.1f} | "
                    f"{ratio:.2f} | {result['p50']:.0f} | "
                    f"{result['p99']:.0f} | {result['non2xx']}"
                    + (
                        f" (+{result['timeouts']} timeouts)"
                        if result["timeouts"]
                        else ""
                    )
                    + " |",
                    flush=True,
                )
    finally:
        server.kill()
        server.wait()


if __name__ == "__main__":
    main()
