"""The catalog, contents and enrollment over GraphQL: the contract, who is
refused, and constant SQL counts at 1 and 50 items."""

import pytest

from educa.courses.models import Course, Enrollment
from educa.courses.services import reorder_modules, unenroll, update_course
from tests.factories import (
    CourseFactory,
    EnrollmentFactory,
    ModuleFactory,
    StudentFactory,
    SubjectFactory,
    add_content,
)
from tests.graphql.conftest import codes

CATALOG = """
query Catalog($subject: String, $search: String, $offset: Int! = 0, $limit: Int! = 20) {
  courses(subject: $subject, search: $search, offset: $offset, limit: $limit) {
    totalCount
    results {
      id title slug overview created totalModules totalStudents
      subject { id title slug }
      owner { id username name }
      modules { id order title description }
    }
  }
}
"""
COURSE = """
query Course($id: ID!) {
  course(id: $id) {
    id title totalModules totalStudents
    subject { slug } owner { username name }
    modules { id order title description }
  }
}
"""
CONTENTS = """
query Contents($id: ID!) {
  courseContents(courseId: $id) {
    id order title
    contents {
      __typename id order title html
      ... on TextContent { text }
      ... on VideoContent { url embedUrl }
      ... on ImageContent { file }
      ... on FileContent { file }
    }
  }
}
"""
MY_COURSES = """
{ myCourses(limit: 50) { totalCount results { id title totalStudents subject { title }
  owner { name } modules { title } } } }
"""


def _courses(count: int, *, students=(), modules: int = 2) -> list[Course]:
    courses = CourseFactory.create_batch(count)
    for course in courses:
        ModuleFactory.create_batch(modules, course=course)
        for student in students:
            EnrollmentFactory(course=course, student=student)
    return courses


def test_catalog_lists_courses_newest_first_with_the_rest_fields(graphql):
    subject = SubjectFactory(slug="python")
    older = CourseFactory(subject=subject, title="Older")
    newer = CourseFactory(subject=subject, title="Newer")
    ModuleFactory(course=newer, title="Intro")
    EnrollmentFactory(course=newer)

    result = graphql(CATALOG)

    page = result["data"]["courses"]
    assert page["totalCount"] == 2
    assert [course["id"] for course in page["results"]] == [
        str(newer.pk),
        str(older.pk),
    ]
    first = page["results"][0]
    assert first["title"] == "Newer"
    assert first["totalModules"] == 1
    assert first["totalStudents"] == 1
    assert first["subject"] == {
        "id": str(subject.pk),
        "title": subject.title,
        "slug": "python",
    }
    assert first["owner"]["username"] == newer.owner.username
    assert first["modules"][0]["title"] == "Intro"


def test_catalog_filters_by_subject_and_search_and_pages(graphql):
    python = SubjectFactory(slug="python")
    CourseFactory(subject=python, title="Django for beginners")
    CourseFactory(subject=python, title="Async Python")
    CourseFactory(title="Django elsewhere")

    by_subject = graphql(CATALOG, {"subject": "python"})["data"]["courses"]
    searched = graphql(CATALOG, {"search": "django"})["data"]["courses"]
    unknown = graphql(CATALOG, {"subject": "nope"})["data"]["courses"]
    paged = graphql(CATALOG, {"offset": 1, "limit": 1})["data"]["courses"]

    assert by_subject["totalCount"] == 2
    assert sorted(course["title"] for course in searched["results"]) == [
        "Django elsewhere",
        "Django for beginners",
    ]
    assert unknown == {"totalCount": 0, "results": []}
    assert paged["totalCount"] == 3
    assert [course["title"] for course in paged["results"]] == ["Async Python"]


@pytest.mark.parametrize("limit", [0, 51, -1])
def test_catalog_limit_outside_1_to_50_is_bad_input(graphql, limit):
    result = graphql(CATALOG, {"limit": limit})

    assert codes(result) == ["BAD_USER_INPUT"]
    assert result["data"] is None


def test_unknown_course_is_null(graphql):
    result = graphql(COURSE, {"id": "999999"})

    assert result["data"] == {"course": None}
    assert "errors" not in result


def test_course_shows_its_modules_in_order(graphql, course):
    second = ModuleFactory(course=course, title="Second")
    first = ModuleFactory(course=course, title="First")
    reorder_modules(course=course, by=course.owner, module_ids=[first.pk, second.pk])

    result = graphql(COURSE, {"id": str(course.pk)})

    modules = result["data"]["course"]["modules"]
    assert [module["title"] for module in modules] == ["First", "Second"]


@pytest.mark.parametrize("bad_id", ["abc", "-1", "0", "1.5", "99999999999999999999"])
def test_malformed_ids_are_bad_input(graphql, bad_id):
    result = graphql(COURSE, {"id": bad_id})

    assert codes(result) == ["BAD_USER_INPUT"]


