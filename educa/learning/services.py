from django.core.exceptions import PermissionDenied
from django.db import transaction

from educa.accounts.models import User
from educa.chat.services import admit_student, dismiss_student
from educa.courses.caching import invalidate_catalog
from educa.courses.models import Course
from educa.learning.models import Enrollment
from educa.learning.permissions import can_enroll


@transaction.atomic
def enroll(*, student: User, course: Course) -> Enrollment:
    """Enroll `student` in `course`; enrolling again returns the existing enrollment."""
    if not can_enroll(student, course):
        raise PermissionDenied("An instructor cannot enroll in their own course.")
    enrollment, created = Enrollment.objects.get_or_create(
        student=student, course=course
    )
    admit_student(course=course, student=student)
    if created:  # the course pages show how many students it has
        invalidate_catalog()
    return enrollment


@transaction.atomic
def unenroll(*, student: User, course: Course) -> bool:
    """Remove the enrollment; True if there was one."""
    deleted, _ = Enrollment.objects.filter(student=student, course=course).delete()
    if deleted:
        invalidate_catalog()
    dismiss_student(course=course, student=student)
    return deleted > 0
