"""Enrollment, a course's contents and the user's courses, with who is refused."""

import base64

import pytest
from rest_framework.test import APIClient

from educa.courses.models import Enrollment
from tests.factories import (
    PASSWORD,
    CourseFactory,
    EnrollmentFactory,
    ModuleFactory,
    add_content,
)


def _enrollments(course) -> list[int]:
    return list(
        Enrollment.objects.filter(course=course).values_list("student_id", flat=True)
    )


def test_student_enrolls_and_gets_the_seed_answer(as_user, student, course):
    response = as_user(student).post(f"/api/courses/{course.pk}/enroll/")

    assert response.status_code == 200
    assert response.json() == {"enrolled": True}
    assert _enrollments(course) == [student.pk]


def test_enrolling_twice_keeps_one_enrollment(as_user, student, course):
    client = as_user(student)

    client.post(f"/api/courses/{course.pk}/enroll/")
    response = client.post(f"/api/courses/{course.pk}/enroll/")

    assert response.json() == {"enrolled": True}
    assert _enrollments(course) == [student.pk]


def test_delete_unenrolls(as_user, enrolled_student, course):
    response = as_user(enrolled_student).delete(f"/api/courses/{course.pk}/enroll/")

    assert response.status_code == 200
    assert response.json() == {"enrolled": False}
    assert _enrollments(course) == []


def test_anonymous_cannot_enroll(api, course):
    response = api.post(f"/api/courses/{course.pk}/enroll/")

    assert response.status_code == 401
    assert _enrollments(course) == []


def test_owner_cannot_enroll_in_own_course(as_user, instructor, course):
    response = as_user(instructor).post(f"/api/courses/{course.pk}/enroll/")

    assert response.status_code == 403
    assert response.json() == {
        "detail": "An instructor cannot enroll in their own course."
    }
    assert _enrollments(course) == []


def test_seed_clients_enroll_with_http_basic(student, course):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=_basic(student.username, PASSWORD))

    response = client.post(f"/api/courses/{course.pk}/enroll/")

    assert response.json() == {"enrolled": True}
    assert _enrollments(course) == [student.pk]


def _basic(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


@pytest.fixture
def course_with_every_kind(course):
    first = ModuleFactory(course=course, title="First")
    second = ModuleFactory(course=course, title="Second")
    contents = [add_content(first, kind) for kind in ("text", "video")]
    contents += [add_content(second, kind) for kind in ("image", "file")]
    return course, contents


def test_enrolled_student_gets_structured_contents_in_order(
    as_user, course_with_every_kind, enrolled_student
):
    course, (text, video, image, file) = course_with_every_kind

    response = as_user(enrolled_student).get(f"/api/courses/{course.pk}/contents/")

    assert response.status_code == 200
    body = response.json()
    assert [m["title"] for m in body["modules"]] == ["First", "Second"]
    first, second = body["modules"]
    assert first["contents"][0] == {
        "id": text.pk,
        "order": 0,
        "type": "text",
        "title": text.item.title,
        "content": "Some <b>text</b>.",
        "file": None,
        "url": None,
        "embed_url": None,
        "quiz": None,
        "item": (
            '<div class="content-text"><p>Some &lt;b&gt;text&lt;/b&gt;.</p>\n</div>\n'
        ),
    }
    assert {k: first["contents"][1][k] for k in ("id", "url", "embed_url")} == {
        "id": video.pk,
        "url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "embed_url": "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
    }
    assert [(c["id"], c["type"]) for c in second["contents"]] == [
        (image.pk, "image"),
        (file.pk, "file"),
    ]
    assert second["contents"][0]["file"] == f"http://testserver{image.item.file.url}"
    assert second["contents"][1]["file"].startswith(
        f"http://testserver/media/courses/{course.pk}/"
    )


def test_owner_gets_contents(as_user, instructor, course_with_every_kind):
    course, _ = course_with_every_kind

    response = as_user(instructor).get(f"/api/courses/{course.pk}/contents/")

    assert response.status_code == 200
    assert len(response.json()["modules"]) == 2


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 401), ("student", 403), ("other_instructor", 403)],
)
def test_contents_are_refused_to_everyone_else(
    request, api, as_user, course_with_every_kind, who, status
):
    course, _ = course_with_every_kind
    client = api if who == "anonymous" else as_user(request.getfixturevalue(who))

    response = client.get(f"/api/courses/{course.pk}/contents/")

    assert response.status_code == status
    assert set(response.json()) == {"detail"}
    assert "modules" not in response.json()


@pytest.mark.parametrize("size", [1, 4])
def test_contents_query_count_does_not_grow(
    as_user,
    enrolled_student,
    course,
    warm_content_types,
    django_assert_max_num_queries,
    size,
):
    for _ in range(size):
        module = ModuleFactory(course=course)
        for kind in ("text", "video", "image", "file"):
            add_content(module, kind)
    client = as_user(enrolled_student)

    # user, course, enrollment, the cache generation (the cache's copy is
    # empty), modules, contents, one per item kind
    with django_assert_max_num_queries(10):
        response = client.get(f"/api/courses/{course.pk}/contents/")

    assert len(response.json()["modules"]) == size


def test_my_courses_lists_enrollments_newest_first(as_user, student):
    older = EnrollmentFactory(student=student).course
    newer = EnrollmentFactory(student=student).course
    CourseFactory()

    response = as_user(student).get("/api/me/courses/")

    assert [c["id"] for c in response.json()["results"]] == [newer.pk, older.pk]


def test_my_courses_needs_a_signed_in_user(api):
    response = api.get("/api/me/courses/")

    assert response.status_code == 401


@pytest.mark.parametrize("size", [1, 5])
def test_my_courses_query_count_does_not_grow(
    as_user, student, django_assert_max_num_queries, size
):
    EnrollmentFactory.create_batch(size, student=student)
    client = as_user(student)

    # user, count, page
    with django_assert_max_num_queries(3):
        response = client.get("/api/me/courses/")

    assert response.json()["count"] == size
