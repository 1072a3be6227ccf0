"""The catalog, course contents, enrollment and authoring over GraphQL.

Reads go through the catalog selectors REST uses (so whatever they show or
hide, GraphQL shows or hides too), with strawberry-django's optimizer
choosing the columns, joins and prefetches for the fields asked; computed
fields read what the selectors annotate. Writes are the courses services,
which check who may make them.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Annotated

import strawberry
import strawberry_django
from django.db.models import QuerySet
from django.http import HttpRequest
from strawberry_django.optimizer import optimize

from educa.accounts.models import User
from educa.courses.caching import cached
from educa.courses.models import Content, Course, Module, Subject
from educa.courses.permissions import can_view_contents_of
from educa.courses.selectors import (
    ORDERINGS,
    catalog_courses,
    course_with_contents,
    enrolled_courses,
    popular_courses,
    subjects_with_course_counts,
    visible_courses_with_counts,
)
from educa.courses.services import (
    enroll,
    unenroll,
)
from educa.graphql.arguments import Window, parse_id, window
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

    @strawberry.field(description="Ratings given (the catalog counts them).")
    def total_reviews(self) -> int:
        return self.total_reviews

    @strawberry.field(description="1-5; null before any rating.")
    def average_rating(self) -> float | None:
        return self.average_rating

    @strawberry_django.field(only=["status"])
    async def status(self) -> str:
        """draft (seen by its instructor only) or published."""
        return self.status

    @strawberry_django.field(only=["published_at"])
    async def published_at(self) -> datetime | None:
        return self.published_at

    @strawberry_django.field(
        only=["cover"],
        description="The cover picture's URL; null: a placeholder is drawn.",
    )
    async def cover_url(self, info: Info) -> str | None:
        return _absolute(info.context.http_request, self.cover)

    @strawberry_django.field(
        only=["cover_thumbnail"], description="The cover at catalog size."
    )
    async def cover_thumbnail_url(self, info: Info) -> str | None:
        return _absolute(info.context.http_request, self.cover_thumbnail)


def _absolute(request: HttpRequest | None, file) -> str | None:
    """The stored file's URL, absolute over HTTP; None when there is none."""
    if not file:
        return None
    url = file.url
    return request.build_absolute_uri(url) if isinstance(request, HttpRequest) else url


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
    """One content of a module, in order."""

    id: strawberry.ID
    order: int
    title: str
    html: str = strawberry.field(
        description="The content rendered as the pages show it (REST's `item`)."
    )


@strawberry.type
class TextContent(ContentType):
    text: str = strawberry.field(description="The text's Markdown source.")


@strawberry.type
class VideoContent(ContentType):
    url: str
    embed_url: str | None = strawberry.field(
        description="The player's address (YouTube or Vimeo)."
    )


@strawberry.type
class ImageContent(ContentType):
    file: str | None = strawberry.field(description="The image's absolute URL.")


@strawberry.type
class FileContent(ContentType):
    file: str | None = strawberry.field(description="The file's absolute URL.")


def _file_url(request: HttpRequest | None, item) -> str | None:
    return _absolute(request, item.file)


ItemFields = Callable[[object, HttpRequest | None], dict]

# Content kind -> its GraphQL type and the fields of its own it reads from
# the item. A kind of another domain (the learning app's quiz) registers its
# own here from its module, and lists its type in that module's EXTRA_TYPES.
CONTENT_TYPES: dict[str, tuple[type[ContentType], ItemFields]] = {
    "text": (TextContent, lambda item, _: {"text": item.content}),
    "video": (
        VideoContent,
        lambda item, _: {"url": item.url, "embed_url": item.embed_url},
    ),
    "image": (ImageContent, lambda item, request: {"file": _file_url(request, item)}),
    "file": (FileContent, lambda item, request: {"file": _file_url(request, item)}),
}


def content_data(content: Content, request: HttpRequest | None) -> dict:
    """What a content shows, as plain data (cached with the catalog)."""
    item = content.item
    _, own_fields = CONTENT_TYPES[content.kind]
    return {
        "kind": content.kind,
        "id": str(content.pk),
        "order": content.order,
        "title": item.title,
        "html": str(item.render()),
        **own_fields(item, request),
    }


