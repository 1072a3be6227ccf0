"""The catalog, course contents, enrollment and authoring over GraphQL.

Reads go through the catalog selectors REST uses (so whatever they show or
hide, GraphQL shows or hides too), with strawberry-django's optimizer
choosing the columns, joins and prefetches for the fields asked; computed
fields read what the selectors annotate. Writes are the courses services,
which check who may make them.
"""

from collections.abc import Callable
from datetime import datetime
from enum import Enum

import strawberry
import strawberry_django
from django.db.models import QuerySet
from django.http import HttpRequest
from strawberry.file_uploads import Upload
from strawberry_django.optimizer import optimize

from educa.accounts.models import User
from educa.courses.models import CONTENT_KINDS, Content, Course, Module, Subject
from educa.courses.permissions import can_view_contents_of
from educa.courses.selectors import (
    catalog_courses,
    course_outline,
    course_with_contents,
    enrolled_courses,
    module_contents,
    popular_courses,
    subjects_with_course_counts,
)
from educa.courses.services import (
    add_content,
    add_module,
    create_course,
    delete_content,
    delete_course,
    delete_module,
    enroll,
    reorder_contents,
    reorder_modules,
    unenroll,
    update_content,
    update_course,
    update_module,
)
from educa.graphql.arguments import Window, parse_id, parse_ids, window
from educa.graphql.context import Info
from educa.graphql.errors import bad_input, forbidden, not_found
from educa.graphql.loaders import loader
from educa.graphql.permissions import signed_in

SEARCH_MAX_LENGTH = 200
ONLY_INSTRUCTOR = "Only the course's instructor and its enrolled students."


@strawberry_django.type(User, name="Person")
class PersonType:
    """What anyone may see of a person."""

    id: strawberry.ID
    username: str

    # Async: read from the row the optimizer loaded, with no thread hop.
    @strawberry_django.field(only=["display_name", "username"])
    async def name(self) -> str:
        return self.name


@strawberry_django.type(Subject, name="Subject")
class SubjectType:
    id: strawberry.ID
    title: str
    slug: str

    @strawberry.field(
        description="Courses in the subject (in `subjects`; null elsewhere)."
    )
    def total_courses(self) -> int | None:
        return getattr(self, "total_courses", None)

    @strawberry.field(description='The three most-enrolled courses: "Title (n)".')
    async def popular_courses(self, info: Info) -> list[str]:
        courses = await loader(info, popular_courses).load(self.pk)
        return [f"{course.title} ({course.total_students})" for course in courses]


@strawberry_django.type(Module, name="Module")
class ModuleType:
    id: strawberry.ID
    order: int
    title: str
    description: str


@strawberry_django.type(Course, name="Course")
class CourseType:
    id: strawberry.ID
    title: str
    slug: str
    overview: str
    created: datetime
    subject: SubjectType
    owner: PersonType
    modules: list[ModuleType]

    @strawberry_django.field(only=["subject_id"])
    async def subject_id(self) -> strawberry.ID:
        return strawberry.ID(str(self.subject_id))

    @strawberry.field(description="Modules in the course (the catalog counts them).")
    def total_modules(self) -> int:
        return self.total_modules

    @strawberry.field(description="Students enrolled (the catalog counts them).")
    def total_students(self) -> int:
        return self.total_students


@strawberry.type
class CourseList:
    """A window of a course list, and how many courses the whole list holds."""

    total_count: int
    courses: strawberry.Private[QuerySet[Course]]
    window: strawberry.Private[Window]

    @strawberry_django.field
    def results(self, info: Info) -> list[CourseType]:
        courses = optimize(self.courses, info)
        return courses[self.window.offset : self.window.stop]


def _course_list(courses: QuerySet[Course], offset: int, limit: int) -> CourseList:
    bounds = window(offset, limit)
    return CourseList(total_count=courses.count(), courses=courses, window=bounds)


def _subject(slug: str | None) -> Subject | None:
    if not slug:
        return None
    # An unknown slug matches no course rather than every course.
    return Subject.objects.filter(slug=slug[:200]).first() or Subject(pk=0)


# Contents: one GraphQL type per kind, behind the `Content` interface.


@strawberry.interface(name="Content")
class ContentType:
    """One content of a module, in order. `html` is the content rendered as
    the pages show it (the REST API's `item`)."""

    id: strawberry.ID
    order: int
    title: str
    item: strawberry.Private[object]

    @strawberry.field
    def html(self) -> str:
        return str(self.item.render())


