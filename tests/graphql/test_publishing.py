"""Issue 18 over GraphQL: catalog orderings as REST's, ratings and covers
on courses (constant SQL), publishing for the course's instructor only, and
drafts that never leak through any query."""

import pytest

from educa.courses.models import Course
from educa.courses.services import update_course
from tests.factories import (
    CourseFactory,
    EnrollmentFactory,
    InstructorFactory,
    ModuleFactory,
    ReviewFactory,
    StudentFactory,
    add_content,
    png_upload,
)
from tests.graphql.conftest import codes

CATALOG = """
query($ordering: String, $search: String) {
  courses(ordering: $ordering, search: $search, limit: 50) {
    totalCount
    results {
      id title status publishedAt totalStudents totalReviews averageRating
      coverUrl coverThumbnailUrl
    }
  }
}
"""
COURSE = "query($id: ID!) { course(id: $id) { id title status } }"
CONTENTS = "query($id: ID!) { courseContents(courseId: $id) { id title } }"
PUBLISH = "mutation($id: ID!) { publishCourse(id: $id) { id status publishedAt } }"
UNPUBLISH = "mutation($id: ID!) { unpublishCourse(id: $id) { id status } }"


def _titles(result: dict) -> list[str]:
    return [course["title"] for course in result["data"]["courses"]["results"]]


def test_catalog_orderings_are_rests(graphql):
    quiet = CourseFactory(title="B quiet")
    liked = CourseFactory(title="C liked")
    busy = CourseFactory(title="A busy")
    EnrollmentFactory.create_batch(2, course=busy)
    ReviewFactory(course=liked, rating=5)
    ReviewFactory(course=quiet, rating=2)

    ordered = {
        ordering: _titles(graphql(CATALOG, {"ordering": ordering}))
        for ordering in ("title", "-title", "-total_students", "-rating", "created")
    }

    assert ordered == {
        "title": ["A busy", "B quiet", "C liked"],
        "-title": ["C liked", "B quiet", "A busy"],
        "-total_students": ["A busy", "C liked", "B quiet"],
        "-rating": ["C liked", "B quiet", "A busy"],
        "created": ["B quiet", "C liked", "A busy"],
    }


@pytest.mark.parametrize("ordering", ["nope", "", "-", "title; DROP", "x" * 10_000])
def test_unknown_orderings_are_bad_input(graphql, ordering):
    CourseFactory()

    result = graphql(CATALOG, {"ordering": ordering})

    assert codes(result) == ["BAD_USER_INPUT"]
    assert result["data"] is None


def test_courses_show_ratings_and_covers(graphql, course):
    ReviewFactory(course=course, rating=5)
    ReviewFactory(course=course, rating=2)
    update_course(course=course, by=course.owner, cover=png_upload(size=(64, 48)))
    bare = CourseFactory()

    results = graphql(CATALOG, {"ordering": "created"})["data"]["courses"]["results"]

    shown, plain = results
    assert (shown["totalReviews"], shown["averageRating"]) == (2, 3.5)
    assert shown["coverUrl"].startswith("http://testserver/media/covers/")
    assert shown["coverThumbnailUrl"].startswith("http://testserver/media/covers/")
    assert (shown["status"], plain["id"]) == ("published", str(bare.pk))
    assert (plain["totalReviews"], plain["averageRating"], plain["coverUrl"]) == (
        0,
        None,
        None,
    )


@pytest.mark.parametrize("count", [1, 50])
def test_catalog_with_ratings_and_covers_query_count_is_constant(
    graphql, django_assert_num_queries, warm_content_types, count
):
    for course in CourseFactory.create_batch(count):
        ReviewFactory(course=course, rating=3)
        course.cover = course.cover_thumbnail = "covers/1/x.png"
        course.save(update_fields=["cover", "cover_thumbnail"])

    # The catalog generation (the cache is empty), COUNT, the courses (with
    # counts and averages).
    with django_assert_num_queries(3):
        result = graphql(CATALOG)

    assert len(result["data"]["courses"]["results"]) == count
    assert {c["averageRating"] for c in result["data"]["courses"]["results"]} == {3.0}


# Publishing -----------------------------------------------------------------


