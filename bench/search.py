"""Course search at 10,000 courses, against the unfiltered list in the same run.

    flock /tmp/educa-bench.lock .venv/bin/python bench/search.py \
        [--duration 15] [--rounds 2] [--connections 1,32]

Creates (once) and seeds its own PostgreSQL database `educa_bench_search`:
10,000 published courses (titles, overviews and four module titles each
drawn from a fixed vocabulary: a topic word such as "python" is in the
title or overview of about 3 % of them), 250 instructors, 2,000 students
with 10,000 enrollments and 5,000 reviews, indexed for search as the
services index them. It uses Redis database 14 (emptied at start) and one
uvicorn worker with production settings (bench/http_api.py's environment,
server and wrk helpers). Each round drives, with wrk at each number of
keep-alive connections:

- `list`: `GET /api/courses/`, anonymous: the unfiltered catalog as served
  (from the shared cache);
- `list-db`: `GET /api/courses/?ordering=default`: the same page built from
  the database (an ordering it does not know falls back to the default and is
  not cached), what a search does besides searching;
- `search`: `GET /api/courses/?search=python`, the same search again and
  again: after the first request, the cached answer (a warm key);
- `typo`: `GET /api/courses/?search=pyhton` (corrected through the
  vocabulary's trigram index), warm as well;
- `search-cold`: every request a search no one asked before in the run (one
  of the 63 topic words, with one of 10 orderings, page sizes 16-24 and
  pages 1-3: 17,010 keys, walked in order by a wrk Lua script): each is
  built from the database and then stored, the first request of a key.

Then it prints `EXPLAIN (ANALYZE, BUFFERS)` of every statement the two
searches run that reads the search indexes (course vectors, user names, the
vocabulary). See bench/README.md.
"""

import argparse
import os
import random
import re
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# In place of bench/ (the script's folder), whose graphql.py would shadow the
# library when educa.urls is imported here (explain()).
sys.path[0] = str(REPO)

from bench import http_api  # noqa: E402
from tests.servers import free_port, wait_for_http  # noqa: E402

DATABASE = "educa_bench_search"
ENV = http_api.bench_env(
    f"postgres://postgres@127.0.0.1:5432/{DATABASE}", "redis://127.0.0.1:6379/14"
)
COURSES, MODULES, INSTRUCTORS, STUDENTS = 10_000, 4, 250, 2_000
ENROLLMENTS, REVIEWS = 10_000, 5_000
WORD, TYPO = "python", "pyhton"
TARGETS = {
    "list": "/api/courses/",
    "list-db": "/api/courses/?ordering=default",
    "search": f"/api/courses/?search={WORD}",
    "typo": f"/api/courses/?search={TYPO}",
    "search-cold": "",  # each request's path comes from cold_searches()
}
TOPICS = [
    *("Python", "JavaScript", "TypeScript", "Rust", "Go", "Java", "Kotlin"),
    *("Swift", "Haskell", "Elixir", "Django", "Flask", "React", "Vue", "Svelte"),
    *("Kubernetes", "Docker", "Linux", "Git", "SQL", "PostgreSQL", "Algebra"),
    *("Calculus", "Geometry", "Statistics", "Probability", "Topology", "Logic"),
    *("Physics", "Chemistry", "Biology", "Astronomy", "Geology", "Ecology"),
    *("Genetics", "Guitar", "Piano", "Violin", "Drums", "Singing", "Harmony"),
    *("Jazz", "Composition", "Photography", "Drawing", "Painting", "Sculpture"),
    *("Typography", "Animation", "Marketing", "Accounting", "Finance"),
    *("Economics", "Negotiation", "Leadership", "Spanish", "French", "German"),
    *("Japanese", "Mandarin", "Italian", "Portuguese", "Arabic"),
]
LEVELS = ["Practical", "Modern", "Essential", "Applied", "Advanced", "Complete"]
KINDS = ["Basics", "Fundamentals", "Workshop", "Bootcamp", "Masterclass", "Projects"]
MODULE_WORDS = [
    *("Introduction", "Setup", "Tools", "Patterns", "Testing", "Performance"),
    *("Review", "Exercises", "Theory", "Practice", "Deployment", "Debugging"),
]
MODULE_SUBJECTS = [
    *("first steps", "the toolbox", "common mistakes", "a small project"),
    *("working faster", "reading the docs", "putting it together", "next steps"),
]
FIRST = ["Ada", "Alan", "Grace", "Linus", "Margaret", "Guido", "Barbara", "Edsger"]
LAST = ["Lovelace", "Turing", "Hopper", "Torvalds", "Hamilton", "Liskov", "Knuth"]


COLD_ORDERINGS = [
    *("", "relevance", "title", "-title", "created", "-created"),
    *("total_students", "-total_students", "rating", "-rating"),
]
COLD_KEYS = len(TOPICS) * len(COLD_ORDERINGS) * 9 * 3
COLD_SCRIPT = """
local topics = {%(topics)s}
local orderings = {%(orderings)s}
local n = %(start)d
request = function()
  local rest = n
  n = n + 1
  local topic = topics[rest %% #topics + 1]
  rest = math.floor(rest / #topics)
  local ordering = orderings[rest %% #orderings + 1]
  rest = math.floor(rest / #orderings)
  local size = 16 + rest %% 9
  local page = 1 + math.floor(rest / 9) %% 3
  return wrk.format(nil, "/api/courses/?search=" .. topic .. "&ordering=" ..
    ordering .. "&page=" .. page .. "&page_size=" .. size)
end
"""


