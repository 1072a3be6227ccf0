"""Reads from the course domain, each in a fixed number of queries."""

from collections.abc import Sequence

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.db.models import (
    Avg,
    Count,
    F,
    FloatField,
    IntegerField,
    OrderBy,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Window,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, RowNumber

from educa.accounts.models import User
from educa.courses.models import (
    Content,
    Course,
    Enrollment,
    File,
    Image,
    Module,
    Quiz,
    Review,
    Subject,
    Text,
    Video,
)
from educa.courses.permissions import listed_courses, visible_courses
from educa.courses.search import search_courses


def _count_of(model, field: str) -> Coalesce:
    """A correlated COUNT subquery: unlike two Count() joins, counts never multiply."""
    counts = (
        model.objects.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


def _average_rating() -> Subquery:
    averages = (
        Review.objects.filter(course=OuterRef("pk"))
        .order_by()
        .values("course")
        .annotate(average=Avg("rating"))
        .values("average")
    )
    return Subquery(averages, output_field=FloatField())


# `?ordering=` values (REST, GraphQL): a field, `-` for descending. Ties are
# broken newest first, so pages never overlap. `relevance` needs a search.
ORDERINGS: dict[str, tuple[OrderBy | str, ...]] = {
    "created": ("created", "id"),
    "-created": ("-created", "-id"),
    "title": ("title", "id"),
    "-title": ("-title", "-id"),
    "total_students": ("total_students", "-created", "-id"),
    "-total_students": ("-total_students", "-created", "-id"),
    "rating": (
        F("average_rating").asc(nulls_first=True),
        "total_reviews",
        "-created",
        "-id",
    ),
    "-rating": (
        F("average_rating").desc(nulls_last=True),
        "-total_reviews",
        "-created",
        "-id",
    ),
    "relevance": ("-rank", "-created", "-id"),
}
# The catalog page's sort menu: its names for those orderings.
SORTS = {
    "relevance": "relevance",
    "newest": "-created",
    "popular": "-total_students",
    "title": "title",
    "rating": "-rating",
}


def catalog_ordering(ordering: str, *, search: str) -> str:
    """`ordering` when it is one of ORDERINGS (and, for `relevance`, there is
    a search); else the default: best match for a search, newest otherwise."""
    if ordering in ORDERINGS and (ordering != "relevance" or search.strip()):
        return ordering
    return "relevance" if search.strip() else "-created"


def _with_counts(courses: QuerySet[Course]) -> QuerySet[Course]:
    # The search vector is for the database only: never loaded, never cached.
    return (
        courses.select_related("subject", "owner")
        .defer("search_vector")
        .annotate(
            total_modules=_count_of(Module, "course"),
            total_students=_count_of(Enrollment, "course"),
            total_reviews=_count_of(Review, "course"),
            average_rating=_average_rating(),
        )
    )


def catalog_courses(
    *,
    viewer: User | AnonymousUser,
    subject: Subject | None = None,
    search: str = "",
    ordering: str = "",
) -> QuerySet[Course]:
    """The courses `viewer` finds in the catalog (published ones and their
    own drafts: `listed_courses`), with subject, owner, module, student and
    review counts and the average rating. `search` narrows them
    (educa/courses/search.py); `ordering` is one of ORDERINGS, by default the
    best match for a search and newest first otherwise.

    The one read behind the catalog pages, REST and GraphQL.
    """
    courses = _with_counts(listed_courses(viewer))
    if subject is not None:
        courses = courses.filter(subject=subject)
    if search.strip():
        courses = search_courses(courses, search)
    return courses.order_by(*ORDERINGS[catalog_ordering(ordering, search=search)])


def catalog_courses_with_outline(
    *,
    viewer: User | AnonymousUser,
    subject: Subject | None = None,
    search: str = "",
    ordering: str = "",
) -> QuerySet[Course]:
    """`catalog_courses` with each course's modules in order: one more query."""
    return catalog_courses(
        viewer=viewer, subject=subject, search=search, ordering=ordering
    ).prefetch_related(Prefetch("modules", queryset=Module.objects.order_by("order")))


def visible_courses_with_counts(viewer: User | AnonymousUser) -> QuerySet[Course]:
    """The courses `viewer` may see (`can_view_course`: drafts only for their
    instructor, an unpublished course also for its students), with the
    catalog's counts."""
    return _with_counts(visible_courses(viewer))


def visible_course(viewer: User | AnonymousUser, **lookup: object) -> Course | None:
    """The course matching `lookup` with the catalog's counts and its modules,
    when `viewer` may see it (`can_view_course`); else None."""
    return (
        visible_courses_with_counts(viewer)
        .prefetch_related(
            Prefetch("modules", queryset=Module.objects.order_by("order"))
        )
        .filter(**lookup)
        .first()
    )


def courses_with_counts() -> QuerySet[Course]:
    """Courses in any state with the catalog's counts, for pages that ask
    `can_view_course` themselves."""
    return _with_counts(Course.objects.all())


def popular_courses(
    subject_ids: Sequence[int], *, per_subject: int = 3
) -> dict[int, list[Course]]:
    """Each subject's most-enrolled published courses (`total_students` set),
    in one query."""
    ranked = (
        Course.objects.filter(
            subject_id__in=subject_ids, status=Course.Status.PUBLISHED
        )
        .annotate(
            total_students=_count_of(Enrollment, "course"),
            rank=Window(
                RowNumber(),
                partition_by=[F("subject_id")],
                order_by=[F("total_students").desc(), F("created").desc()],
            ),
        )
        .filter(rank__lte=per_subject)
        .order_by("subject_id", "rank")
    )
    by_subject: dict[int, list[Course]] = {pk: [] for pk in subject_ids}
    for course in ranked:
        by_subject[course.subject_id].append(course)
    return by_subject


def subjects_with_course_counts() -> QuerySet[Subject]:
    """Subjects by title, each with its number of published courses."""
    return Subject.objects.annotate(
        total_courses=Count(
            "courses", filter=Q(courses__status=Course.Status.PUBLISHED)
        )
    ).order_by("title")


def owned_courses(owner: User) -> QuerySet[Course]:
    """The instructor's courses, drafts too, newest first."""
    return _with_counts(Course.objects.filter(owner=owner)).order_by("-created", "-id")


def courses_taught_by(owner: User, *, viewer: User | AnonymousUser) -> QuerySet[Course]:
    """The courses on `owner`'s public profile: those `viewer` may find in
    the catalog (so their drafts only for themselves), newest first."""
    return owned_courses(owner).filter(pk__in=listed_courses(viewer).values("pk"))


def course_outline(course: Course) -> list[Module]:
    """The course's modules in order, without their contents."""
    return list(course.modules.order_by("order"))


def _contents_with_items() -> QuerySet[Content]:
    return (
        Content.objects.select_related("content_type")
        .order_by("order")
        .prefetch_related(
            GenericPrefetch(
                "item",
                [
                    Text.objects.all(),
                    File.objects.all(),
                    Image.objects.all(),
                    Video.objects.all(),
                    Quiz.objects.annotate(questions_count=Count("questions")),
                ],
            )
        )
    )


def _modules_with_contents() -> QuerySet[Module]:
    return Module.objects.order_by("order").prefetch_related(
        Prefetch("contents", queryset=_contents_with_items())
    )


def course_contents(course: Course) -> list[Module]:
    """Modules in order, each with `.contents.all()` in order and every item loaded.

    Seven queries however many modules and contents: modules, contents, and
    one per item kind (a quiz comes with its `questions_count`).
    """
    return list(_modules_with_contents().filter(course=course))


def course_with_contents(course: Course) -> Course:
    """`course` with `.modules.all()` as `course_contents` gives them
    (seven queries)."""
    prefetch_related_objects(
        [course], Prefetch("modules", queryset=_modules_with_contents())
    )
    return course


def module_contents(module: Module) -> list[Content]:
    """The module's contents in order with their items: six queries."""
    return list(_contents_with_items().filter(module=module))


def content_with_item(content_id: int) -> Content:
    """One content with its item as `module_contents` loads it."""
    return _contents_with_items().get(pk=content_id)


def course_upload(course: Course, name: str) -> Image | File | None:
    """The image or file of `course` stored under `name`, if any.

    Files of deleted items stay on disk; this keeps them from being served.
    """
    return (
        Image.objects.filter(course=course, file=name).first()
        or File.objects.filter(course=course, file=name).first()
    )


def is_course_cover(course_id: int, name: str) -> bool:
    """Whether the course's current cover (either size) is stored under `name`."""
    return (
        Course.objects.filter(pk=course_id)
        .filter(Q(cover=name) | Q(cover_thumbnail=name))
        .exists()
    )


def enrolled_courses(student: User) -> QuerySet[Course]:
    """The student's courses, newest enrollment first (unpublished ones too:
    a student keeps what they took)."""
    return _with_counts(Course.objects.filter(enrollments__student=student)).order_by(
        "-enrollments__enrolled_at"
    )


def enrolled_student_ids(course: Course) -> list[int]:
    return list(
        Enrollment.objects.filter(course=course).values_list("student_id", flat=True)
    )


def course_students(course: Course) -> QuerySet[User]:
    """The course's enrolled students, by name, in one query."""
    return User.objects.filter(
        pk__in=Enrollment.objects.filter(course_id=course.pk).values("student_id"),
        is_active=True,
    ).order_by("display_name", "username")


def course_reviews(course: Course) -> QuerySet[Review]:
    """The course's reviews, most recently written or changed first, with their
    students (account secrets left out: pages holding these are cached)."""
    return (
        Review.objects.filter(course=course)
        .select_related("student")
        .only(
            *("id", "course_id", "rating", "text", "created", "updated"),
            *("student__id", "student__username", "student__display_name"),
        )
        .order_by("-updated", "-id")
    )


def review_by(student: User, course: Course) -> Review | None:
    """`student`'s review of `course`, if they wrote one."""
    if not student.is_authenticated:
        return None
    return Review.objects.filter(student=student, course=course).first()


def course_roster(course: Course) -> QuerySet[Enrollment]:
    """The course's enrollments, earliest first, each with its student and
    `rating`: the student's rating of the course, or None."""
    ratings = Review.objects.filter(
        course_id=OuterRef("course_id"), student_id=OuterRef("student_id")
    ).values("rating")[:1]
    return (
        Enrollment.objects.filter(course=course)
        .select_related("student")
        .annotate(rating=Subquery(ratings, output_field=IntegerField()))
        .order_by("enrolled_at", "id")
    )
