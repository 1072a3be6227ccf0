"""The fixed statements of educa/ops/queries.py, on PostgreSQL and on SQLite."""

import subprocess
import sys

import pytest
from django.db import IntegrityError
from django.utils import timezone

from educa.accounts.models import User
from educa.accounts.selectors import user_with_id
from educa.courses.models import Enrollment
from educa.courses.permissions import is_enrolled
from educa.ops.queries import (
    count_rows,
    instance_with_pk,
    row_exists,
    update_then_insert,
    value_of,
)
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
from educa.accounts.models import User
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
from educa.ops.queries import update_then_insert
User = type(outsider)
assert update_then_insert(
    User, outsider.pk, where={"is_active": True}, values={"display_name": "Ada"},
    insert=Enrollment(student=outsider, course=course),
)
assert User.objects.get(pk=outsider.pk).display_name == "Ada"
assert is_enrolled(outsider, course)
assert not update_then_insert(
    User, outsider.pk, where={"is_active": False}, values={"display_name": "Bo"}
)
assert User.objects.get(pk=outsider.pk).display_name == "Ada"
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


def _name_ada_and_enroll(
    student: User, enrollment: Enrollment, *, if_active: bool = True
) -> bool:
    """Name the student Ada if their `is_active` is `if_active`, and only
    then insert `enrollment`."""
    return update_then_insert(
        type(student),
        student.pk,
        where={"is_active": if_active},
        values={"display_name": "Ada"},
        insert=enrollment,
    )


def test_update_then_insert_writes_both_in_one_statement(
    course, student, django_assert_num_queries
):
    seen = timezone.now()

    with django_assert_num_queries(1):
        updated = update_then_insert(
            type(student),
            student.pk,
            where={"is_active": True},
            values={"display_name": "Ada", "last_login": seen},
            insert=Enrollment(student=student, course=course),
        )

    assert updated
    student.refresh_from_db()
    assert (student.display_name, student.last_login) == ("Ada", seen)
    enrollment = Enrollment.objects.get(student=student, course=course)
    assert enrollment.enrolled_at is not None  # auto_now_add, as save() sets it


def test_update_then_insert_writes_nothing_when_the_row_does_not_match(course, student):
    updated = _name_ada_and_enroll(
        student, Enrollment(student=student, course=course), if_active=False
    )

    assert not updated
    student.refresh_from_db()
    assert student.display_name != "Ada"
    assert not is_enrolled(student, course)


def test_update_then_insert_keeps_the_update_when_the_row_is_there_already(
    course, student
):
    EnrollmentFactory(course=course, student=student)

    updated = _name_ada_and_enroll(student, Enrollment(student=student, course=course))

    assert updated
    student.refresh_from_db()
    assert student.display_name == "Ada"
    assert count_rows(Enrollment, student=student.pk, course=course.pk) == 1


@pytest.mark.django_db(transaction=True)
def test_update_then_insert_writes_neither_when_the_insert_fails():
    # Outside any transaction: the one statement is atomic on its own.
    student = StudentFactory()

    with pytest.raises(IntegrityError):
        _name_ada_and_enroll(student, Enrollment(student=student, course_id=None))

    student.refresh_from_db()
    assert student.display_name != "Ada"


def test_update_then_insert_without_an_insert_is_a_conditional_update(student):
    kept = {"where": {"is_active": True}, "values": {"display_name": "Ada"}}

    assert update_then_insert(type(student), student.pk, **kept)
    assert not update_then_insert(type(student), student.pk + 1000, **kept)
    student.refresh_from_db()
    assert student.display_name == "Ada"