def cold_searches(start: int) -> str:
    """A wrk Lua script asking, from the `start`th on, searches never asked
    before (until COLD_KEYS are used); the file's path."""
    script = COLD_SCRIPT % {
        "topics": ", ".join(f'"{topic.lower()}"' for topic in TOPICS),
        "orderings": ", ".join(f'"{ordering}"' for ordering in COLD_ORDERINGS),
        "start": start,
    }
    with tempfile.NamedTemporaryFile(
        "w", suffix=".lua", prefix="educa-cold-", delete=False
    ) as file:
        file.write(script)
    return file.name


def seed() -> None:
    """The data set, made once; a course or user of it is never changed."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection

    from educa.accounts.models import User
    from educa.accounts.services import ensure_instructors_group
    from educa.courses.models import Course, Enrollment, Module, Review, Subject
    from educa.courses.search import index_courses

    if Course.objects.count() >= COURSES:
        return
    print("Seeding the search benchmark database…", flush=True)
    rng = random.Random(2026)
    password = make_password(None)
    instructors = User.objects.bulk_create(
        User(
            username=f"teacher{n}",
            email=f"t{n}@bench.test",
            display_name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            password=password,
        )
        for n in range(INSTRUCTORS)
    )
    ensure_instructors_group().user_set.add(*instructors)
    subjects = Subject.objects.bulk_create(
        Subject(title=f"Subject {n}", slug=f"search-subject-{n}") for n in range(20)
    )
    courses = []
    for n in range(COURSES):
        topic, other = rng.choice(TOPICS), rng.choice(TOPICS)
        title = f"{rng.choice(LEVELS)} {topic} {rng.choice(KINDS)}"
        courses.append(
            Course(
                owner=rng.choice(instructors),
                subject=rng.choice(subjects),
                title=title,
                slug=f"search-course-{n}",
                overview=(
                    f"Learn {topic} step by step, from first principles to real "
                    f"work. Along the way you meet some {other}."
                ),
                status=Course.Status.PUBLISHED,
            )
        )
    courses = Course.objects.bulk_create(courses, batch_size=2_000)
    Module.objects.bulk_create(
        (
            Module(
                course=course,
                order=order,
                title=f"{rng.choice(MODULE_WORDS)}: {rng.choice(MODULE_SUBJECTS)}",
                description="What this module covers.",
            )
            for course in courses
            for order in range(MODULES)
        ),
        batch_size=5_000,
    )
    students = User.objects.bulk_create(
        User(username=f"learner{n}", email=f"l{n}@bench.test", password=password)
        for n in range(STUDENTS)
    )
    pairs = {(rng.choice(students), rng.choice(courses)) for _ in range(ENROLLMENTS)}
    Enrollment.objects.bulk_create(
        (Enrollment(student=s, course=c) for s, c in pairs), batch_size=5_000
    )
    Review.objects.bulk_create(
        (
            Review(student=s, course=c, rating=rng.randint(1, 5))
            for s, c in list(pairs)[:REVIEWS]
        ),
        batch_size=5_000,
    )
    ids = [course.pk for course in courses]
    for start in range(0, len(ids), 1_000):
        index_courses(ids[start : start + 1_000])
    # Statistics as autovacuum keeps them on a live database (the planner
    # would otherwise guess at the new tables and expression indexes).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def explain(paths: list[str]) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of each search statement the paths run
    (built from the database: the benchmark's own cache is emptied first)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    for path in paths:
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        for query in captured.captured_queries:
            sql = query["sql"]
            if not re.search(r"@@|<->", sql):  # the searches' own statements
                continue
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
                plan = "\n".join(row[0] for row in cursor.fetchall())
            print(f"\n#### {path}\n\n```sql\n{sql}\n```\n\n```\n{plan}\n```")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", default="1,32")
    options = parser.parse_args()
    connections = [int(n) for n in options.connections.split(",")]

    http_api.create_database(DATABASE)
    http_api.manage("migrate", "--no-input", env=ENV)
    http_api.manage("collectstatic", "--no-input", "--clear", env=ENV)
    os.environ.update(ENV)
    import django

    django.setup()
    from django.core.cache import cache

    seed()
    cache.clear()  # Redis database 14 is this benchmark's own

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = http_api.start_server(ENV, port)
    try:
        wait_for_http(f"{base}/bench/raw/", server)
        cold = 0  # cold searches asked so far (an upper bound)

        def run(name: str, seconds: int, connections: int) -> dict:
            nonlocal cold
            if name != "search-cold":
                return http_api.wrk(base + TARGETS[name], seconds, None, connections)
            script = cold_searches(cold)
            try:
                result = http_api.wrk(base, seconds, None, connections, script)
            finally:
                os.unlink(script)
            cold += int(result["rps"] * seconds * 1.5) + 100
            return result

        for name in TARGETS:
            run(name, 2, 1)  # warm-up, not recorded
        print(f"uvicorn 1 worker, {COURSES:,} courses, {options.duration} s each")
        print("| round | connections | target | req/s | p50 ms | p99 ms | non-2xx |")
        print("|---|---:|---|---:|---:|---:|---:|")
        for round_number in range(1, options.rounds + 1):
            for count in connections:
                for name in TARGETS:
                    result = run(name, options.duration, count)
                    http_api.wait_until_idle(server.pid)
                    print(
                        f"| {round_number} | {count} | {name} | {result['rps']:.1f} "
                        f"| {result['p50']:.1f} | {result['p99']:.1f} "
                        f"| {result['non2xx']} |",
                        flush=True,
                    )
    finally:
        server.kill()
        server.wait()
    print(f"cold searches: at most {cold:,} of {COLD_KEYS:,} keys asked")
    explain([TARGETS["search"], TARGETS["typo"]])


if __name__ == "__main__":
    main()