def _draft(**fields) -> Course:
    course = CourseFactory(status=Course.Status.DRAFT, **fields)
    add_content(ModuleFactory(course=course), "text")
    return course


def test_owner_publishes_and_unpublishes(graphql):
    draft = _draft()

    published = graphql(PUBLISH, {"id": draft.pk}, as_user=draft.owner)
    unpublished = graphql(UNPUBLISH, {"id": draft.pk}, as_user=draft.owner)

    assert published["data"]["publishCourse"]["status"] == "published"
    assert published["data"]["publishCourse"]["publishedAt"] is not None
    assert unpublished["data"]["unpublishCourse"]["status"] == "draft"
    draft.refresh_from_db()
    assert draft.status == Course.Status.DRAFT


def test_an_empty_course_is_not_published(graphql):
    draft = CourseFactory(status=Course.Status.DRAFT)

    result = graphql(PUBLISH, {"id": draft.pk}, as_user=draft.owner)

    assert codes(result) == ["BAD_USER_INPUT"]
    assert "Add a module" in result["errors"][0]["message"]
    draft.refresh_from_db()
    assert draft.status == Course.Status.DRAFT


@pytest.mark.parametrize(
    ("role", "on_draft", "on_published"),
    [
        ("anonymous", "UNAUTHENTICATED", "UNAUTHENTICATED"),
        ("student", "NOT_FOUND", "FORBIDDEN"),
        ("enrolled", "FORBIDDEN", "FORBIDDEN"),
        ("other_instructor", "NOT_FOUND", "FORBIDDEN"),
    ],
)
def test_only_the_owner_publishes_or_unpublishes(graphql, role, on_draft, on_published):
    draft, published = _draft(), CourseFactory()
    user = {
        "anonymous": lambda: None,
        "student": StudentFactory,
        "enrolled": lambda: EnrollmentFactory(course=draft).student,
        "other_instructor": InstructorFactory,
    }[role]()
    if role == "enrolled":
        EnrollmentFactory(course=published, student=user)

    publishing = graphql(PUBLISH, {"id": draft.pk}, as_user=user)
    unpublishing = graphql(UNPUBLISH, {"id": published.pk}, as_user=user)

    assert codes(publishing) == [on_draft]
    assert codes(unpublishing) == [on_published]
    assert Course.objects.get(pk=draft.pk).status == Course.Status.DRAFT
    assert Course.objects.get(pk=published.pk).status == Course.Status.PUBLISHED


@pytest.mark.parametrize("role", ["anonymous", "student", "other_instructor"])
def test_a_draft_never_leaks(graphql, role):
    draft = _draft(title="Secret draft zebra")
    CourseFactory(title="Public zebra")
    user = {
        "anonymous": lambda: None,
        "student": StudentFactory,
        "other_instructor": InstructorFactory,
    }[role]()

    listed = graphql(CATALOG, as_user=user)
    searched = graphql(CATALOG, {"search": "zebra"}, as_user=user)
    typo = graphql(CATALOG, {"search": "secrat"}, as_user=user)
    detail = graphql(COURSE, {"id": draft.pk}, as_user=user)
    contents = graphql(CONTENTS, {"id": draft.pk}, as_user=user)

    assert _titles(listed) == ["Public zebra"]
    assert _titles(searched) == ["Public zebra"]
    assert _titles(typo) == []
    assert detail["data"] == {"course": None}
    expected = "UNAUTHENTICATED" if role == "anonymous" else "NOT_FOUND"
    assert codes(contents) == [expected]


def test_the_owner_finds_their_draft_everywhere(graphql):
    draft = _draft(title="Secret draft zebra")

    listed = graphql(CATALOG, as_user=draft.owner)
    searched = graphql(CATALOG, {"search": "zebra"}, as_user=draft.owner)
    detail = graphql(COURSE, {"id": draft.pk}, as_user=draft.owner)
    contents = graphql(CONTENTS, {"id": draft.pk}, as_user=draft.owner)

    assert _titles(listed) == _titles(searched) == ["Secret draft zebra"]
    assert detail["data"]["course"]["status"] == "draft"
    assert len(contents["data"]["courseContents"]) == 1
