"""Authoring over GraphQL: courses, modules and contents, for the course's
instructor only (the courses services check who asks, as for REST)."""

from enum import Enum

import strawberry
import strawberry_django
from strawberry.file_uploads import Upload

from educa.courses.models import CONTENT_KINDS, Content, Course, Module, Subject
from educa.courses.permissions import visible_courses
from educa.courses.selectors import (
    content_with_item,
    course_outline,
    module_contents,
    visible_courses_with_counts,
)
from educa.courses.services import (
    add_content,
    add_module,
    create_course,
    delete_content,
    delete_course,
    delete_module,
    publish_course,
    reorder_contents,
    reorder_modules,
    unpublish_course,
    update_content,
    update_course,
    update_module,
)
from educa.graphql.arguments import parse_id, parse_ids
from educa.graphql.context import Info
from educa.graphql.courses import (
    ContentType,
    CourseType,
    ModuleType,
    content_of,
    get_or_not_found,
)
from educa.graphql.errors import bad_input, not_found
from educa.graphql.permissions import signed_in


@strawberry.type
class Deleted:
    deleted: bool


@strawberry.enum
class ContentKind(Enum):
    TEXT = "text"
    VIDEO = "video"
    IMAGE = "image"
    FILE = "file"


# The kinds made from one field; kinds with more to say (a quiz) get
# mutations of their own in their domain's module.
assert {kind.value for kind in ContentKind} <= set(CONTENT_KINDS)  # noqa: S101


@strawberry.input
class NewCourseInput:
    subject_id: strawberry.ID
    title: str
    slug: str
    overview: str


@strawberry.input
class CourseChangeInput:
    subject_id: strawberry.ID | None = None
    title: str | None = None
    slug: str | None = None
    overview: str | None = None


@strawberry.input
class NewContentInput:
    """`text` for text, `url` for video, `file` (a multipart upload) for
    image and file; the other fields are left out."""

    type: ContentKind
    title: str
    text: str | None = None
    url: str | None = None
    file: Upload | None = None


@strawberry.input
class ContentChangeInput:
    title: str | None = None
    text: str | None = None
    url: str | None = None
    file: Upload | None = None


# The item field each kind keeps its data in, as add_content takes it.
KIND_FIELD = {"text": "content", "video": "url", "image": "file", "file": "file"}


def _given(**fields) -> dict:
    return {name: value for name, value in fields.items() if value is not None}


def _fresh_course(course: Course) -> Course:
    """The course as the catalog shows it (with its counts)."""
    return visible_courses_with_counts(course.owner).get(pk=course.pk)


def _subject_for(subject_id: strawberry.ID) -> Subject:
    try:
        return Subject.objects.get(pk=parse_id(subject_id, "subjectId"))
    except Subject.DoesNotExist:
        raise bad_input(
            "No such subject.", {"subjectId": ["No such subject."]}
        ) from None


def _visible_course(info: Info, id: strawberry.ID) -> Course:
    """The course, unless it is someone else's draft (not there, as for REST)."""
    course = visible_courses(info.context.user).filter(pk=parse_id(id)).first()
    if course is None:
        raise not_found("No such course.")
    return course