def content_object(data: dict) -> ContentType:
    fields = dict(data)
    graphql_type, _ = CONTENT_TYPES[fields.pop("kind")]
    return graphql_type(**fields)


def content_of(content: Content, request: HttpRequest | None) -> ContentType:
    return content_object(content_data(content, request))


@strawberry.type(name="ModuleContents")
class ModuleContentsType:
    """A module with its contents in order (`courseContents`)."""

    id: strawberry.ID
    order: int
    title: str
    description: str
    contents: list[ContentType]


def course_contents_data(course_id: int, request: HttpRequest | None) -> list[dict]:
    """The course's modules with their contents as plain data: six queries."""
    course = course_with_contents(get_or_not_found(Course, course_id))
    return [
        {
            "id": str(module.pk),
            "order": module.order,
            "title": module.title,
            "description": module.description,
            "contents": [
                content_data(content, request) for content in module.contents.all()
            ],
        }
        for module in course.modules.all()
    ]


def _cached_contents(course_id: int, request: HttpRequest | None) -> list[dict]:
    """Who may see them is checked before: the data is the same for all of
    them, so it is cached with the catalog generation, as REST's contents are
    (file URLs are absolute: per scheme and host)."""
    if not isinstance(request, HttpRequest):
        return course_contents_data(course_id, request)
    key = f"graphql:contents:{course_id}:{request.scheme}:{request.get_host()}"
    return cached(key, lambda: course_contents_data(course_id, request))


def module_object(data: dict) -> ModuleContentsType:
    return ModuleContentsType(
        id=data["id"],
        order=data["order"],
        title=data["title"],
        description=data["description"],
        contents=[content_object(content) for content in data["contents"]],
    )


@strawberry.type
class Enrollment:
    enrolled: bool


def get_or_not_found(model, pk: int, *related: str):
    try:
        return model.objects.select_related(*related).get(pk=pk)
    except model.DoesNotExist:
        raise not_found(f"No such {model._meta.verbose_name}.") from None


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
        ordering: Annotated[
            str | None,
            strawberry.argument(
                description="As REST's `?ordering=`: "
                + ", ".join(ORDERINGS)
                + " (`-` for descending). Default: relevance with a search, "
                "else -created."
            ),
        ] = None,
    ) -> CourseList:
        # PostgreSQL text cannot hold NUL: such a search could match nothing.
        search = (search or "")[:SEARCH_MAX_LENGTH].replace("\x00", "")
        if ordering is not None and ordering not in ORDERINGS:
            raise bad_input(f"`ordering` is one of {', '.join(ORDERINGS)}.")
        courses = catalog_courses(
            viewer=info.context.user,
            subject=_subject(subject),
            search=search,
            ordering=ordering or "",
        )
        return _course_list(courses, offset, limit)

    @strawberry_django.field(description="A course, or null when there is none.")
    def course(self, info: Info, id: strawberry.ID) -> CourseType | None:
        return visible_courses_with_counts(info.context.user).filter(pk=parse_id(id))

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
        return [
            module_object(data)
            for data in _cached_contents(pk, info.context.http_request)
        ]

    @strawberry_django.field(description="The courses I am enrolled in.")
    def my_courses(self, info: Info, offset: int = 0, limit: int = 20) -> CourseList:
        return _course_list(enrolled_courses(signed_in(info)), offset, limit)


@strawberry.type
class Mutation:
    @strawberry_django.mutation(description="Enroll me (again is fine).")
    def enroll(self, info: Info, course_id: strawberry.ID) -> Enrollment:
        user = signed_in(info)
        enroll(
            student=user,
            course=get_or_not_found(Course, parse_id(course_id, "courseId")),
        )
        return Enrollment(enrolled=True)

    @strawberry_django.mutation(description="Leave a course.")
    def unenroll(self, info: Info, course_id: strawberry.ID) -> Enrollment:
        user = signed_in(info)
        unenroll(
            student=user,
            course=get_or_not_found(Course, parse_id(course_id, "courseId")),
        )
        return Enrollment(enrolled=False)


# Types the schema must know although no field names them directly.
EXTRA_TYPES = [TextContent, VideoContent, ImageContent, FileContent]
