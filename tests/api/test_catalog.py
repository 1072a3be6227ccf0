"""Subjects and the course catalog: seed shapes, filters, constant query counts."""

import pytest

from educa.courses.models import Course
from tests.factories import (
    CourseFactory,
    EnrollmentFactory,
    ModuleFactory,
    SubjectFactory,
)


def _courses_with_modules(count: int, subject=None, modules: int = 2) -> list[Course]:
    courses = []
    for _ in range(count):
        course = CourseFactory(**({"subject": subject} if subject else {}))
        ModuleFactory.create_batch(modules, course=course)
        EnrollmentFactory(course=course)
        courses.append(course)
    return courses


def test_course_list_has_the_seed_shape_with_nested_modules(api, course):
    first = ModuleFactory(course=course, title="Intro", description="Start here")
    ModuleFactory(course=course, title="Next")

    response = api.get("/api/courses/")

    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["next"], body["previous"]) == (1, None, None)
    assert body["results"] == [
        {
            "id": course.pk,
            "subject": course.subject_id,
            "title": course.title,
            "slug": course.slug,
            "overview": course.overview,
            "created": body["results"][0]["created"],
            "owner": course.owner_id,
            "total_modules": 2,
            "total_students": 0,
            "status": "published",
            "published_at": body["results"][0]["published_at"],
            "cover": None,
            "cover_thumbnail": None,
            "total_reviews": 0,
            "average_rating": None,
            "modules": [
                {
                    "id": first.pk,
                    "order": 0,
                    "title": "Intro",
                    "description": "Start here",
                },
                {
                    "id": first.pk + 1,
                    "order": 1,
                    "title": "Next",
                    "description": "What this module covers.",
                },
            ],
        }
    ]


def test_course_list_filters_by_subject_slug_and_search(api):
    python = SubjectFactory(slug="python")
    CourseFactory(subject=python, title="Django basics")
    CourseFactory(subject=python, title="Flask basics")
    CourseFactory(title="Django elsewhere")

    response = api.get("/api/courses/", {"subject": "python", "search": "django"})

    assert [c["title"] for c in response.json()["results"]] == ["Django basics"]


def test_unknown_subject_slug_matches_no_course(api, course):
    response = api.get("/api/courses/", {"subject": "no-such-subject"})

    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_course_list_orders_by_title_and_pages(api):
    for title in ("Bravo", "Alpha", "Charlie"):
        CourseFactory(title=title)

    response = api.get("/api/courses/", {"ordering": "title", "page_size": 2})
    second = api.get("/api/courses/", {"ordering": "title", "page_size": 2, "page": 2})

    assert [c["title"] for c in response.json()["results"]] == ["Alpha", "Bravo"]
    assert [c["title"] for c in second.json()["results"]] == ["Charlie"]


def test_page_size_is_capped_at_fifty(api):
    CourseFactory.create_batch(51)

    response = api.get("/api/courses/", {"page_size": 500})

    assert len(response.json()["results"]) == 50


def test_page_out_of_range_is_a_404_with_json(api, course):
    response = api.get("/api/courses/", {"page": 99})

    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid page."}


def test_course_detail_nests_modules(api, course):
    ModuleFactory(course=course, title="Only")

    response = api.get(f"/api/courses/{course.pk}/")

    assert response.status_code == 200
    assert [m["title"] for m in response.json()["modules"]] == ["Only"]


@pytest.mark.parametrize(
    ("pk", "detail"),
    [
        ("999999", "No Course matches the given query."),
        ("99999999999999999999999", "No Course matches the given query."),
        ("abc", "Not found."),
    ],
)
def test_unknown_course_is_a_json_404(api, db, pk, detail):
    response = api.get(f"/api/courses/{pk}/")

    assert response.status_code == 404
    assert response.json() == {"detail": detail}


@pytest.mark.parametrize("size", [1, 6])
def test_course_list_query_count_does_not_grow(
    api, django_assert_max_num_queries, size
):
    _courses_with_modules(size)

    # the cache generation (the cache's copy is empty), count, page of
    # courses, their modules (anonymous: no user lookup)
    with django_assert_max_num_queries(4):
        response = api.get("/api/courses/")

    assert response.json()["count"] == size


@pytest.mark.parametrize("modules", [1, 8])
def test_course_detail_query_count_does_not_grow(
    api, django_assert_max_num_queries, modules
):
    (course,) = _courses_with_modules(1, modules=modules)

    with django_assert_max_num_queries(2):
        response = api.get(f"/api/courses/{course.pk}/")

    assert len(response.json()["modules"]) == modules


def test_subject_list_has_counts_and_popular_courses(api):
    subject = SubjectFactory(title="Maths")
    popular = CourseFactory(subject=subject, title="Algebra")
    EnrollmentFactory.create_batch(3, course=popular)
    quiet = CourseFactory(subject=subject, title="Topology")
    EnrollmentFactory(course=quiet)
    CourseFactory(subject=subject, title="Logic")
    CourseFactory(subject=subject, title="Sets")

    response = api.get("/api/subjects/")

    assert response.json()["results"] == [
        {
            "id": subject.pk,
            "title": "Maths",
            "slug": subject.slug,
            "total_courses": 4,
            "popular_courses": ["Algebra (3)", "Topology (1)", "Sets (0)"],
        }
    ]


def test_subject_detail_has_counts_and_popular_courses(api):
    subject = SubjectFactory(title="Art")
    CourseFactory(subject=subject, title="Drawing")

    response = api.get(f"/api/subjects/{subject.pk}/")

    assert response.json() == {
        "id": subject.pk,
        "title": "Art",
        "slug": subject.slug,
        "total_courses": 1,
        "popular_courses": ["Drawing (0)"],
    }


@pytest.mark.parametrize("size", [1, 5])
def test_subject_list_query_count_does_not_grow(
    api, django_assert_max_num_queries, size
):
    for _ in range(size):
        _courses_with_modules(2, subject=SubjectFactory(), modules=1)

    # count, the page of subjects, their popular courses
    with django_assert_max_num_queries(3):
        response = api.get("/api/subjects/")

    assert response.json()["count"] == size
