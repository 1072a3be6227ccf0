"""Who may learn what. Web pages, the API, sockets and GraphQL all ask these."""

from django.contrib.auth.models import AnonymousUser

from educa.accounts.models import User
from educa.courses.models import Course


def is_enrolled(user: User | AnonymousUser, course: Course) -> bool:
    # A fixed statement (educa/ops/queries.py): compiling the ORM query cost
    # more than the answer. Imported here to leave the module's imports to
    # the learning restructure.
    from educa.learning.models import Enrollment
    from educa.ops.queries import row_exists

    if not user.is_authenticated:
        return False
    return row_exists(Enrollment, student=user.pk, course=course.pk)


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
