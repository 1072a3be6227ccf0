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


def can_view_contents(user: User | AnonymousUser, course: Course) -> bool:
    """The course's instructor and its enrolled students."""
    return user.is_authenticated and (
        course.owner_id == user.pk or is_enrolled(user, course)
    )


def can_view_contents_of(user: User | AnonymousUser, course_id: int) -> bool | None:
    """`can_view_contents` for a course known by id; None when there is no
    such course. One small query for an enrolled student (the common case)."""
    if is_enrolled(user, Course(pk=course_id)):
        return True
    owner = Course.objects.filter(pk=course_id).values_list("owner_id", flat=True)
    owner_id = owner.first()
    if owner_id is None:
        return None
    return user.is_authenticated and owner_id == user.pk
