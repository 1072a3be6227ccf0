"""The public catalog and course pages: content, per-visitor actions, cache."""

import time

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse

from educa.courses import caching
from educa.courses.caching import COURSES_PER_PAGE, course_page
from educa.courses.services import add_module, enroll, update_course
from tests.factories import (
    CourseFactory,
    EnrollmentFactory,
    ModuleFactory,
    ReviewFactory,
    StudentFactory,
    SubjectFactory,
    png_upload,
)
from tests.roles import sign_in

pytestmark = pytest.mark.django_db


def test_catalog_lists_courses_newest_first_with_subject_owner_and_modules(client):
    older = CourseFactory(title="Older")
    newer = CourseFactory(title="Newer")
    ModuleFactory(course=newer)
    ModuleFactory(course=newer)

    response = client.get(reverse("course_list"))

    html = response.content.decode()
    assert response.status_code == 200
    assert [c.title for c in response.context["page"].courses] == ["Newer", "Older"]
    assert f"{newer.owner.name} · 2 modules" in html
    assert f"{older.subject.title}</span>" in html


def test_catalog_sidebar_counts_courses_per_subject(client):
    music = SubjectFactory(title="Music", slug="music")
    CourseFactory.create_batch(2, subject=music)

    response = client.get(reverse("course_list"))

    assert [(s.title, s.total_courses) for s in response.context["page"].subjects] == [
        ("Music", 2)
    ]


def test_subject_page_shows_only_that_subjects_courses(client):
    music = SubjectFactory(slug="music")
    CourseFactory(subject=music, title="Chords")
    CourseFactory(title="Calculus")

    response = client.get(reverse("course_list_subject", args=["music"]))

    assert [c.title for c in response.context["page"].courses] == ["Chords"]


def test_unknown_subject_is_a_friendly_404(client):
    response = client.get(reverse("course_list_subject", args=["nope"]))

    assert response.status_code == 404
    assert "We couldn't find that page" in response.content.decode()


def test_search_matches_title_or_overview(client):
    CourseFactory(title="Jazz piano", overview="Swing.")
    CourseFactory(title="Algebra", overview="Equations and jazz hands.")
    CourseFactory(title="Biology", overview="Cells.")

    response = client.get(reverse("course_list"), {"q": "jazz"})

    assert sorted(c.title for c in response.context["page"].courses) == [
        "Algebra",
        "Jazz piano",
    ]


def test_search_without_match_says_so(client):
    CourseFactory(title="Biology")

    response = client.get(reverse("course_list"), {"q": "<b>zzz</b>"})

    assert "No courses match “&lt;b&gt;zzz&lt;/b&gt;”." in response.content.decode()


def test_catalog_is_paginated(client):
    CourseFactory.create_batch(COURSES_PER_PAGE + 1)

    first = client.get(reverse("course_list"))
    second = client.get(reverse("course_list"), {"page": "2"})
    beyond = client.get(reverse("course_list"), {"page": "99"})
    junk = client.get(reverse("course_list"), {"page": "x"})

    assert len(first.context["page"].courses) == COURSES_PER_PAGE
    assert len(second.context["page"].courses) == 1
    assert beyond.context["page"].number == 2
    assert junk.context["page"].number == 1
    assert "Page 1 of 2" in first.content.decode()


def test_empty_catalog_invites_an_instructor_to_create_the_first_course(
    client, instructor
):
    client.force_login(instructor)

    response = client.get(reverse("course_list"))

    assert "No courses here yet." in response.content.decode()
    assert reverse("course_create") in response.content.decode()


@pytest.mark.parametrize("courses", [1, 10])
def test_catalog_query_count_does_not_grow_with_courses(
    client, django_assert_num_queries, courses
):
    for _ in range(courses):
        ModuleFactory(course=CourseFactory())

    # the cache generation (the cache's copy is empty); subject page lookup
    # absent; courses count, page of courses, subjects
    with django_assert_num_queries(4):
        response = client.get(reverse("course_list"))

    assert len(response.context["page"].courses) == courses


def test_catalog_is_served_from_the_cache_on_the_second_visit(
    client, django_assert_num_queries
):
    CourseFactory()
    client.get(reverse("course_list"))

    with django_assert_num_queries(0):
        response = client.get(reverse("course_list"))

    assert len(response.context["page"].courses) == 1


def test_a_course_change_through_the_services_refreshes_the_cached_catalog(
    client, django_capture_on_commit_callbacks
):
    course = CourseFactory(title="Before")
    client.get(reverse("course_list"))

    with django_capture_on_commit_callbacks(execute=True):
        update_course(course=course, by=course.owner, title="After")
    response = client.get(reverse("course_list"))

    assert [c.title for c in response.context["page"].courses] == ["After"]


def _update_then_fail(course, **fields) -> None:
    with transaction.atomic():
        update_course(course=course, by=course.owner, **fields)
        raise RuntimeError("the write fails after the bump")


