"""Benchmark "the exam starts": 300 students start one quiz, then submit.

    flock /tmp/educa-bench.lock .venv/bin/python bench/exam.py [--rounds 3]
        [--submit-seconds 60] [--passing half|all|none]

Creates (once) and seeds its own PostgreSQL database `educa_bench_exam`: a
course of 8 modules of 6 contents and a quiz of 20 questions (8 single
choice, 4 multiple choice, 4 short text, 4 numeric; one attempt each, a
10-minute limit), 300 enrolled students with access tokens. It uses Redis
database 13 and starts one uvicorn worker with production settings, as
bench/http_api.py does (whose helpers it uses), serving bench/reference.py,
so the plain-Django reference (`/bench/django/`) runs on the same worker.

Each student holds its own keep-alive connection, opened before the clock
starts (and reopened, as browsers do, when the server closed it idle).
Each round measures two things, attempts deleted before each:

1. Capacity, in bursts: a burst writes one request on every connection at
   the same instant and waits for all the answers; its rate is requests ÷
   (first write → last answer). The steps

       django · contents · django · start · django · submit · django

   - `django`: GET /bench/django/ (plain Django, no database), the
     reference; each step is compared with the mean of the django bursts
     around it (the "fraction of plain Django");
   - `contents`: GET /api/courses/{id}/contents/ (the REST benchmark's
     endpoint), compared the same way;
   - `start`: POST /api/quizzes/{id}/attempts/, and a second one from every
     tenth student (a second tab): 330 requests;
   - `submit`: POST /api/attempts/{id}/submit/ with all 20 answers (half
     the students right, half wrong; `--passing all` or `none` makes every
     submission a pass or a fail, to measure each path alone), and its
     rate against `contents` in the same round.

2. The exam as issue 14 describes it: the 330 starts sent one by one at
   evenly spaced instants over one second (students in a random order),
   then the 300 submissions evenly over the next `--submit-seconds` (60).
   Latency (p50, p99, max) runs from each request's own send.

After each step that submits it counts from the database: submissions lost
(answered 200 but not stored as submitted), students with more attempts
than the one allowed, and 5xx answers. See bench/README.md.
"""

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# The repository instead of bench/, whose graphql.py would shadow the library
# once Django loads the URLs in this process.
sys.path[0] = str(REPO)

from bench import http_api  # noqa: E402
from tests.servers import free_port, wait_for_http  # noqa: E402