@strawberry.type
class TextContent(ContentType):
    @strawberry.field(description="The text's Markdown source.")
    def text(self) -> str:
        return self.item.content


@strawberry.type
class VideoContent(ContentType):
    @strawberry.field
    def url(self) -> str:
        return self.item.url

    @strawberry.field(description="The player's address (YouTube or Vimeo).")
    def embed_url(self) -> str | None:
        return self.item.embed_url


@strawberry.type
class ImageContent(ContentType):
    file: str | None = strawberry.field(description="The image's absolute URL.")


@strawberry.type
class FileContent(ContentType):
    file: str | None = strawberry.field(description="The file's absolute URL.")


def _file_url(request: HttpRequest | None, item) -> str | None:
    if not item.file:
        return None
    url = item.file.url
    return request.build_absolute_uri(url) if isinstance(request, HttpRequest) else url


def _common(content: Content) -> dict:
    return {
        "id": strawberry.ID(str(content.pk)),
        "order": content.order,
        "title": content.item.title,
        "item": content.item,
    }


# Content kind -> its GraphQL object. A kind of another domain (the learning
# app's quiz) registers its own here from its module, and lists its type in
# that module's EXTRA_TYPES.
CONTENT_TYPES: dict[str, Callable[[Content, HttpRequest | None], ContentType]] = {
    "text": lambda content, _: TextContent(**_common(content)),
    "video": lambda content, _: VideoContent(**_common(content)),
    "image": lambda content, request: ImageContent(
        **_common(content), file=_file_url(request, content.item)
    ),
    "file": lambda content, request: FileContent(
        **_common(content), file=_file_url(request, content.item)
    ),
}


def content_object(content: Content, request: HttpRequest | None) -> ContentType:
    return CONTENT_TYPES[content.kind](content, request)


@strawberry.type(name="ModuleContents")
class ModuleContentsType:
    """A module with its contents in order (`courseContents`)."""

    id: strawberry.ID
    order: int
    title: str
    description: str
    contents: list[ContentType]


def _module_contents(module: Module, request: HttpRequest | None) -> ModuleContentsType:
    return ModuleContentsType(
        id=strawberry.ID(str(module.pk)),
        order=module.order,
        title=module.title,
        description=module.description,
        contents=[
            content_object(content, request) for content in module.contents.all()
        ],
    )


@strawberry.type
class Enrollment:
    enrolled: bool


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


def _get(model, pk: int, *related: str):
    try:
        return model.objects.select_related(*related).get(pk=pk)
    except model.DoesNotExist:
        raise not_found(f"No such {model._meta.verbose_name}.") from None


def _fresh_course(course: Course) -> Course:
    """The course as the catalog shows it (with its counts)."""
    return catalog_courses().get(pk=course.pk)


def _subject_for(subject_id: strawberry.ID) -> Subject:
    try:
        return Subject.objects.get(pk=parse_id(subject_id, "subjectId"))
    except Subject.DoesNotExist:
        raise bad_input(
            "No such subject.", {"subjectId": ["No such subject."]}
        ) from None


def _request(info: Info) -> HttpRequest | None:
    return info.context.request


@strawberry.type
class Query:
    @strawberry_django.field(description="Subjects with their course counts.")
    def subjects(
        self, info: Info, offset: int = 0, limit: int = 50
    ) -> list[SubjectType]:
        bounds = window(offset, limit)
        return subjects_with_course_counts()[bounds.offset : bounds.stop]

    @strawberry_django.field(description="The catalog, newest first.")
    def courses(
        self,
        info: Info,
        subject: str | None = None,
        search: str | None = None,
        offset: int = 0,
        limit: int = 20,
    ) -> CourseList:
        # PostgreSQL text cannot hold NUL: such a search could match nothing.
        search = (search or "")[:SEARCH_MAX_LENGTH].replace("\x00", "")
        courses = catalog_courses(subject=_subject(subject), search=search)
        return _course_list(courses, offset, limit)

    @strawberry_django.field(description="A course, or null when there is none.")
    def course(self, info: Info, id: strawberry.ID) -> CourseType | None:
        return catalog_courses().filter(pk=parse_id(id))

    @strawberry_django.field(
        description="The course's modules with their contents: its instructor "
        "and enrolled students only."
    )
    def course_contents(
        self, info: Info, course_id: strawberry.ID
    ) -> list[ModuleContentsType]:
        user = signed_in(info)
        pk = parse_id(course_id, "courseId")
        allowed = can_view_contents_of(user, pk)
        if allowed is None:
            raise not_found("No such course.")
        if not allowed:
            raise forbidden(ONLY_INSTRUCTOR)
        course = course_with_contents(_get(Course, pk))
        request = _request(info)
        return [_module_contents(module, request) for module in course.modules.all()]

    @strawberry_django.field(description="The courses I am enrolled in.")
    def my_courses(self, info: Info, offset: int = 0, limit: int = 20) -> CourseList:
        return _course_list(enrolled_courses(signed_in(info)), offset, limit)