def test_contents_have_one_type_per_kind(graphql, course, enrolled_student):
    module = ModuleFactory(course=course)
    for kind in ("text", "video", "image", "file"):
        add_content(module, kind)

    result = graphql(CONTENTS, {"id": str(course.pk)}, as_user=enrolled_student)

    contents = result["data"]["courseContents"][0]["contents"]
    assert [content["__typename"] for content in contents] == [
        "TextContent",
        "VideoContent",
        "ImageContent",
        "FileContent",
    ]
    text, video, image, file = contents
    assert text["text"] == "Some <b>text</b>."
    assert video["embedUrl"] == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    assert image["file"].startswith("http://testserver/media/courses/")
    assert file["file"].startswith("http://testserver/media/courses/")
    assert all(content["html"] for content in contents)


def test_contents_for_the_owner_too(graphql, course):
    ModuleFactory(course=course, title="Only module")

    result = graphql(CONTENTS, {"id": str(course.pk)}, as_user=course.owner)

    assert [module["title"] for module in result["data"]["courseContents"]] == [
        "Only module"
    ]


def test_contents_refused_to_anonymous_strangers_and_for_unknown_courses(
    graphql, course, student
):
    ModuleFactory(course=course)

    anonymous = graphql(CONTENTS, {"id": str(course.pk)})
    stranger = graphql(CONTENTS, {"id": str(course.pk)}, as_user=student)
    missing = graphql(CONTENTS, {"id": "999999"}, as_user=student)

    assert codes(anonymous) == ["UNAUTHENTICATED"]
    assert codes(stranger) == ["FORBIDDEN"]
    assert codes(missing) == ["NOT_FOUND"]
    assert stranger["data"] is None


def test_my_courses_lists_only_mine(graphql, student):
    mine = CourseFactory(title="Mine")
    CourseFactory(title="Not mine")
    EnrollmentFactory(course=mine, student=student)

    result = graphql(MY_COURSES, as_user=student)

    assert result["data"]["myCourses"]["totalCount"] == 1
    assert [c["title"] for c in result["data"]["myCourses"]["results"]] == ["Mine"]


def test_my_courses_needs_a_user(graphql):
    assert codes(graphql(MY_COURSES)) == ["UNAUTHENTICATED"]


def test_subjects_with_counts_and_popular_courses(graphql):
    subject = SubjectFactory(title="Python")
    popular = CourseFactory(subject=subject, title="Popular")
    EnrollmentFactory.create_batch(2, course=popular)
    CourseFactory(subject=subject, title="Quiet")

    result = graphql("{ subjects { title totalCourses popularCourses } }")

    assert result["data"]["subjects"] == [
        {
            "title": "Python",
            "totalCourses": 2,
            "popularCourses": ["Popular (2)", "Quiet (0)"],
        }
    ]


# Constant SQL: the same number of queries for 1 and for 50 items.


@pytest.mark.parametrize("count", [1, 50])
def test_catalog_query_count_is_constant(
    graphql, django_assert_num_queries, warm_content_types, count
):
    _courses(count, students=StudentFactory.create_batch(2))

    # The catalog generation (the cache is empty), COUNT, the courses
    # (subject, owner and counts joined), their modules.
    with django_assert_num_queries(4):
        result = graphql(CATALOG, {"limit": 50})

    assert len(result["data"]["courses"]["results"]) == count


@pytest.mark.parametrize("count", [1, 50])
def test_subjects_query_count_is_constant(graphql, django_assert_num_queries, count):
    for _ in range(count):
        CourseFactory(subject=SubjectFactory())

    # The subjects with their counts, then every subject's popular courses.
    with django_assert_num_queries(2):
        result = graphql("{ subjects { id title totalCourses popularCourses } }")

    assert len(result["data"]["subjects"]) == count


@pytest.mark.parametrize("count", [1, 50])
def test_course_query_count_is_constant(graphql, django_assert_num_queries, count):
    course = CourseFactory()
    ModuleFactory.create_batch(count, course=course)

    # The catalog generation, the course with its counts, its modules.
    with django_assert_num_queries(3):
        result = graphql(COURSE, {"id": str(course.pk)})

    assert len(result["data"]["course"]["modules"]) == count


@pytest.mark.parametrize("count", [1, 50])
def test_contents_query_count_is_constant(
    graphql, django_assert_num_queries, warm_content_types, count
):
    course = CourseFactory()
    student = EnrollmentFactory(course=course).student
    for module in ModuleFactory.create_batch(count, course=course):
        for kind in ("text", "video", "image", "file"):
            add_content(module, kind)

    # The user, the enrollment, the catalog generation (the cache is empty),
    # the enrollment again (the resolver's own check: the answer was not
    # kept yet), the course, modules, contents, four item kinds.
    with django_assert_num_queries(11):
        result = graphql(CONTENTS, {"id": str(course.pk)}, as_user=student)
    # Then from the cache: who may see them is still asked.
    with django_assert_num_queries(2):  # the user, the enrollment
        again = graphql(CONTENTS, {"id": str(course.pk)}, as_user=student)

    modules = result["data"]["courseContents"]
    assert [len(module["contents"]) for module in modules] == [4] * count
    assert again == result


