"""Who may learn what. Web pages, the API, sockets and GraphQL all ask these."""

from django.contrib.auth.models import AnonymousUser
from django.db import connection

from educa.accounts.models import User
from educa.courses.models import Course

# Every contents request asks this, and the ORM took longer to build the query
# than PostgreSQL took to answer it (bench/README.md).
_ENROLLMENT_EXISTS = (
    "SELECT 1 FROM learning_enrollment WHERE student_id = %s AND course_id = %s"
)


def is_enrolled(user: User | AnonymousUser, course: Course) -> bool:
    if not user.is_authenticated:
        return False
    with connection.cursor() as cursor:
        cursor.execute(_ENROLLMENT_EXISTS, [user.pk, course.pk])
        return cursor.fetchone() is not None


def can_enroll(user: User | AnonymousUser, course: Course) -> bool:
    """Any signed-in person but the course's own instructor."""
    return user.is_authenticated and course.owner_id != user.pk


def _teaches(user: User | AnonymousUser, course: Course) -> bool:
    return user.is_authenticated and course.owner_id == user.pk


def can_view_contents(user: User | AnonymousUser, course: Course) -> bool:
    """The course's instructor and its enrolled students."""
    return _teaches(user, course) or is_enrolled(user, course)


def can_view_contents_of(user: User | AnonymousUser, course_id: int) -> bool | None:
    """`can_view_contents` for a course known by id; None when there is no
    such course. The enrollment is asked first: one small query answers for
    an enrolled student, the common case."""
    if is_enrolled(user, Course(pk=course_id)):
        return True
    course = Course.objects.only("owner_id").filter(pk=course_id).first()
    return None if course is None else _teaches(user, course)
