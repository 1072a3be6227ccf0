"""Writes to the course domain. Views, API endpoints and commands call these."""

from collections.abc import Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from educa.accounts.models import User
from educa.courses.caching import invalidate_catalog
from educa.courses.covers import cover_files
from educa.courses.models import (
    CONTENT_KINDS,
    QUIZ_SETTINGS,
    RESERVED_COURSE_SLUGS,
    Content,
    Course,
    Enrollment,
    ItemBase,
    Module,
    Quiz,
    Review,
    Subject,
    validate_upload_size,
)
from educa.courses.ordering import rewrite_order
from educa.courses.permissions import (
    can_author_courses,
    can_edit_course,
    can_enroll,
    can_review_course,
)
from educa.courses.quiz_services import clean_questions, create_questions
from educa.courses.search import index_courses
from educa.courses.selectors import enrolled_student_ids
from educa.ops.updates import change_fields
from educa.realtime.notify import notify_user, notify_users, push_to_user


def _require_owner(user: User, course: Course) -> None:
    if not can_edit_course(user, course):
        raise PermissionDenied("Only the course's instructor may change it.")


_UNCHANGED = object()


def free_slug(title: str) -> str:
    """The title's slug, with `-2`, `-3`… added when a course has it already."""
    base = slugify(title)[:190].strip("-") or "course"
    if base in RESERVED_COURSE_SLUGS:
        base = f"{base}-course"
    taken = set(
        Course.objects.filter(slug__startswith=base).values_list("slug", flat=True)
    )
    number = 1
    slug = base
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


@transaction.atomic
def create_course(
    *,
    owner: User,
    subject: Subject,
    title: str,
    overview: str,
    slug: str = "",
    cover: UploadedFile | None = None,
) -> Course:
    """A new draft course. A `slug` left empty, or made from the title as the
    authoring page fills it in, is made unique by `free_slug`; one chosen by
    hand must be free."""
    if not can_author_courses(owner):
        raise PermissionDenied("Only instructors may create courses.")
    if not slug or slug == slugify(title):
        slug = free_slug(title)
    course = Course(
        owner=owner, subject=subject, title=title, slug=slug, overview=overview
    )
    course.full_clean()
    course.save()
    if cover is not None:
        _set_cover(course, cover)
    index_courses([course.pk])
    invalidate_catalog()
    return course


@transaction.atomic
def update_course(*, course: Course, by: User, **fields: Any) -> Course:
    """Change `title`, `slug`, `overview` and/or `subject`; `cover`: an
    uploaded picture replaces the cover, None removes it."""
    _require_owner(by, course)
    cover = fields.pop("cover", _UNCHANGED)
    change_fields(course, fields, editable={"title", "slug", "overview", "subject"})
    if cover is None:
        _remove_cover(course)
    elif cover is not _UNCHANGED:
        _set_cover(course, cover)
    if {"title", "overview"} & set(fields):
        index_courses([course.pk])
    invalidate_catalog()
    return course


def _set_cover(course: Course, upload: UploadedFile) -> None:
    try:
        validate_upload_size(upload)
        large, small = cover_files(upload)
    except ValidationError as error:
        raise ValidationError({"cover": error.messages}) from error
    _forget_cover_files(course)
    course.cover.save(large.name, large, save=False)
    course.cover_thumbnail.save(small.name, small, save=False)
    course.save(update_fields=["cover", "cover_thumbnail"])


def _remove_cover(course: Course) -> None:
    _forget_cover_files(course)
    course.cover = course.cover_thumbnail = ""
    course.save(update_fields=["cover", "cover_thumbnail"])


def _forget_cover_files(course: Course) -> None:
    """Delete the course's current cover files once the change is committed."""
    names = [name for name in (course.cover.name, course.cover_thumbnail.name) if name]
    transaction.on_commit(lambda: [default_storage.delete(name) for name in names])


@transaction.atomic
def publish_course(*, course: Course, by: User) -> Course:
    """Open the course to everyone: catalog, search, enrolling. It needs a
    module with some content first."""
    _require_owner(by, course)
    if course.is_published:
        return course
    if not Content.objects.filter(module__course=course).exists():
        raise ValidationError(
            "Add a module with some content before publishing the course.",
            code="empty_course",
        )
    course.status = Course.Status.PUBLISHED
    course.published_at = timezone.now()
    course.save(update_fields=["status", "published_at"])
    invalidate_catalog()
    return course


@transaction.atomic
def unpublish_course(*, course: Course, by: User) -> Course:
    """Back to a draft: gone from the catalog and closed to new students; the
    students it has keep their access."""
    _require_owner(by, course)
    if course.is_published:
        course.status = Course.Status.DRAFT
        course.save(update_fields=["status"])
        invalidate_catalog()
    return course


