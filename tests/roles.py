"""Sign a test client in as one of the people a page must tell apart."""

from django.test import Client

from educa.accounts.models import User
from educa.courses.models import Course
from tests.factories import EnrollmentFactory, InstructorFactory, StudentFactory

ROLES = ("anonymous", "student", "enrolled", "other_instructor", "owner")


def sign_in(client: Client, role: str, course: Course) -> User | None:
    """Log `client` in as `role` relative to `course`; None for anonymous."""
    user = {
        "anonymous": lambda: None,
        "student": StudentFactory,
        "enrolled": lambda: EnrollmentFactory(course=course).student,
        "other_instructor": InstructorFactory,
        "owner": lambda: course.owner,
    }[role]()
    if user is not None:
        client.force_login(user)
    return user
