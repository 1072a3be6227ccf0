"""The fixed statements of educa/ops/queries.py, on PostgreSQL and on SQLite."""

import subprocess
import sys

import pytest

from educa.accounts.selectors import user_with_id
from educa.courses.models import Enrollment
from educa.courses.permissions import is_enrolled
from educa.ops.queries import count_rows, instance_with_pk, row_exists, value_of
from tests.factories import CourseFactory, EnrollmentFactory, StudentFactory
from tests.servers import REPO, django_env

pytestmark = pytest.mark.django_db


def test_row_exists_matches_every_given_field(course, student):
    EnrollmentFactory(course=course, student=student)
    other = CourseFactory()

    assert row_exists(Enrollment, student=student.pk, course=course.pk)
    assert not row_exists(Enrollment, student=student.pk, course=other.pk)


def test_instance_with_pk_converts_columns_as_the_orm_does(student):
    loaded = instance_with_pk(type(student), student.pk)

    assert loaded == student
    assert loaded.date_joined == student.date_joined  # aware datetimes
    assert instance_with_pk(type(student), student.pk + 1000) is None


SQLITE_SNIPPET = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from educa.accounts.selectors import user_with_id
from educa.courses.permissions import is_enrolled
from tests.factories import CourseFactory, EnrollmentFactory, StudentFactory
course = CourseFactory()
enrolled = EnrollmentFactory(course=course).student
outsider = StudentFactory()
assert is_enrolled(enrolled, course) and not is_enrolled(outsider, course)
assert user_with_id(enrolled.pk) == enrolled and user_with_id(10**6) is None
assert user_with_id(enrolled.pk).date_joined == enrolled.date_joined
from educa.courses.models import Enrollment
from educa.ops.queries import count_rows
assert count_rows(Enrollment, course=course.pk) == 1
print("ok on", django.db.connection.vendor)
"""


def test_the_statements_run_on_the_embedded_sqlite_too(tmp_path):
    env = django_env(DATABASE_URL="", REDIS_URL="", DATA_DIR=str(tmp_path))

    result = subprocess.run(
        [sys.executable, "-c", SQLITE_SNIPPET],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "ok on sqlite"


def test_the_permission_and_the_selector_use_them(course, student):
    EnrollmentFactory(course=course, student=student)

    assert is_enrolled(student, course)
    assert user_with_id(student.pk) == student
    assert user_with_id(student.pk + 1000) is None
    assert not is_enrolled(StudentFactory(), course)


def test_value_of_reads_one_field_of_the_matching_row(student):
    assert value_of(type(student), "username", id=student.pk) == student.username
    assert value_of(type(student), "username", id=student.pk + 1000) is None


def test_count_rows_counts_the_rows_matching_every_given_field(course, student):
    EnrollmentFactory(course=course, student=student)
    EnrollmentFactory(course=course)
    EnrollmentFactory(student=student)

    assert count_rows(Enrollment, course=course.pk) == 2
    assert count_rows(Enrollment, course=course.pk, student=student.pk) == 1
    assert count_rows(Enrollment, course=course.pk + 1000) == 0
