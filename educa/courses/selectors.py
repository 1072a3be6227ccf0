"""Reads from the course domain, each in a fixed number of queries."""

from collections.abc import Sequence

from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.db.models import (
    Count,
    F,
    IntegerField,
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
    Subject,
    Text,
    Video,
)


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


def catalog_courses(
    *, subject: Subject | None = None, search: str = ""
) -> QuerySet[Course]:
    """Courses newest first, with subject, owner, module and student counts."""
    courses = Course.objects.select_related("subject", "owner").annotate(
        total_modules=_count_of(Module, "course"),
        total_students=_count_of(Enrollment, "course"),
    )
    if subject is not None:
        courses = courses.filter(subject=subject)
    if search := search.strip():
        courses = courses.filter(
            Q(title__icontains=search) | Q(overview__icontains=search)
        )
    return courses.order_by("-created", "-id")


def catalog_courses_with_outline(
    *, subject: Subject | None = None, search: str = ""
) -> QuerySet[Course]:
    """`catalog_courses` with each course's modules in order: one more query."""
    return catalog_courses(subject=subject, search=search).prefetch_related(
        Prefetch("modules", queryset=Module.objects.order_by("order"))
    )


def popular_courses(
    subject_ids: Sequence[int], *, per_subject: int = 3
) -> dict[int, list[Course]]:
    """Each subject's most-enrolled courses (`total_students` set), in one query."""
    ranked = (
        Course.objects.filter(subject_id__in=subject_ids)
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
    return Subject.objects.annotate(total_courses=Count("courses")).order_by("title")


def owned_courses(owner: User) -> QuerySet[Course]:
    return catalog_courses().filter(owner=owner)


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


def course_has_upload(course: Course, name: str) -> bool:
    """Whether a file or image of `course` is stored under `name`.

    Files of deleted items stay on disk; this keeps them from being served.
    """
    return (
        Image.objects.filter(course=course, file=name).exists()
        or File.objects.filter(course=course, file=name).exists()
    )


def enrolled_courses(student: User) -> QuerySet[Course]:
    """The student's courses, newest enrollment first."""
    return (
        catalog_courses()
        .filter(enrollments__student=student)
        .order_by("-enrollments__enrolled_at")
    )


def enrolled_student_ids(course: Course) -> list[int]:
    return list(
        Enrollment.objects.filter(course=course).values_list("student_id", flat=True)
    )
