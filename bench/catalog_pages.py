"""How much the shared cache saves on the catalog and course pages.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/educa_bench_web \
    REDIS_URL=redis://127.0.0.1:6379/1 .venv/bin/python bench/catalog_pages.py

Creates a throw-away `test_…` database next to DATABASE_URL (dropped at the
end) with 200 courses of 8 modules, then renders `/`, `/course/subject/<slug>/`
and `/course/<slug>/` in-process with Django's test client, anonymously:
first with the cache emptied before every request (every request rebuilds
from PostgreSQL), then with it warm (Redis). Prints the median time per
request of each and their ratio. See bench/README.md.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "educa.settings")

import django

django.setup()

from django.core.cache import cache  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402

COURSES, MODULES, STUDENTS, REQUESTS = 200, 8, 3, 300


def seed() -> tuple[str, str]:
    from tests.factories import (
        CourseFactory,
        EnrollmentFactory,
        ModuleFactory,
        SubjectFactory,
    )

    subjects = [SubjectFactory() for _ in range(4)]
    for index in range(COURSES):
        course = CourseFactory(subject=subjects[index % 4])
        ModuleFactory.create_batch(MODULES, course=course)
        EnrollmentFactory.create_batch(STUDENTS, course=course)
    return subjects[0].slug, course.slug


def median_ms(client: Client, url: str, *, cold: bool) -> float:
    timings = []
    for _ in range(REQUESTS):
        if cold:
            cache.clear()
        start = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(timings) * 1000


def main() -> None:
    from django.conf import settings

    # As in production: no per-query logging. Users are made by the
    # hundred; their password hash is not what is measured.
    settings.DEBUG = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    databases = setup_databases(verbosity=0, interactive=False)
    try:
        subject, course = seed()
        client = Client(HTTP_HOST="localhost")
        print(f"{'page':<28}{'uncached ms':>12}{'cached ms':>11}{'ratio':>8}")
        for name, url in [
            ("catalog /", "/"),
            ("subject page", f"/course/subject/{subject}/"),
            ("course detail", f"/course/{course}/"),
        ]:
            cold = median_ms(client, url, cold=True)
            warm = median_ms(client, url, cold=False)
            print(f"{name:<28}{cold:>12.2f}{warm:>11.2f}{cold / warm:>7.1f}x")
    finally:
        cache.clear()
        teardown_databases(databases, verbosity=0)


if __name__ == "__main__":
    main()