@strawberry.type
class Mutation:
    @strawberry_django.mutation(description="Instructors: a new course.")
    def create_course(self, info: Info, input: NewCourseInput) -> CourseType:
        user = signed_in(info)
        course = create_course(
            owner=user,
            subject=_subject_for(input.subject_id),
            title=input.title,
            slug=input.slug,
            overview=input.overview,
        )
        return _fresh_course(course)

    @strawberry_django.mutation(description="The course's instructor: change it.")
    def update_course(
        self, info: Info, id: strawberry.ID, input: CourseChangeInput
    ) -> CourseType:
        user = signed_in(info)
        course = get_or_not_found(Course, parse_id(id))
        fields = _given(title=input.title, slug=input.slug, overview=input.overview)
        if input.subject_id is not None:
            fields["subject"] = _subject_for(input.subject_id)
        update_course(course=course, by=user, **fields)
        return _fresh_course(course)

    @strawberry_django.mutation(description="The course's instructor: delete it.")
    def delete_course(self, info: Info, id: strawberry.ID) -> Deleted:
        user = signed_in(info)
        delete_course(course=get_or_not_found(Course, parse_id(id)), by=user)
        return Deleted(deleted=True)

    @strawberry_django.mutation(
        description="The course's instructor: open the draft to everyone (it "
        "needs a module with content)."
    )
    def publish_course(self, info: Info, id: strawberry.ID) -> CourseType:
        user = signed_in(info)
        course = publish_course(course=_visible_course(info, id), by=user)
        return _fresh_course(course)

    @strawberry_django.mutation(
        description="The course's instructor: back to a draft; its students "
        "keep their access."
    )
    def unpublish_course(self, info: Info, id: strawberry.ID) -> CourseType:
        user = signed_in(info)
        course = unpublish_course(course=_visible_course(info, id), by=user)
        return _fresh_course(course)

    @strawberry_django.mutation(description="Append a module to the course.")
    def add_module(
        self,
        info: Info,
        course_id: strawberry.ID,
        title: str,
        description: str = "",
    ) -> ModuleType:
        user = signed_in(info)
        course = get_or_not_found(Course, parse_id(course_id, "courseId"))
        return add_module(course=course, by=user, title=title, description=description)

    @strawberry_django.mutation
    def update_module(
        self,
        info: Info,
        id: strawberry.ID,
        title: str | None = None,
        description: str | None = None,
    ) -> ModuleType:
        user = signed_in(info)
        module = get_or_not_found(Module, parse_id(id), "course")
        fields = _given(title=title, description=description)
        return update_module(module=module, by=user, **fields)

    @strawberry_django.mutation
    def delete_module(self, info: Info, id: strawberry.ID) -> Deleted:
        user = signed_in(info)
        delete_module(module=get_or_not_found(Module, parse_id(id), "course"), by=user)
        return Deleted(deleted=True)

    @strawberry_django.mutation(
        description="Every module id of the course exactly once, in the new order."
    )
    def reorder_modules(
        self, info: Info, course_id: strawberry.ID, ids: list[strawberry.ID]
    ) -> list[ModuleType]:
        user = signed_in(info)
        course = get_or_not_found(Course, parse_id(course_id, "courseId"))
        reorder_modules(course=course, by=user, module_ids=parse_ids(ids))
        return course_outline(course)

    @strawberry_django.mutation(description="Append a content to the module.")
    def add_content(
        self, info: Info, module_id: strawberry.ID, input: NewContentInput
    ) -> ContentType:
        user = signed_in(info)
        module = get_or_not_found(Module, parse_id(module_id, "moduleId"), "course")
        kind = input.type.value
        data = _given(content=input.text, url=input.url, file=input.file)
        if KIND_FIELD[kind] not in data:
            field = {"content": "text"}.get(KIND_FIELD[kind], KIND_FIELD[kind])
            raise bad_input(
                f"A {kind} content needs `{field}`.",
                {field: ["This field is required."]},
            )
        if extra := set(data) - {KIND_FIELD[kind]}:
            raise bad_input(f"Not used by {kind} content: {', '.join(sorted(extra))}.")
        content = add_content(
            module=module, by=user, kind=kind, title=input.title, **data
        )
        return content_of(content, info.context.http_request)

    @strawberry_django.mutation
    def update_content(
        self, info: Info, id: strawberry.ID, input: ContentChangeInput
    ) -> ContentType:
        user = signed_in(info)
        content = get_or_not_found(
            Content, parse_id(id), "module__course", "content_type"
        )
        fields = _given(
            title=input.title, text=input.text, url=input.url, file=input.file
        )
        update_content(content=content, by=user, **fields)
        # Read again as the contents list reads it (a quiz with its size).
        return content_of(content_with_item(content.pk), info.context.http_request)

    @strawberry_django.mutation
    def delete_content(self, info: Info, id: strawberry.ID) -> Deleted:
        user = signed_in(info)
        content = get_or_not_found(
            Content, parse_id(id), "module__course", "content_type"
        )
        delete_content(content=content, by=user)
        return Deleted(deleted=True)

    @strawberry_django.mutation(
        description="Every content id of the module exactly once, in the new order."
    )
    def reorder_contents(
        self, info: Info, module_id: strawberry.ID, ids: list[strawberry.ID]
    ) -> list[ContentType]:
        user = signed_in(info)
        module = get_or_not_found(Module, parse_id(module_id, "moduleId"), "course")
        reorder_contents(module=module, by=user, content_ids=parse_ids(ids))
        request = info.context.http_request
        return [content_of(content, request) for content in module_contents(module)]