def test_a_write_that_rolls_back_keeps_the_cached_catalog(
    client, django_assert_num_queries, monkeypatch
):
    """The generation is bumped in the write's transaction, so a rollback
    takes the bump back with the write."""
    monkeypatch.setattr(caching, "GENERATION_CHECK_SECONDS", 0)  # always ask
    course = CourseFactory(title="Before")
    client.get(reverse("course_list"))

    with pytest.raises(RuntimeError):
        _update_then_fail(course, title="After")
    with django_assert_num_queries(1):  # the generation: the entry's
        response = client.get(reverse("course_list"))

    assert [c.title for c in response.context["page"].courses] == ["Before"]


def test_a_generation_copy_that_missed_a_bump_is_corrected_within_the_check_interval(
    client, django_capture_on_commit_callbacks, monkeypatch
):
    """Another worker's edit whose copy update never reached the cache: this
    worker checks the cache's copy against the database every
    GENERATION_CHECK_SECONDS."""
    monkeypatch.setattr(caching, "GENERATION_CHECK_SECONDS", 0.5)
    course = CourseFactory(title="Before")
    client.get(reverse("course_list"))
    stale_copy = cache.get("catalog:generation")

    with django_capture_on_commit_callbacks(execute=True):
        update_course(course=course, by=course.owner, title="After")
    cache.set("catalog:generation", stale_copy, None)  # the missed update
    time.sleep(0.5)
    response = client.get(reverse("course_list"))

    assert [c.title for c in response.context["page"].courses] == ["After"]
    assert cache.get("catalog:generation") > stale_copy  # corrected for all


def test_course_detail_shows_overview_instructor_outline_and_students(client):
    course = CourseFactory(title="Chords", overview="All about chords.")
    ModuleFactory(course=course, title="Triads")
    ModuleFactory(course=course, title="Sevenths")
    EnrollmentFactory.create_batch(3, course=course)

    response = client.get(course.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Chords · Educa</title>" in html
    assert "All about chords." in html
    assert course.owner.name in html
    assert [m.title for m in response.context["modules"]] == ["Triads", "Sevenths"]
    assert "3 students" in html


def test_unknown_course_is_404(client):
    response = client.get(reverse("course_detail", args=["missing"]))

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        (
            "anonymous",
            ["/accounts/login/?next=/course/"],
            ["Go to course", "/chat/room/"],
        ),
        ("student", ["Enroll now</button>"], ["Go to course", "/chat/room/", "Edit"]),
        ("enrolled", ["Go to course", "/chat/room/"], ["Enroll now", "Edit"]),
        ("other_instructor", ["Enroll now</button>"], ["Edit course", "/chat/room/"]),
        ("owner", ["Edit modules", "Edit course", "/chat/room/"], ["Enroll now"]),
    ],
)
def test_course_detail_offers_each_visitor_their_next_step(
    client, course, role, shown, hidden
):
    sign_in(client, role, course)

    html = client.get(course.get_absolute_url()).content.decode()

    for text in shown:
        assert text in html
    for text in hidden:
        assert text not in html


def test_course_detail_chat_link_points_at_the_course_room(client, course):
    sign_in(client, "enrolled", course)

    html = client.get(course.get_absolute_url()).content.decode()

    assert f'href="/chat/room/{course.pk}/"' in html


@pytest.mark.parametrize("modules", [1, 12])
def test_course_detail_query_count_does_not_grow_with_modules(
    client, django_assert_num_queries, modules
):
    course = CourseFactory()
    for _ in range(modules):
        ModuleFactory(course=course)
    for enrollment in EnrollmentFactory.create_batch(modules, course=course):
        ReviewFactory(course=course, student=enrollment.student)
    update_course(course=course, by=course.owner, cover=png_upload())
    cache.clear()

    # the cache generation (the cache's copy is empty), course with counts
    # (and cover), its modules, its latest reviews with their students
    with django_assert_num_queries(4):
        response = client.get(course.get_absolute_url())

    assert len(response.context["modules"]) == modules
    assert len(response.context["reviews"]) == min(modules, caching.REVIEWS_SHOWN)
    assert response.context["course"].total_reviews == modules


def test_cached_course_detail_still_renders_each_visitor_their_own_buttons(
    client, course
):
    client.get(course.get_absolute_url())
    sign_in(client, "owner", course)

    html = client.get(course.get_absolute_url()).content.decode()

    assert "Edit course" in html
    assert "Enroll now" not in html


def test_enrolling_refreshes_the_cached_student_count(
    client, course, django_capture_on_commit_callbacks
):
    client.get(course.get_absolute_url())

    with django_capture_on_commit_callbacks(execute=True):
        enroll(student=StudentFactory(), course=course)
    html = client.get(course.get_absolute_url()).content.decode()

    assert "1 student<" in html


def test_adding_a_module_refreshes_the_cached_outline(
    client, course, django_capture_on_commit_callbacks
):
    client.get(course.get_absolute_url())

    with django_capture_on_commit_callbacks(execute=True):
        add_module(course=course, by=course.owner, title="Brand new")
    response = client.get(course.get_absolute_url())

    assert [m.title for m in response.context["modules"]] == ["Brand new"]


def test_the_cached_course_page_holds_no_account_secrets(client, course):
    client.get(course.get_absolute_url())

    cached = course_page(course.slug)

    assert cached.course.owner.get_deferred_fields() == {
        "password",
        "email",
        "last_login",
    }