@strawberry.type
class Mutation:
    @strawberry_django.mutation(description="Enroll me (again is fine).")
    def enroll(self, info: Info, course_id: strawberry.ID) -> Enrollment:
        user = signed_in(info)
        enroll(student=user, course=_get(Course, parse_id(course_id, "courseId")))
        return Enrollment(enrolled=True)

    @strawberry_django.mutation(description="Leave a course.")
    def unenroll(self, info: Info, course_id: strawberry.ID) -> Enrollment:
        user = signed_in(info)
        unenroll(student=user, course=_get(Course, parse_id(course_id, "courseId")))
        return Enrollment(enrolled=False)

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
        course = _get(Course, parse_id(id))
        fields = _given(title=input.title, slug=input.slug, overview=input.overview)
        if input.subject_id is not None:
            fields["subject"] = _subject_for(input.subject_id)
        update_course(course=course, by=user, **fields)
        return _fresh_course(course)

    @strawberry_django.mutation(description="The course's instructor: delete it.")
    def delete_course(self, info: Info, id: strawberry.ID) -> Deleted:
        user = signed_in(info)
        delete_course(course=_get(Course, parse_id(id)), by=user)
        return Deleted(deleted=True)

    @strawberry_django.mutation(description="Append a module to the course.")
    def add_module(
        self,
        info: Info,
        course_id: strawberry.ID,
        title: str,
        description: str = "",
    ) -> ModuleType:
        user = signed_in(info)
        course = _get(Course, parse_id(course_id, "courseId"))
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
        module = _get(Module, parse_id(id), "course")
        fields = _given(title=title, description=description)
        return update_module(module=module, by=user, **fields)

    @strawberry_django.mutation
    def delete_module(self, info: Info, id: strawberry.ID) -> Deleted:
        user = signed_in(info)
        delete_module(module=_get(Module, parse_id(id), "course"), by=user)
        return Deleted(deleted=True)

    @strawberry_django.mutation(
        description="Every module id of the course exactly once, in the new order."
    )
    def reorder_modules(
        self, info: Info, course_id: strawberry.ID, ids: list[strawberry.ID]
    ) -> list[ModuleType]:
        user = signed_in(info)
        course = _get(Course, parse_id(course_id, "courseId"))
        reorder_modules(course=course, by=user, module_ids=parse_ids(ids))
        return course_outline(course)

    @strawberry_django.mutation(description="Append a content to the module.")
    def add_content(
        self, info: Info, module_id: strawberry.ID, input: NewContentInput
    ) -> ContentType:
        user = signed_in(info)
        module = _get(Module, parse_id(module_id, "moduleId"), "course")
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
        return content_object(content, _request(info))

    @strawberry_django.mutation
    def update_content(
        self, info: Info, id: strawberry.ID, input: ContentChangeInput
    ) -> ContentType:
        user = signed_in(info)
        content = _get(Content, parse_id(id), "module__course", "content_type")
        fields = _given(
            title=input.title, text=input.text, url=input.url, file=input.file
        )
        content = update_content(content=content, by=user, **fields)
        return content_object(content, _request(info))

    @strawberry_django.mutation
    def delete_content(self, info: Info, id: strawberry.ID) -> Deleted:
        user = signed_in(info)
        content = _get(Content, parse_id(id), "module__course", "content_type")
        delete_content(content=content, by=user)
        return Deleted(deleted=True)

    @strawberry_django.mutation(
        description="Every content id of the module exactly once, in the new order."
    )
    def reorder_contents(
        self, info: Info, module_id: strawberry.ID, ids: list[strawberry.ID]
    ) -> list[ContentType]:
        user = signed_in(info)
        module = _get(Module, parse_id(module_id, "moduleId"), "course")
        reorder_contents(module=module, by=user, content_ids=parse_ids(ids))
        request = _request(info)
        return [content_object(content, request) for content in module_contents(module)]


# Types the schema must know although no field names them directly.
EXTRA_TYPES = [TextContent, VideoContent, ImageContent, FileContent]
