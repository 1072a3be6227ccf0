"""The instructor's roster of a course with each student's progress.

The roster itself (who, since when, their rating) is the courses app's
`course_roster`; the progress is learning's to count, so it is added here.
"""

from django.db.models import Count, F, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, NullIf

from educa.courses.models import Content, Course, Enrollment
from educa.courses.selectors import course_roster
from educa.learning.models import Certificate, ContentCompletion


def _count(queryset: QuerySet, group: str) -> Coalesce:
    return Coalesce(
        Subquery(
            queryset.order_by().values(group).annotate(n=Count("pk")).values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


def roster_with_progress(course: Course) -> QuerySet[Enrollment]:
    """`course_roster` (earliest first, each with `rating`) with each
    student's `completed` contents of `contents_total`, the whole `percent`
    done (rounded down: 100 only when everything is) and `completed_at`
    (when their certificate was issued, or None). One query per page,
    however many students."""
    completed = _count(
        ContentCompletion.objects.filter(
            course_id=OuterRef("course_id"), student_id=OuterRef("student_id")
        ),
        "student",
    )
    contents = Content.objects.filter(module__course_id=course.pk)
    certificate = Certificate.objects.filter(
        course_id=OuterRef("course_id"), student_id=OuterRef("student_id")
    ).values("issued_at")[:1]
    return course_roster(course).annotate(
        completed=completed,
        contents_total=_count(contents, "module__course"),
        percent=Coalesce(
            F("completed") * 100 / NullIf(F("contents_total"), 0),
            0,
            output_field=IntegerField(),
        ),
        completed_at=Subquery(certificate),
    )
