"""Writes to the course domain. Views, API endpoints and commands call these."""

from collections.abc import Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse

from educa.accounts.models import User
from educa.courses.caching import invalidate_catalog
from educa.courses.models import (
    CONTENT_KINDS,
    Content,
    Course,
    Enrollment,
    ItemBase,
    Module,
    Subject,
)
from educa.courses.ordering import rewrite_order
from educa.courses.permissions import (
    can_author_courses,
    can_edit_course,
    can_enroll,
)
from educa.courses.selectors import enrolled_student_ids
from educa.ops.updates import change_fields
from educa.realtime.notify import notify_user, notify_users, push_to_user


def _require_owner(user: User, course: Course) -> None:
    if not can_edit_course(user, course):
        raise PermissionDenied("Only the course's instructor may change it.")


@transaction.atomic
def create_course(
    *, owner: User, subject: Subject, title: str, slug: str, overview: str
) -> Course:
    if not can_author_courses(owner):
        raise PermissionDenied("Only instructors may create courses.")
    course = Course(
        owner=owner, subject=subject, title=title, slug=slug, overview=overview
    )
    course.full_clean()
    course.save()
    invalidate_catalog()
    return course


@transaction.atomic
def update_course(*, course: Course, by: User, **fields: Any) -> Course:
    """Change `title`, `slug`, `overview` and/or `subject`."""
    _require_owner(by, course)
    change_fields(course, fields, editable={"title", "slug", "overview", "subject"})
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
    invalidate_catalog()
    return module


@transaction.atomic
def update_module(*, module: Module, by: User, **fields: Any) -> Module:
    """Change `title` and/or `description`."""
    _require_owner(by, module.course)
    change_fields(module, fields, editable={"title", "description"})
    invalidate_catalog()
    return module


@transaction.atomic
def delete_module(*, module: Module, by: User) -> None:
    _require_owner(by, module.course)
    for content in module.contents.prefetch_related("item"):
        content.item.delete()
    module.delete()
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
    """Append a `kind` item (text/video/image/file) to the module.

    `data` holds the kind's own field: `content` (text), `url` (video) or
    `file` (image and file: an uploaded file).
    """
    _require_owner(by, module.course)
    model = _item_model(kind)
    if isinstance(data.get("file"), UploadedFile) and hasattr(model, "prepare_upload"):
        model.prepare_upload(data["file"])
    item = model(owner=by, course=module.course, title=title, **data)
    item.full_clean()
    Module.objects.select_for_update().filter(pk=module.pk).first()
    item.save()
    content = Content.objects.create(module=module, item=item)
    invalidate_catalog()
    _announce_new_content(content)
    return content


@transaction.atomic
def update_content(*, content: Content, by: User, **fields: Any) -> Content:
    """Change the item's `title` and its kind's own field: `url` (video),
    `file` (image, file) or `text` (a text's body; the keyword `content`
    already names the Content being changed).
    """
    _require_owner(by, content.module.course)
    item = content.item
    if "text" in fields:
        fields["content"] = fields.pop("text")
    own_fields = {field.name for field in item._meta.fields}
    if isinstance(fields.get("file"), UploadedFile) and hasattr(item, "prepare_upload"):
        item.prepare_upload(fields["file"])
    change_fields(
        item,
        fields,
        editable={"title", "content", "url", "file"} & own_fields,
        also_save=["updated"],
    )
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
        raise PermissionDenied("An instructor cannot enroll in their own course.")
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