@pytest.mark.parametrize("count", [1, 50])
def test_my_courses_query_count_is_constant(graphql, django_assert_num_queries, count):
    student = StudentFactory()
    _courses(count, students=[student])

    # The user, COUNT, the courses, their modules.
    with django_assert_num_queries(4):
        result = graphql(MY_COURSES, as_user=student)

    assert len(result["data"]["myCourses"]["results"]) == count


# Enrollment.

ENROLL = "mutation($id: ID!) { enroll(courseId: $id) { enrolled } }"
UNENROLL = "mutation($id: ID!) { unenroll(courseId: $id) { enrolled } }"


def test_enroll_twice_keeps_one_enrollment_and_unenroll_removes_it(
    graphql, course, student
):
    first = graphql(ENROLL, {"id": str(course.pk)}, as_user=student)
    second = graphql(ENROLL, {"id": str(course.pk)}, as_user=student)
    assert Enrollment.objects.filter(course=course, student=student).count() == 1

    left = graphql(UNENROLL, {"id": str(course.pk)}, as_user=student)

    assert first["data"] == second["data"] == {"enroll": {"enrolled": True}}
    assert left["data"] == {"unenroll": {"enrolled": False}}
    assert not Enrollment.objects.filter(course=course, student=student).exists()


def test_enroll_refused_to_anonymous_the_owner_and_for_unknown_courses(
    graphql, course, student
):
    anonymous = graphql(ENROLL, {"id": str(course.pk)})
    owner = graphql(ENROLL, {"id": str(course.pk)}, as_user=course.owner)
    missing = graphql(ENROLL, {"id": "999999"}, as_user=student)

    assert codes(anonymous) == ["UNAUTHENTICATED"]
    assert codes(owner) == ["FORBIDDEN"]
    assert codes(missing) == ["NOT_FOUND"]
    assert not Enrollment.objects.exists()


def test_anonymous_catalog_is_answered_from_the_cache_until_it_changes(
    graphql, django_assert_num_queries, django_capture_on_commit_callbacks, course
):
    title = course.title
    graphql(CATALOG)

    with django_assert_num_queries(0):
        cached = graphql(CATALOG)
    with django_capture_on_commit_callbacks(execute=True):
        update_course(course=course, by=course.owner, title="Renamed")
    changed = graphql(CATALOG)

    assert cached["data"]["courses"]["results"][0]["title"] == title
    assert changed["data"]["courses"]["results"][0]["title"] == "Renamed"


def test_signed_in_and_non_catalog_queries_are_not_cached(
    graphql, django_assert_max_num_queries, course, student
):
    graphql(CATALOG, as_user=student)
    graphql("{ subjects { title } }")

    with django_assert_max_num_queries(10) as signed_in:
        graphql(CATALOG, as_user=student)
    with django_assert_max_num_queries(10) as subjects:
        graphql("{ subjects { title } }")

    assert len(signed_in.captured_queries) >= 3
    assert len(subjects.captured_queries) >= 1


def test_cached_contents_are_still_refused_to_strangers(graphql, course, student):
    ModuleFactory(course=course)
    graphql(CONTENTS, {"id": str(course.pk)}, as_user=course.owner)

    result = graphql(CONTENTS, {"id": str(course.pk)}, as_user=student)

    assert codes(result) == ["FORBIDDEN"]
    assert result["data"] is None


def test_contents_answers_are_kept_per_course_and_refused_when_access_goes(
    graphql, django_assert_num_queries, django_capture_on_commit_callbacks, course
):
    student = EnrollmentFactory(course=course).student
    ModuleFactory(course=course, title="Kept")
    graphql(CONTENTS, {"id": str(course.pk)}, as_user=student)

    with django_assert_num_queries(2):  # the user, the enrollment
        kept = graphql(CONTENTS, {"id": str(course.pk)}, as_user=student)
    with django_capture_on_commit_callbacks(execute=True):
        unenroll(student=student, course=course)
    after_leaving = graphql(CONTENTS, {"id": str(course.pk)}, as_user=student)

    assert kept["data"]["courseContents"][0]["title"] == "Kept"
    assert codes(after_leaving) == ["FORBIDDEN"]


@pytest.mark.parametrize(
    "query",
    [
        "{ courseContents { id } }",
        '{ courseContents(courseId: "1", extra: 1) { id } }',
        "query($id: ID!) { courseContents(courseId: $id) { id } }",
        '{ courseContents(courseId: ["1"]) { id } }',
    ],
)
def test_malformed_contents_queries_are_bad_input_not_errors(graphql, student, query):
    result = graphql(query, as_user=student)

    assert result["status"] == 200
    assert codes(result) == ["BAD_USER_INPUT"]
