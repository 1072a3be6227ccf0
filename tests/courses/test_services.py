import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from educa.courses.models import Content, Course, Module, Text, Video
from educa.courses.services import (
    add_content,
    add_module,
    create_course,
    delete_course,
    delete_module,
    edit_modules,
    update_content,
    update_course,
)
from tests.factories import ModuleFactory, SubjectFactory, png_upload


def test_instructor_creates_a_course(instructor):
    course = create_course(
        owner=instructor,
        subject=SubjectFactory(),
        title="Algebra",
        slug="algebra",
        overview="x",
    )

    assert Course.objects.get(slug="algebra").owner == instructor == course.owner


def test_student_cannot_create_a_course(student):
    with pytest.raises(PermissionDenied):
        create_course(
            owner=student,
            subject=SubjectFactory(),
            title="Nope",
            slug="nope",
            overview="x",
        )

    assert not Course.objects.exists()


def test_other_instructor_cannot_change_a_course(course, other_instructor):
    with pytest.raises(PermissionDenied):
        update_course(course=course, by=other_instructor, title="Hijacked")

    course.refresh_from_db()
    assert course.title != "Hijacked"


def test_add_module_appends(course):
    first = add_module(course=course, by=course.owner, title="One")
    second = add_module(course=course, by=course.owner, title="Two")

    assert (first.order, second.order) == (0, 1)


def test_add_content_stores_item_and_slot(course):
    module = ModuleFactory(course=course)

    content = add_content(
        module=module, by=course.owner, kind="text", title="T", content="Hi"
    )

    assert content.item == Text.objects.get(title="T")
    assert (content.module, content.order, content.kind) == (module, 0, "text")


def test_add_content_rejects_a_non_video_link(course):
    module = ModuleFactory(course=course)

    with pytest.raises(ValidationError):
        add_content(
            module=module,
            by=course.owner,
            kind="video",
            title="V",
            url="https://example.com/clip",
        )

    assert not Video.objects.exists()
    assert not Content.objects.exists()


def test_add_content_rejects_a_file_that_is_not_an_image(course):
    module = ModuleFactory(course=course)
    fake = SimpleUploadedFile("fake.png", b"not a picture", "image/png")

    with pytest.raises(ValidationError):
        add_content(module=module, by=course.owner, kind="image", title="I", file=fake)

    assert not Content.objects.exists()


def test_uploads_are_stored_under_the_course_with_a_generated_name(course):
    module = ModuleFactory(course=course)

    content = add_content(
        module=module,
        by=course.owner,
        kind="image",
        title="I",
        file=png_upload("../../etc/passwd.png"),
    )

    name = content.item.file.name
    assert name.startswith(f"courses/{course.pk}/")
    assert name.endswith(".png")
    assert "passwd" not in name


def test_add_content_rejects_an_unknown_kind(course):
    module = ModuleFactory(course=course)

    with pytest.raises(ValidationError):
        add_content(module=module, by=course.owner, kind="poll", title="Q")


def test_deleting_a_module_deletes_its_items(course):
    module = ModuleFactory(course=course)
    add_content(module=module, by=course.owner, kind="text", title="T", content="x")

    delete_module(module=module, by=course.owner)

    assert not Text.objects.exists()
    assert not Module.objects.exists()


def test_deleting_a_course_deletes_its_items(course):
    module = ModuleFactory(course=course)
    add_content(module=module, by=course.owner, kind="text", title="T", content="x")

    delete_course(course=course, by=course.owner)

    assert not Text.objects.exists()
    assert not Content.objects.exists()


def test_update_content_takes_a_texts_body_as_text(instructor):
    module = ModuleFactory(course__owner=instructor)
    content = add_content(
        module=module, by=instructor, kind="text", title="T", content="old"
    )

    update_content(content=content, by=instructor, text="new")

    assert Text.objects.get(pk=content.object_id).content == "new"


def test_edit_modules_applies_deletions_changes_and_appends_together(instructor):
    course = ModuleFactory(course__owner=instructor, title="Old").course
    doomed = ModuleFactory(course=course, title="Doomed")
    kept = course.modules.get(title="Old")

    edit_modules(
        course=course,
        by=instructor,
        added=[{"title": "New", "description": ""}],
        changed=[(kept, {"title": "Renamed"})],
        deleted=[doomed],
    )

    assert [m.title for m in course.modules.order_by("order")] == ["Renamed", "New"]


def test_edit_modules_refuses_another_instructor(instructor, other_instructor):
    module = ModuleFactory(course__owner=instructor, title="Mine")

    with pytest.raises(PermissionDenied):
        edit_modules(course=module.course, by=other_instructor, deleted=[module])

    assert Module.objects.filter(pk=module.pk, title="Mine").exists()


def test_edit_modules_refuses_a_module_of_another_course(instructor):
    course = ModuleFactory(course__owner=instructor).course
    foreign = ModuleFactory(course__owner=instructor, title="Foreign")

    with pytest.raises(ValidationError):
        edit_modules(course=course, by=instructor, changed=[(foreign, {"title": "X"})])

    foreign.refresh_from_db()
    assert foreign.title == "Foreign"