http_api.DATABASE = "educa_bench_exam"
http_api.ENV["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{http_api.DATABASE}"
http_api.ENV["REDIS_URL"] = "redis://127.0.0.1:6379/13"
http_api.ENV["STATIC_ROOT"] = "/tmp/educa-bench-exam-static"

STUDENTS = 300
SECOND_TABS = 10  # every tenth student starts again from a second tab
MODULES, CONTENTS = 8, 6
KINDS = ["single"] * 8 + ["multiple"] * 4 + ["short"] * 4 + ["numeric"] * 4


def _question(number: int, kind: str) -> dict:
    if kind == "single":
        return {
            "kind": kind,
            "text": f"Question {number}: which one?",
            "choices": [
                {"text": f"Choice {c}", "correct": c == number % 4} for c in range(4)
            ],
        }
    if kind == "multiple":
        return {
            "kind": kind,
            "text": f"Question {number}: which ones?",
            "points": 2,
            "partial_credit": number % 2 == 0,
            "choices": [{"text": f"Choice {c}", "correct": c < 2} for c in range(5)],
        }
    if kind == "short":
        return {
            "kind": kind,
            "text": f"Question {number}?",
            "answers": [f"word{number}"],
        }
    return {
        "kind": kind,
        "text": f"Question {number}: how much?",
        "answer": number * 1.5,
    }


def seed() -> tuple[int, int]:
    """The course and its quiz (created once, all or nothing)."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from educa.courses.models import Quiz

    quiz = Quiz.objects.filter(course__slug="bench-exam").first()
    if quiz is not None:
        return quiz.course_id, quiz.pk
    print("Seeding the benchmark database…", flush=True)
    with transaction.atomic():
        return _seed_course(make_password("bench-password-2026"))


def _seed_course(password: str) -> tuple[int, int]:
    from educa.accounts.models import User
    from educa.accounts.services import make_instructor
    from educa.courses.models import Enrollment, Subject
    from educa.courses.services import add_content, add_module, create_course

    owner = make_instructor(
        user=User.objects.create(username="exam-instructor", email="i@exam.test")
    )
    course = create_course(
        owner=owner,
        subject=Subject.objects.create(title="Exams", slug="exams"),
        title="Exam course",
        slug="bench-exam",
        overview="The course of the exam benchmark.",
    )
    for m in range(MODULES):
        module = add_module(course=course, by=owner, title=f"Module {m}")
        for c in range(CONTENTS):
            add_content(
                module=module,
                by=owner,
                kind="text",
                title=f"Text {c}",
                content="Some paragraph of course text. " * 20,
            )
    content = add_content(
        module=module,
        by=owner,
        kind="quiz",
        title="The exam",
        pass_percent=50,
        max_attempts=1,
        time_limit_seconds=600,
        questions=[_question(n, kind) for n, kind in enumerate(KINDS)],
    )
    students = User.objects.bulk_create(
        User(username=f"exam-student-{n}", email=f"s{n}@exam.test", password=password)
        for n in range(STUDENTS)
    )
    Enrollment.objects.bulk_create(
        Enrollment(student=student, course=course) for student in students
    )
    return course.pk, content.object_id


def tokens() -> list[str]:
    from rest_framework_simplejwt.tokens import AccessToken

    from educa.accounts.models import User

    students = User.objects.filter(username__startswith="exam-student-").order_by("pk")
    return [f"Bearer {AccessToken.for_user(student)}" for student in students]


def answer_key(quiz_id: int) -> dict[int, dict]:
    """Each question's right answer, read from the database (the API never
    says), and a wrong one: {question id: (right, wrong)}."""
    from educa.courses.models import Question

    key = {}
    for question in Question.objects.filter(quiz_id=quiz_id).prefetch_related(
        "choices"
    ):
        right = [c.pk for c in question.choices.all() if c.correct]
        wrong = [c.pk for c in question.choices.all() if not c.correct][:1]
        key[question.pk] = {
            "single": ({"choices": right}, {"choices": wrong}),
            "multiple": ({"choices": right}, {"choices": wrong}),
            "short": (
                {"text": (question.accepted_answers or [""])[0].upper()},
                {"text": "no idea"},
            ),
            "numeric": ({"number": question.answer}, {"number": -1}),
        }[question.kind]
    return key


def reset(quiz_id: int) -> None:
    from django.core.cache import cache

    from educa.learning.models import Certificate, ContentCompletion, QuizAttempt

    QuizAttempt.objects.filter(quiz_id=quiz_id).delete()
    ContentCompletion.objects.all().delete()
    Certificate.objects.all().delete()
    cache.clear()  # Redis database 13 is the benchmark's own


class Connection:
    """One keep-alive HTTP/1.1 connection: what a student's browser holds."""

    def __init__(self, port: int, token: str) -> None:
        self.port, self.token = port, token

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)

    def send(self, method: str, path: str, body: bytes = b"") -> None:
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Authorization: {self.token}\r\nAccept: application/json\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        self.writer.write(head.encode() + body)

    async def receive(self) -> tuple[int, bytes]:
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {
            name.strip().lower(): value.strip()
            for name, _, value in (line.partition(":") for line in lines[1:] if line)
        }
        if headers.get("transfer-encoding") == "chunked":
            body = b""
            while size := int((await self.reader.readline()).strip(), 16):
                body += await self.reader.readexactly(size)
                await self.reader.readline()
            await self.reader.readline()
            return status, body
        return status, await self.reader.readexactly(int(headers["content-length"]))

    async def keep_open(self) -> None:
        """Reconnect if the server closed the idle connection (uvicorn does
        after 5 s; nginx and browsers reconnect the same way)."""
        if self.reader.at_eof() or self.writer.is_closing():
            self.writer.close()
            await self.open()

    async def close(self) -> None:
        self.writer.close()
        await self.writer.wait_closed()


async def exchange(
    request: tuple[Connection, str, str, bytes], retried: list
) -> tuple[int, bytes, float]:
    """Read the answer to `request`, already written: (status, body, end)."""
    connection = request[0]
    try:
        status, body = await connection.receive()
    except (asyncio.IncompleteReadError, ConnectionResetError) as closed:
        if getattr(closed, "partial", b""):
            raise
        # The server closed the idle connection as the request left: it
        # never read it. Send it again, as HTTP clients do.
        retried.append(request)
        await connection.open()
        connection.send(*request[1:])
        status, body = await connection.receive()
    return status, body, time.perf_counter()


def percentiles(latencies: list[float]) -> dict[str, float]:
    latencies = sorted(latencies)
    return {
        "p50": statistics.median(latencies),
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
        "max": latencies[-1],
    }


async def burst(
    requests: list[tuple[Connection, str, str, bytes]],
) -> dict:
    """Write every request at the same instant; wait for all the answers."""
    retried: list = []

    await asyncio.sleep(0.1)  # let closes the server sent arrive
    await asyncio.gather(*(request[0].keep_open() for request in requests))
    started = time.perf_counter()
    for connection, method, path, body in requests:
        connection.send(method, path, body)
    answers = await asyncio.gather(*(exchange(r, retried) for r in requests))
    ends = [end for _, _, end in answers]
    return {
        "rate": len(requests) / (max(ends) - started),
        **percentiles([(end - started) * 1000 for end in ends]),
        "statuses": [status for status, _, _ in answers],
        "retried": len(retried),
        "bodies": [body for _, body, _ in answers],
    }


