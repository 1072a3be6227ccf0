import pytest
from django.contrib.auth.models import AnonymousUser

from educa.courses.selectors import (
    catalog_courses,
    course_contents,
    subjects_with_course_counts,
)
from tests.factories import CourseFactory, EnrollmentFactory, ModuleFactory, add_content

pytestmark = pytest.mark.django_db


def _course_with(modules: int, contents_per_module: int):
    course = CourseFactory()
    for _ in range(modules):
        module = ModuleFactory(course=course)
        for index in range(contents_per_module):
            add_content(module, ("text", "video", "image", "file")[index % 4])
    return course


@pytest.mark.parametrize(("modules", "contents"), [(1, 1), (6, 8)])
def test_course_contents_uses_a_constant_number_of_queries(
    django_assert_num_queries, warm_content_types, modules, contents
):
    course = _course_with(modules, contents)

    # modules, contents (with content types), then one query per item kind present
    kinds = min(contents, 4)
    with django_assert_num_queries(2 + kinds):
        loaded = course_contents(course)
        items = [
            content.item.title for module in loaded for content in module.contents.all()
        ]

    assert len(loaded) == modules
    assert len(items) == modules * contents


def test_course_contents_returns_modules_and_contents_in_order():
    course = _course_with(2, 3)
    first_module = course.modules.first()
    last = first_module.contents.last()
    last.order = 99
    last.save()

    loaded = course_contents(course)

    assert [m.order for m in loaded] == [0, 1]
    assert [c.order for c in loaded[0].contents.all()] == [0, 1, 99]


@pytest.mark.parametrize("rows", [1, 15])
def test_catalog_uses_one_query_however_many_courses(django_assert_num_queries, rows):
    for _ in range(rows):
        EnrollmentFactory(course=_course_with(2, 0))

    with django_assert_num_queries(1):
        courses = list(catalog_courses(viewer=AnonymousUser()))

    assert len(courses) == rows
    assert {(c.total_modules, c.total_students) for c in courses} == {(2, 1)}
    assert {c.owner.username for c in courses}
    assert {c.subject.title for c in courses}


def test_catalog_search_matches_title_and_overview():
    CourseFactory(title="Quantum fields", overview="hard")
    CourseFactory(title="Cooking", overview="quantum leaps in taste")
    CourseFactory(title="Gardening", overview="plants")

    titles = {
        c.title for c in catalog_courses(viewer=AnonymousUser(), search="QUANTUM")
    }

    assert titles == {"Quantum fields", "Cooking"}


def test_subjects_count_their_courses():
    course = CourseFactory()
    CourseFactory(subject=course.subject)

    (subject,) = subjects_with_course_counts()

    assert subject.total_courses == 2
