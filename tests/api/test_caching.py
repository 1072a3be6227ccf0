"""Cached catalog and contents answers follow every write made through the services."""

from educa.courses.services import add_content, update_course
from educa.learning.services import enroll
from tests.factories import CourseFactory, ModuleFactory


def test_cached_course_list_shows_a_course_changed_after_it_was_cached(
    api, course, django_capture_on_commit_callbacks
):
    api.get("/api/courses/")

    with django_capture_on_commit_callbacks(execute=True):
        update_course(course=course, by=course.owner, title="Renamed")
    response = api.get("/api/courses/")

    assert [c["title"] for c in response.json()["results"]] == ["Renamed"]


def test_cached_course_list_counts_a_new_enrollment(
    api, course, student, django_capture_on_commit_callbacks
):
    api.get("/api/courses/")

    with django_capture_on_commit_callbacks(execute=True):
        enroll(student=student, course=course)
    response = api.get("/api/courses/")

    assert response.json()["results"][0]["total_students"] == 1


def test_second_catalog_read_makes_no_query(api, course, django_assert_num_queries):
    ModuleFactory(course=course)
    first = api.get("/api/courses/")

    with django_assert_num_queries(0):
        second = api.get("/api/courses/")

    assert second.json() == first.json()


def test_searches_are_not_cached(api, course):
    api.get("/api/courses/", {"search": "Course"})
    CourseFactory(title="Course added later")

    response = api.get("/api/courses/", {"search": "Course"})

    assert response.json()["count"] == 2


def test_cached_contents_show_a_content_added_after_they_were_cached(
    as_user, enrolled_student, course, django_capture_on_commit_callbacks
):
    module = ModuleFactory(course=course)
    client = as_user(enrolled_student)
    client.get(f"/api/courses/{course.pk}/contents/")

    with django_capture_on_commit_callbacks(execute=True):
        add_content(
            module=module, by=course.owner, kind="text", title="New", content="Hi"
        )
    response = client.get(f"/api/courses/{course.pk}/contents/")

    assert [c["title"] for c in response.json()["modules"][0]["contents"]] == ["New"]


def test_cached_contents_are_still_refused_to_a_student_not_enrolled(
    as_user, enrolled_student, student, course
):
    as_user(enrolled_student).get(f"/api/courses/{course.pk}/contents/")

    response = as_user(student).get(f"/api/courses/{course.pk}/contents/")

    assert response.status_code == 403
    assert "modules" not in response.json()


def test_browsable_api_is_rendered_fresh_not_from_the_json_cache(api, course):
    api.get("/api/courses/")

    response = api.get("/api/courses/", HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert course.title.encode() in response.content