async def paced(
    requests: list[tuple[Connection, str, str, bytes]], seconds: float
) -> dict:
    """Send the requests one by one at evenly spaced instants over `seconds`
    (in the list's order), each on its own connection as a student would:
    latency from each request's own send time."""
    retried: list = []
    origin = time.perf_counter()

    async def one(index: int, request) -> tuple[int, bytes, float]:
        await asyncio.sleep(max(0.0, origin + index * step - time.perf_counter()))
        sent = time.perf_counter()
        await request[0].keep_open()
        request[0].send(*request[1:])
        status, body, end = await exchange(request, retried)
        return status, body, (end - sent) * 1000

    step = seconds / len(requests)
    answers = await asyncio.gather(*(one(i, r) for i, r in enumerate(requests)))
    return {
        "rate": len(requests) / (time.perf_counter() - origin),
        **percentiles([latency for _, _, latency in answers]),
        "statuses": [status for status, _, _ in answers],
        "retried": len(retried),
        "bodies": [body for _, body, _ in answers],
    }


def submissions(
    connections: list[Connection], bodies: list[bytes], key: dict, passing: str
) -> list[tuple[Connection, str, str, bytes]]:
    """Each student's submit of the attempt their start answered with: all
    20 answers, right for half the students and wrong for the others
    (`passing` "half"), or right ("all") or wrong ("none") for every one,
    in a random order of students."""
    import json

    requests = []
    for index, (connection, body) in enumerate(zip(connections, bodies, strict=False)):
        attempt = json.loads(body)
        right = passing == "all" or (passing == "half" and index % 2 == 0)
        answers = [
            {"question": q["id"], **key[q["id"]][0 if right else 1]}
            for q in attempt["questions"]
        ]
        payload = json.dumps({"answers": answers}).encode()
        requests.append(
            (connection, "POST", f"/api/attempts/{attempt['id']}/submit/", payload)
        )
    random.shuffle(requests)
    return requests


async def capacity_round(
    port: int,
    tokens_: list[str],
    course_id: int,
    quiz_id: int,
    key: dict,
    passing: str,
) -> list[tuple[str, dict]]:
    """Bursts: every request of a step at the same instant."""
    connections = [Connection(port, token) for token in tokens_]
    tabs = [Connection(port, token) for token in tokens_[::SECOND_TABS]]
    await asyncio.gather(*(c.open() for c in connections + tabs))
    measured = []

    async def django() -> None:
        measured.append(
            (
                "django",
                await burst([(c, "GET", "/bench/django/", b"") for c in connections]),
            )
        )

    await django()
    contents = f"/api/courses/{course_id}/contents/"
    measured.append(
        ("contents", await burst([(c, "GET", contents, b"") for c in connections]))
    )
    await django()
    start = f"/api/quizzes/{quiz_id}/attempts/"
    started = await burst([(c, "POST", start, b"") for c in connections + tabs])
    measured.append(("start", started))
    await django()
    submits = submissions(connections, started["bodies"], key, passing)
    measured.append(("submit", await burst(submits)))
    await django()
    await asyncio.gather(*(c.close() for c in connections + tabs))
    return measured


async def exam(
    port: int,
    tokens_: list[str],
    quiz_id: int,
    key: dict,
    submit_seconds: float,
    passing: str,
) -> list[tuple[str, dict]]:
    """The issue's scenario: the starts (and second tabs) arrive evenly over
    one second in a random order of students, then the submissions evenly
    over the next `submit_seconds`."""
    connections = [Connection(port, token) for token in tokens_]
    tabs = [Connection(port, token) for token in tokens_[::SECOND_TABS]]
    await asyncio.gather(*(c.open() for c in connections + tabs))
    start = f"/api/quizzes/{quiz_id}/attempts/"
    order = list(range(len(connections) + len(tabs)))
    random.shuffle(order)
    requests = [(c, "POST", start, b"") for c in connections + tabs]
    started = await paced([requests[index] for index in order], 1.0)
    bodies = [b""] * len(order)
    for position, index in enumerate(order):
        bodies[index] = started["bodies"][position]
    submits = submissions(connections, bodies[: len(connections)], key, passing)
    submitted = await paced(submits, submit_seconds)
    await asyncio.gather(*(c.close() for c in connections + tabs))
    return [("start", started), ("submit", submitted)]


