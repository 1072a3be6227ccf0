"""Authoring over GraphQL: the course's instructor may, everyone else is
refused (as REST refuses them) and nothing changes."""

import json

import pytest
from django.test import Client

from educa.courses.models import Content, Course, Module
from tests.factories import (
    CourseFactory,
    EnrollmentFactory,
    ModuleFactory,
    SubjectFactory,
    add_content,
    png_upload,
)
from tests.graphql.conftest import bearer, codes

CREATE_COURSE = """
mutation($subject: ID!, $slug: String!) {
  createCourse(input: {subjectId: $subject, title: "New", slug: $slug,
                       overview: "All about it."}) {
    id title slug totalModules owner { username } subject { slug }
  }
}
"""


def test_instructor_creates_a_course(graphql, instructor):
    subject = SubjectFactory(slug="maths")

    result = graphql(
        CREATE_COURSE, {"subject": subject.pk, "slug": "new"}, as_user=instructor
    )

    created = result["data"]["createCourse"]
    assert created["owner"] == {"username": instructor.username}
    assert created["subject"] == {"slug": "maths"}
    assert created["totalModules"] == 0
    assert Course.objects.get(slug="new").owner == instructor


@pytest.mark.parametrize(
    ("who", "code"), [("anonymous", "UNAUTHENTICATED"), ("student", "FORBIDDEN")]
)
def test_only_instructors_create_courses(graphql, student, who, code):
    subject = SubjectFactory()
    user = student if who == "student" else None

    result = graphql(CREATE_COURSE, {"subject": subject.pk, "slug": "x"}, as_user=user)

    assert codes(result) == [code]
    assert not Course.objects.exists()


@pytest.mark.parametrize("slug", ["mine", "not a slug"])
def test_bad_slugs_are_bad_input_naming_the_field(graphql, instructor, slug):
    subject = SubjectFactory()

    result = graphql(
        CREATE_COURSE, {"subject": subject.pk, "slug": slug}, as_user=instructor
    )

    assert codes(result) == ["BAD_USER_INPUT"]
    assert "slug" in result["errors"][0]["extensions"]["fields"]
    assert not Course.objects.exists()


def test_an_empty_slug_is_made_from_the_title_as_on_every_transport(
    graphql, instructor
):
    subject = SubjectFactory()

    result = graphql(
        CREATE_COURSE, {"subject": subject.pk, "slug": ""}, as_user=instructor
    )

    assert "errors" not in result
    course = Course.objects.get()
    assert course.slug
    assert course.status == Course.Status.DRAFT


def test_unknown_subject_is_bad_input(graphql, instructor):
    result = graphql(
        CREATE_COURSE, {"subject": 999999, "slug": "x"}, as_user=instructor
    )

    assert codes(result) == ["BAD_USER_INPUT"]


# Every change to someone's course, refused to everyone but its instructor.
CHANGES = {
    "updateCourse": 'mutation($id: ID!) { updateCourse(id: $id, input: {title: "X"}) '
    "{ title } }",
    "deleteCourse": "mutation($id: ID!) { deleteCourse(id: $id) { deleted } }",
    "addModule": 'mutation($id: ID!) { addModule(courseId: $id, title: "X") { id } }',
    "reorderModules": "mutation($id: ID!, $ids: [ID!]!) "
    "{ reorderModules(courseId: $id, ids: $ids) { id } }",
    "updateModule": 'mutation($module: ID!) { updateModule(id: $module, title: "X") '
    "{ title } }",
    "deleteModule": "mutation($module: ID!) { deleteModule(id: $module) { deleted } }",
    "addContent": "mutation($module: ID!) { addContent(moduleId: $module, "
    'input: {type: TEXT, title: "X", text: "Body"}) { id } }',
    "reorderContents": "mutation($module: ID!, $contents: [ID!]!) "
    "{ reorderContents(moduleId: $module, ids: $contents) { id } }",
    "updateContent": "mutation($content: ID!) "
    '{ updateContent(id: $content, input: {title: "X"}) { title } }',
    "deleteContent": "mutation($content: ID!) { deleteContent(id: $content) "
    "{ deleted } }",
}


def _snapshot(course: Course) -> tuple:
    return (
        list(Course.objects.values_list("pk", "title")),
        list(Module.objects.values_list("pk", "title", "order")),
        list(Content.objects.values_list("pk", "order")),
        [content.item.title for content in Content.objects.all()],
    )


