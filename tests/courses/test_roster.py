"""Rosters in the API (the page is learning's: tests/learning/test_roster.py);
students leave a course from its page, after being asked."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from educa.courses.models import Enrollment
from tests.factories import EnrollmentFactory, ReviewFactory, StudentFactory

pytestmark = pytest.mark.django_db


def _api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        token = RefreshToken.for_user(user).access_token
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def test_the_api_roster_is_for_the_instructor(course):
    enrollment = EnrollmentFactory(course=course)
    ReviewFactory(course=course, student=enrollment.student, rating=2)

    response = _api(course.owner).get(f"/api/courses/{course.pk}/students/")

    assert response.json()["results"] == [
        {
            "student": {"id": enrollment.student_id, "name": enrollment.student.name},
            "username": enrollment.student.username,
            "enrolled_at": response.json()["results"][0]["enrolled_at"],
            "rating": 2,
            "completed": 0,
            "total": 0,
            "percent": 0,
            "completed_at": None,
        }
    ]


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 401), ("student", 403), ("enrolled", 403), ("other", 403)],
)
def test_the_api_roster_refuses_everyone_else(course, other_instructor, role, status):
    user = {
        "anonymous": None,
        "student": StudentFactory(),
        "enrolled": EnrollmentFactory(course=course).student,
        "other": other_instructor,
    }[role]

    response = _api(user).get(f"/api/courses/{course.pk}/students/")

    assert response.status_code == status
    assert "results" not in response.json()


def test_leaving_a_course_asks_first(client, course, enrolled_student):
    client.force_login(enrolled_student)

    response = client.get(reverse("course_unenroll", args=[course.pk]))

    assert f"Leave “{course.title}”?" in response.content.decode()
    assert Enrollment.objects.filter(student=enrolled_student).exists()


def test_confirming_leaves_the_course(client, course, enrolled_student):
    client.force_login(enrolled_student)

    response = client.post(reverse("course_unenroll", args=[course.pk]))

    assert response["Location"] == reverse("student_course_list")
    assert not Enrollment.objects.filter(student=enrolled_student).exists()


def test_the_course_page_offers_enrolled_students_a_way_out(
    client, course, enrolled_student
):
    client.force_login(enrolled_student)

    html = client.get(course.get_absolute_url()).content.decode()

    assert reverse("course_unenroll", args=[course.pk]) in html


def test_someone_not_enrolled_is_sent_back_to_the_course_page(client, course, student):
    EnrollmentFactory(course=course)
    client.force_login(student)

    response = client.post(reverse("course_unenroll", args=[course.pk]))

    assert response["Location"] == course.get_absolute_url()
    assert Enrollment.objects.count() == 1


def test_leaving_needs_an_account(client, course):
    response = client.post(reverse("course_unenroll", args=[course.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("students", [1, 60])
def test_the_api_roster_takes_fixed_queries(
    course, django_assert_num_queries, students
):
    for enrollment in EnrollmentFactory.create_batch(students, course=course):
        ReviewFactory(course=course, student=enrollment.student)
    api = _api(course.owner)
    api.get(f"/api/courses/{course.pk}/students/")

    # the user, their permissions (2), the course, the count, the page of
    # enrollments with students, ratings and progress
    with django_assert_num_queries(6):
        response = api.get(f"/api/courses/{course.pk}/students/")

    assert len(response.json()["results"]) == min(students, 20)