def counts(quiz_id: int, submitted_ok: int) -> dict[str, int]:
    from django.db.models import Count

    from educa.learning.models import QuizAttempt

    attempts = QuizAttempt.objects.filter(quiz_id=quiz_id)
    stored = attempts.filter(status="submitted").count()
    over = attempts.values("student_id").annotate(n=Count("pk")).filter(n__gt=1).count()
    return {
        "lost": submitted_ok - stored,
        "over_max": over,
        "attempts": attempts.count(),
    }


def check_stored(quiz_id: int, submit: dict, totals: dict) -> str:
    """Count from the database what the step answered, add to `totals`:
    the table's row."""
    found = counts(quiz_id, submit["statuses"].count(200))
    totals["lost"] += found["lost"]
    totals["over_max"] += found["over_max"]
    return (
        f"|   | stored | {found['attempts']} attempts | lost {found['lost']} "
        f"| over max {found['over_max']} | | | | | | |"
    )


def print_row(number: int, name: str, result: dict, ratio: str, totals: dict) -> None:
    statuses = result["statuses"]
    errors = sum(status >= 500 for status in statuses)
    totals["5xx"] += errors
    print(
        f"| {number} | {name} | {len(statuses)} | {result['rate']:.1f} | {ratio} | "
        f"{result['p50']:.0f} | {result['p99']:.0f} | {result['max']:.0f} | "
        f"{sum(not 200 <= s < 300 for s in statuses)} | {errors} | "
        f"{result['retried']} |",
        flush=True,
    )


HEADER = (
    "| round | step | requests | req/s | of plain Django | p50 ms | p99 ms "
    "| max ms | non-2xx | 5xx | resent |\n"
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--submit-seconds",
        type=float,
        default=60,
        help="the window the exam's submissions are spread over",
    )
    parser.add_argument(
        "--passing",
        choices=["half", "all", "none"],
        default="half",
        help="which students answer right (and pass): half of them, or all, or none",
    )
    options = parser.parse_args()

    http_api.create_database(http_api.DATABASE)
    http_api.manage("migrate", "--no-input")
    http_api.manage("collectstatic", "--no-input", "--clear")
    os.environ.update(http_api.ENV)
    import django

    django.setup()
    course_id, quiz_id = seed()
    key = answer_key(quiz_id)
    students = tokens()

    port = free_port()
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "uvicorn", "bench.reference:application"),
            *("--host", "127.0.0.1", "--port", str(port), "--workers", "1"),
            *("--lifespan", "off", "--no-access-log", "--log-level", "warning"),
            "--backlog",
            "4096",
        ],
        env=http_api.ENV,
        cwd=REPO,
    )
    try:
        wait_for_http(f"http://127.0.0.1:{port}/bench/raw/", server)
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/courses/{course_id}/contents/",
            headers={"Authorization": students[0]},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 200
        reset(quiz_id)
        # warm
        asyncio.run(
            capacity_round(port, students, course_id, quiz_id, key, options.passing)
        )
        print(
            f"uvicorn 1 worker, {STUDENTS} students (+{STUDENTS // SECOND_TABS} "
            "second tabs at the start)"
        )
        totals = {"lost": 0, "over_max": 0, "5xx": 0}
        exams = []
        print("\nCapacity: one burst per step, every request at the same instant")
        print(HEADER)
        for number in range(1, options.rounds + 1):
            reset(quiz_id)
            http_api.wait_until_idle(server.pid)
            measured = asyncio.run(
                capacity_round(port, students, course_id, quiz_id, key, options.passing)
            )
            reference = [(name, {"rps": r["rate"]}) for name, r in measured]
            for index, (name, result) in enumerate(measured):
                ratio = result["rate"] / http_api.plain_django_around(reference, index)
                print_row(number, name, result, f"{ratio:.2f}", totals)
            rates = {name: result["rate"] for name, result in measured}
            print(
                f"|   | submit ÷ contents | {rates['submit'] / rates['contents']:.2f} "
                "| | | | | | | | |"
            )
            print(check_stored(quiz_id, dict(measured)["submit"], totals), flush=True)
            reset(quiz_id)
            http_api.wait_until_idle(server.pid)
            measured = asyncio.run(
                exam(
                    port,
                    students,
                    quiz_id,
                    key,
                    options.submit_seconds,
                    options.passing,
                )
            )
            stored = check_stored(quiz_id, dict(measured)["submit"], totals)
            exams.append((measured, stored))
        print(
            "\nThe exam: starts evenly over 1 s, submissions evenly over the "
            f"next {options.submit_seconds:.0f} s; latency from each request's "
            "own send"
        )
        print(HEADER)
        for number, (measured, stored) in enumerate(exams, 1):
            for name, result in measured:
                print_row(number, name, result, "", totals)
            print(stored)
        print(
            f"\nTotals: {totals['lost']} lost submissions, {totals['over_max']} "
            f"students over the maximum, {totals['5xx']} 5xx."
        )
    finally:
        server.kill()
        server.wait()


if __name__ == "__main__":
    main()
