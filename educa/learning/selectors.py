from django.db.models import QuerySet

from educa.accounts.models import User
from educa.courses.models import Course
from educa.courses.selectors import catalog_courses
from educa.learning.models import Enrollment


def enrolled_courses(student: User) -> QuerySet[Course]:
    """The student's courses, newest enrollment first."""
    return (
        catalog_courses()
        .filter(enrollments__student=student)
        .order_by("-enrollments__enrolled_at")
    )


def enrolled_student_ids(course: Course) -> list[int]:
    return list(
        Enrollment.objects.filter(course=course).values_list("student_id", flat=True)
    )