@transaction.atomic
def delete_course(*, course: Course, by: User) -> None:
    _require_owner(by, course)
    # Items point at the course, so they go with it.
    course.delete()
    invalidate_catalog()


@transaction.atomic
def add_module(
    *, course: Course, by: User, title: str, description: str = ""
) -> Module:
    _require_owner(by, course)
    # Appends take the next position: lock the course so two appends
    # cannot compute the same one.
    Course.objects.select_for_update().filter(pk=course.pk).first()
    module = Module(course=course, title=title, description=description)
    module.full_clean(exclude=["order"])
    module.save()
    index_courses([course.pk])
    invalidate_catalog()
    return module


@transaction.atomic
def update_module(*, module: Module, by: User, **fields: Any) -> Module:
    """Change `title` and/or `description`."""
    _require_owner(by, module.course)
    change_fields(module, fields, editable={"title", "description"})
    if "title" in fields:
        index_courses([module.course_id])
    invalidate_catalog()
    return module


@transaction.atomic
def delete_module(*, module: Module, by: User) -> None:
    _require_owner(by, module.course)
    for content in module.contents.prefetch_related("item"):
        content.item.delete()
    module.delete()
    index_courses([module.course_id])
    invalidate_catalog()


@transaction.atomic
def reorder_modules(*, course: Course, by: User, module_ids: Sequence[int]) -> None:
    """Put the course's modules in the order of `module_ids` (each exactly once)."""
    _require_owner(by, course)
    rewrite_order(course.modules.all(), module_ids)
    invalidate_catalog()


def _item_model(kind: str) -> type[ItemBase]:
    if kind not in CONTENT_KINDS:
        raise ValidationError(f"Unknown content type {kind!r}.")
    return ContentType.objects.get_by_natural_key("courses", kind).model_class()


@transaction.atomic
def add_content(
    *, module: Module, by: User, kind: str, title: str, **data: Any
) -> Content:
    """Append a `kind` item (text/video/image/file/quiz) to the module.

    `data` holds the kind's own field: `content` (text), `url` (video),
    `file` (image and file: an uploaded file), or a quiz's settings
    (`pass_percent`, `max_attempts`, `time_limit_seconds`, `shuffle_questions`,
    `shuffle_choices`, `grading`, `review`) and `questions` (see
    `educa.courses.quiz_services.clean_question`).
    """
    _require_owner(by, module.course)
    model = _item_model(kind)
    questions = _quiz_questions(model, data)
    if isinstance(data.get("file"), UploadedFile) and hasattr(model, "prepare_upload"):
        data |= model.prepare_upload(data["file"])
    item = model(owner=by, course=module.course, title=title, **data)
    item.full_clean()
    Module.objects.select_for_update().filter(pk=module.pk).first()
    item.save()
    if questions:
        create_questions(item, questions)
    content = Content.objects.create(module=module, item=item)
    invalidate_catalog()
    _announce_new_content(content)
    return content


def _quiz_questions(model: type[ItemBase], data: dict[str, Any]) -> list | None:
    """The cleaned `questions` taken out of `data` (quizzes only)."""
    if "questions" not in data:
        return None
    if model is not Quiz:
        raise ValidationError({"questions": ["Only quizzes have questions."]})
    return clean_questions(data.pop("questions"))


@transaction.atomic
def update_content(*, content: Content, by: User, **fields: Any) -> Content:
    """Change the item's `title` and its kind's own field: `url` (video),
    `file` (image, file), `text` (a text's body; the keyword `content`
    already names the Content being changed), or a quiz's settings and
    `questions` (replacing them all: attempts already made keep the
    questions they froze, and their scores).
    """
    _require_owner(by, content.module.course)
    item = content.item
    questions = _quiz_questions(type(item), fields)
    if "text" in fields:
        fields["content"] = fields.pop("text")
    own_fields = {field.name for field in item._meta.fields}
    also_set = {}
    if isinstance(fields.get("file"), UploadedFile) and hasattr(item, "prepare_upload"):
        also_set = item.prepare_upload(fields["file"])
    change_fields(
        item,
        fields | also_set,
        editable={"title", "content", "url", "file", *QUIZ_SETTINGS} & own_fields
        | set(also_set),
        also_save=["updated"],
    )
    if questions is not None:
        Quiz.objects.select_for_update().filter(pk=item.pk).first()
        item.questions.all().delete()
        create_questions(item, questions)
    invalidate_catalog()
    return content


