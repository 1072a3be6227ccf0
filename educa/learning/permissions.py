"""Who may learn what. Web pages, the API, sockets and GraphQL all ask these."""

from django.contrib.auth.models import AnonymousUser

from educa.accounts.models import User
from educa.courses.models import Course
from educa.learning.models import Enrollment


def is_enrolled(user: User | AnonymousUser, course: Course) -> bool:
    return (
        user.is_authenticated
        and Enrollment.objects.filter(student_id=user.pk, course_id=course.pk).exists()
    )


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
