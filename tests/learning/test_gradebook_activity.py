"""The gradebook's "last activity": each student's latest completion or
attempt in this course (their enrollment when there is none), the same on
the page, in the API and in the CSV."""

import csv
import io
from datetime import UTC, datetime, timedelta

from django.urls import reverse
from django.utils.dateparse import parse_datetime
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from educa.courses.models import Enrollment
from educa.learning.models import ContentCompletion, QuizAttempt
from educa.learning.services import complete_content, start_attempt
from tests.factories import EnrollmentFactory, ModuleFactory, add_content
from tests.learning.quizzes import quiz_in, quiz_of

BASE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def at(hours: int) -> datetime:
    return BASE + timedelta(hours=hours)


def as_user(user) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(user)}")
    return api


def test_last_activity_is_the_latest_completion_or_attempt_in_the_course(
    client, course
):
    module = ModuleFactory(course=course)
    text = add_content(module)
    quiz = quiz_of(quiz_in(module))
    elsewhere = add_content(ModuleFactory())
    attempts_last, completes_last, idle = (
        EnrollmentFactory(course=course).student for _ in range(3)
    )
    Enrollment.objects.filter(course=course).update(enrolled_at=at(0))
    for student in (attempts_last, completes_last):
        complete_content(student=student, content=text)
        start_attempt(student=student, quiz=quiz)
    ContentCompletion.objects.filter(student=attempts_last).update(completed_at=at(1))
    QuizAttempt.objects.filter(student=attempts_last).update(started_at=at(5))
    ContentCompletion.objects.filter(student=completes_last).update(completed_at=at(7))
    QuizAttempt.objects.filter(student=completes_last).update(started_at=at(3))
    # Later activity in another course does not count here.
    EnrollmentFactory(course=elsewhere.module.course, student=idle)
    complete_content(student=idle, content=elsewhere)
    expected = {
        attempts_last.username: at(5),
        completes_last.username: at(7),
        idle.username: at(0),
    }

    api = as_user(course.owner).get(f"/api/courses/{course.pk}/gradebook/")
    exported = as_user(course.owner).get(
        f"/api/courses/{course.pk}/gradebook/", {"format": "csv"}
    )
    client.force_login(course.owner)
    page = client.get(reverse("gradebook", args=[course.pk])).content.decode()

    assert {
        row["username"]: parse_datetime(row["last_activity"])
        for row in api.json()["students"]
    } == expected
    rows = csv.DictReader(io.StringIO(exported.content.decode()))
    assert {
        row["username"]: datetime.fromisoformat(row["last_activity"]) for row in rows
    } == expected
    for username, when in expected.items():
        row = page[page.index(f"@{username}") :].split("</tr>")[0]
        assert f"<td>{when:%-d %b %Y, %H:%M}</td>" in row
