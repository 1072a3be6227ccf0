"""The enrollment reminder (seed 004): e-mail the people who registered at
least N days ago and are enrolled in no course, once per person.

The e-mail service's sent-log is the record of who was reminded: each
person's reminder is the SentEmail of kind "enrollment_reminder" keyed by
their id, so a second run (or two at once) reminds nobody twice.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from educa.accounts.models import INSTRUCTORS_GROUP, User
from educa.courses.models import Enrollment
from educa.courses.selectors import popular_courses, subjects_with_course_counts
from educa.mail.models import SentEmail
from educa.mail.services import queue_email

REMINDER = "enrollment_reminder"
SUGGESTED_COURSES = 3


def people_to_remind(*, days: int) -> QuerySet[User]:
    """Active students who joined at least `days` days ago, enrolled in
    nothing and not reminded before (instructors and staff are not)."""
    joined_before = timezone.now() - timedelta(days=days)
    reminded = SentEmail.objects.filter(
        kind=REMINDER, recipient_id__isnull=False
    ).values("recipient_id")
    return (
        User.objects.filter(
            is_active=True, is_staff=False, date_joined__lte=joined_before
        )
        .exclude(email="")
        .exclude(groups__name=INSTRUCTORS_GROUP)
        .exclude(pk__in=Enrollment.objects.values("student_id"))
        .exclude(pk__in=reminded)
        .order_by("pk")
    )


def _suggested_courses() -> list[dict[str, str]]:
    subject_ids = list(subjects_with_course_counts().values_list("pk", flat=True))
    ranked = popular_courses(subject_ids, per_subject=1)
    courses = [course for courses in ranked.values() for course in courses]
    courses.sort(key=lambda course: -course.total_students)
    return [
        {"title": course.title, "url": settings.SITE_URL + course.get_absolute_url()}
        for course in courses[:SUGGESTED_COURSES]
    ]


def send_enrollment_reminders(*, days: int, dry_run: bool = False) -> list[User]:
    """Queue one reminder per person `people_to_remind` finds (none with
    `dry_run`); the people, in id order."""
    people = list(people_to_remind(days=days))
    if dry_run or not people:
        return people
    courses = _suggested_courses()
    for person in people:
        queue_email(
            kind=REMINDER,
            key=str(person.pk),
            to=person.email,
            recipient_id=person.pk,
            context={
                "name": person.name,
                "days": (timezone.now() - person.date_joined).days,
                "catalog_url": settings.SITE_URL + "/",
                "courses": courses,
            },
        )
    return people
