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
