"""Cached catalog and contents answers follow every write made through the services."""

from django.core.cache import cache

from educa.courses.services import (
    add_content,
    enroll,
    publish_course,
    update_course,
)
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


def search(client, text: str, **params) -> dict:
    return client.get("/api/courses/", {"search": text, **params}).json()


def titles(answer: dict) -> list[str]:
    return [course["title"] for course in answer["results"]]


def test_a_search_answer_is_cached_by_its_words(api, course, django_assert_num_queries):
    first = search(api, "course")

    with django_assert_num_queries(0):
        again = search(api, "  COURSE, course!")

    assert again == first
    assert titles(again) == [course.title]


def test_a_cached_search_answer_changes_when_a_course_is_edited(
    api, course, django_capture_on_commit_callbacks
):
    assert search(api, "zebra")["count"] == 0

    with django_capture_on_commit_callbacks(execute=True):
        update_course(course=course, by=course.owner, title="Zebra stripes")

    assert titles(search(api, "Zebra")) == ["Zebra stripes"]


def test_a_cached_search_answer_shows_a_course_once_it_is_published(
    api, instructor, django_capture_on_commit_callbacks
):
    draft = CourseFactory(owner=instructor, status="draft", title="Quantum knitting")
    module = ModuleFactory(course=draft)
    add_content(module=module, by=instructor, kind="text", title="T", content="x")
    assert search(api, "knitting")["count"] == 0

    with django_capture_on_commit_callbacks(execute=True):
        publish_course(course=draft, by=instructor)

    assert titles(search(api, "knitting")) == ["Quantum knitting"]


def test_an_instructors_draft_never_reaches_another_viewers_cached_search(
    api, as_user, instructor, student
):
    CourseFactory(owner=instructor, title="Knitting basics")
    CourseFactory(owner=instructor, status="draft", title="Knitting secrets")
    owner, other = as_user(instructor), as_user(student)
    everyone = ["Knitting basics"]

    before = [titles(search(client, "knitting")) for client in (api, other)]
    mine = titles(search(owner, "knitting"))
    after = [titles(search(client, "knitting")) for client in (api, other)]

    assert before == after == [everyone, everyone]
    assert sorted(mine) == ["Knitting basics", "Knitting secrets"]
    assert titles(search(owner, "knitting")) == mine
    assert titles(search(owner, "secrets")) == ["Knitting secrets"]
    assert [search(client, "secrets")["count"] for client in (api, other)] == [0, 0]


def test_a_parameter_outside_the_key_is_never_cached_into_page_links(api):
    CourseFactory.create_batch(2, title="Loom weaving")

    private = search(api, "loom", page_size=1, secret="mine")
    shared = search(api, "loom", page_size=1)

    assert "secret=mine" in private["next"]
    assert "secret" not in shared["next"]


def test_search_answers_expire_after_search_cache_seconds(api, course, settings):
    settings.SEARCH_CACHE_SECONDS = 7

    search(api, "course")
    api.get("/api/courses/")

    [search_key] = cache.keys("api:courses:*:search-*")
    [list_key] = [key for key in cache.keys("api:courses:*") if key != search_key]
    assert 0 < cache.ttl(search_key) <= 7
    assert cache.ttl(list_key) > 7


def test_searches_are_not_cached_with_search_cache_seconds_zero(api, course, settings):
    settings.SEARCH_CACHE_SECONDS = 0
    search(api, "course")
    CourseFactory(title="Course added later")  # no service: nothing invalidated

    assert search(api, "course")["count"] == 2


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