@transaction.atomic
def delete_content(*, content: Content, by: User) -> None:
    _require_owner(by, content.module.course)
    # Deleting the item deletes its Content row through the generic relation.
    content.item.delete()
    invalidate_catalog()


@transaction.atomic
def reorder_contents(*, module: Module, by: User, content_ids: Sequence[int]) -> None:
    """Put the module's contents in the order of `content_ids` (each exactly once)."""
    _require_owner(by, module.course)
    rewrite_order(module.contents.all(), content_ids)
    invalidate_catalog()


@transaction.atomic
def edit_modules(
    *,
    course: Course,
    by: User,
    added: Sequence[dict[str, str]] = (),
    changed: Sequence[tuple[Module, dict[str, str]]] = (),
    deleted: Sequence[Module] = (),
) -> None:
    """Apply one edit of the course outline atomically: deletions, changes, appends.

    `added` and `changed` hold `title` and `description` values; every module
    named must belong to `course`.
    """
    _require_owner(by, course)
    if any(
        module.course_id != course.pk
        for module in [*deleted, *(module for module, _ in changed)]
    ):
        raise ValidationError("Those modules belong to another course.")
    for module in deleted:
        delete_module(module=module, by=by)
    for module, fields in changed:
        update_module(module=module, by=by, **fields)
    for fields in added:
        add_module(course=course, by=by, **fields)


def _announce_new_content(content: Content) -> None:
    """Tell the course's students that a module gained a content."""
    module = content.module
    course = module.course
    notify_users(
        enrolled_student_ids(course),
        {
            "type": "course.content_added",
            "course_id": course.pk,
            "course_title": course.title,
            "module_id": module.pk,
            "content_id": content.pk,
            "title": content.item.title,
            "url": reverse("student_course_module", args=[course.pk, module.pk]),
        },
    )


def _enrollment_event(kind: str, course: Course, student: User) -> dict[str, Any]:
    return {
        "type": kind,
        "course_id": course.pk,
        "course_title": course.title,
        "student_id": student.pk,
        "student": student.name,
        "url": course.get_absolute_url(),
    }


@transaction.atomic
def enroll(*, student: User, course: Course) -> Enrollment:
    """Enroll `student` in `course`; enrolling again returns the existing
    enrollment. The instructor hears of a new student."""
    if not can_enroll(student, course):
        raise PermissionDenied(
            "An instructor cannot enroll in their own course."
            if course.owner_id == student.pk
            else "This course is not open for enrolling."
        )
    enrollment, created = Enrollment.objects.get_or_create(
        student=student, course=course
    )
    if created:  # the course pages show how many students it has
        invalidate_catalog()
        # The student's streams start listening to the course's room.
        push_to_user(student.pk, {"type": "access_changed", "course_id": course.pk})
        notify_user(
            course.owner_id, _enrollment_event("enrollment.created", course, student)
        )
    return enrollment


@transaction.atomic
def unenroll(*, student: User, course: Course) -> bool:
    """Remove the enrollment; True if there was one.

    The student's open sockets hear `access_changed` and check again what
    they may still see (the course's chat room closes with 4403).
    """
    deleted, _ = Enrollment.objects.filter(student=student, course=course).delete()
    if deleted:
        invalidate_catalog()
        push_to_user(student.pk, {"type": "access_changed", "course_id": course.pk})
        notify_user(
            course.owner_id, _enrollment_event("enrollment.deleted", course, student)
        )
    return deleted > 0


@transaction.atomic
def review_course(
    *, student: User, course: Course, rating: int, text: str = ""
) -> Review:
    """Rate `course` 1-5 with optional words: the student's one review of it,
    written or changed. The instructor hears of a new one."""
    if not can_review_course(student, course):
        raise PermissionDenied("Only the course's students may review it.")
    text = text.strip()
    Review(student=student, course=course, rating=rating, text=text).full_clean(
        exclude=["course", "student"], validate_unique=False
    )
    review, created = Review.objects.update_or_create(
        student=student, course=course, defaults={"rating": rating, "text": text}
    )
    invalidate_catalog()
    if created:
        notify_user(
            course.owner_id,
            {
                "type": "course.reviewed",
                "course_id": course.pk,
                "course_title": course.title,
                "actor_name": student.name,
                "rating": rating,
                "url": course.get_absolute_url(),
            },
        )
    return review


@transaction.atomic
def delete_review(*, student: User, course: Course) -> bool:
    """Withdraw the student's own review of the course; True if there was one."""
    deleted, _ = Review.objects.filter(student=student, course=course).delete()
    if deleted:
        invalidate_catalog()
    return deleted > 0