@pytest.fixture
def outline(course):
    modules = ModuleFactory.create_batch(2, course=course)
    contents = [add_content(modules[0], "text") for _ in range(2)]
    return {
        "id": course.pk,
        "ids": [module.pk for module in reversed(modules)],
        "module": modules[0].pk,
        "contents": [content.pk for content in reversed(contents)],
        "content": contents[0].pk,
    }


@pytest.mark.parametrize("mutation", sorted(CHANGES))
@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("anonymous", "UNAUTHENTICATED"),
        ("enrolled student", "FORBIDDEN"),
        ("other instructor", "FORBIDDEN"),
    ],
)
def test_only_the_courses_instructor_may_change_it(
    graphql, course, outline, other_instructor, mutation, who, code
):
    user = {
        "anonymous": None,
        "enrolled student": EnrollmentFactory(course=course).student,
        "other instructor": other_instructor,
    }[who]
    before = _snapshot(course)

    result = graphql(CHANGES[mutation], outline, as_user=user)

    assert codes(result) == [code]
    assert _snapshot(course) == before


@pytest.mark.parametrize("mutation", sorted(CHANGES))
def test_the_courses_instructor_may_change_it(graphql, course, outline, mutation):
    result = graphql(CHANGES[mutation], outline, as_user=course.owner)

    assert "errors" not in result, result


def test_reorder_must_name_every_module_once(graphql, course, outline):
    before = _snapshot(course)

    result = graphql(
        CHANGES["reorderModules"],
        {"id": course.pk, "ids": outline["ids"][:1]},
        as_user=course.owner,
    )

    assert codes(result) == ["BAD_USER_INPUT"]
    assert _snapshot(course) == before


def test_add_content_needs_its_kinds_field(graphql, course, outline):
    result = graphql(
        "mutation($module: ID!) { addContent(moduleId: $module, "
        'input: {type: VIDEO, title: "X", text: "not a url"}) { id } }',
        outline,
        as_user=course.owner,
    )

    assert codes(result) == ["BAD_USER_INPUT"]
    assert result["errors"][0]["extensions"]["fields"] == {
        "url": ["This field is required."]
    }


def test_add_video_refuses_a_non_video_link(graphql, course, outline):
    result = graphql(
        "mutation($module: ID!) { addContent(moduleId: $module, "
        'input: {type: VIDEO, title: "X", url: "https://example.com/"}) { id } }',
        outline,
        as_user=course.owner,
    )

    assert codes(result) == ["BAD_USER_INPUT"]
    assert Content.objects.count() == 2


def test_image_content_is_uploaded_as_multipart(db, course):
    module = ModuleFactory(course=course)
    operations = {
        "query": "mutation($module: ID!, $file: Upload!) { addContent("
        'moduleId: $module, input: {type: IMAGE, title: "Pic", file: $file}) '
        "{ __typename ... on ImageContent { file } } }",
        "variables": {"module": str(module.pk), "file": None},
    }

    response = Client().post(
        "/graphql/",
        {
            "operations": json.dumps(operations),
            "map": json.dumps({"0": ["variables.file"]}),
            "0": png_upload(),
        },
        headers={"Authorization": bearer(course.owner)},
    )

    added = response.json()["data"]["addContent"]
    assert added["__typename"] == "ImageContent"
    assert added["file"].endswith(".png")
    assert module.contents.get().item.title == "Pic"


def test_unknown_ids_are_not_found(graphql, instructor):
    result = graphql(CHANGES["deleteModule"], {"module": 999999}, as_user=instructor)

    assert codes(result) == ["NOT_FOUND"]


def test_owner_course_outline_counts_a_new_module(graphql, course):
    graphql(CHANGES["addModule"], {"id": course.pk}, as_user=course.owner)

    result = graphql(
        "query($id: ID!) { course(id: $id) { totalModules modules { title } } }",
        {"id": course.pk},
    )

    assert result["data"]["course"] == {
        "totalModules": 1,
        "modules": [{"title": "X"}],
    }


def test_student_cannot_rename_someone_elses_course(graphql, student):
    other = CourseFactory()

    result = graphql(
        'mutation($id: ID!) { updateCourse(id: $id, input: {title: "Mine now"}) '
        "{ title } }",
        {"id": other.pk},
        as_user=student,
    )

    assert codes(result) == ["FORBIDDEN"]
    other.refresh_from_db()
    assert other.title != "Mine now"
