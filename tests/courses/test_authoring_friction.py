"""Authoring without friction: slugs from titles, module rows without a round
trip, deletions that say what they take; downloads under their own names."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from educa.courses.models import Course
from educa.courses.services import add_content, create_course
from educa.courses.uploads import safe_file_name
from tests.factories import CourseFactory, ModuleFactory, SubjectFactory
from tests.factories import add_content as add_factory_content
from tests.roles import sign_in

pytestmark = pytest.mark.django_db


def _create(instructor, title: str, slug: str = "") -> Course:
    return create_course(
        owner=instructor, subject=SubjectFactory(), title=title, overview="x", slug=slug
    )


def test_an_empty_slug_is_made_from_the_title(instructor):
    assert _create(instructor, "Python: the Basics!").slug == "python-the-basics"


def test_a_slug_made_from_the_title_is_kept_unique(instructor):
    CourseFactory(slug="graphs")
    CourseFactory(slug="graphs-2")

    first = _create(instructor, "Graphs")
    # The page fills the slug in from the title, as typed.
    second = _create(instructor, "Graphs", slug="graphs")

    assert (first.slug, second.slug) == ("graphs-3", "graphs-4")


def test_a_title_that_would_shadow_a_page_gets_another_slug(instructor):
    assert _create(instructor, "Mine").slug == "mine-course"
    assert _create(instructor, "!!!").slug == "course"


def test_a_slug_chosen_by_hand_must_be_free(client, course):
    client.force_login(course.owner)

    response = client.post(
        reverse("course_create"),
        {"subject": course.subject_id, "title": "Other", "slug": course.slug},
    )

    assert "Course with this Slug already exists." in response.content.decode()
    assert Course.objects.count() == 1


def test_the_create_form_fills_the_slug_from_the_title_but_the_edit_form_not(
    client, course
):
    client.force_login(course.owner)

    create = client.get(reverse("course_create")).content.decode()
    edit = client.get(reverse("course_edit", args=[course.pk])).content.decode()

    assert 'data-slug-from="id_title"' in create
    assert "data-slug-from" not in edit
    assert 'enctype="multipart/form-data"' in create


def test_the_module_page_has_one_blank_row_and_a_template_for_more(client, course):
    ModuleFactory(course=course, title="First")
    client.force_login(course.owner)

    response = client.get(reverse("course_module_update", args=[course.pk]))

    html = response.content.decode()
    assert len(response.context["formset"].forms) == 2
    assert '<template id="module-form-template">' in html
    assert 'name="modules-__prefix__-title"' in html
    assert "data-add-module" in html


def test_rows_added_in_the_browser_are_saved_in_one_post(client, course):
    client.force_login(course.owner)
    data = {
        "modules-TOTAL_FORMS": "3",
        "modules-INITIAL_FORMS": "0",
        "modules-MIN_NUM_FORMS": "0",
        "modules-MAX_NUM_FORMS": "1000",
    }
    for index, title in enumerate(["One", "Two", "Three"]):
        data[f"modules-{index}-title"] = title

    client.post(reverse("course_module_update", args=[course.pk]), data)

    assert [m.title for m in course.modules.order_by("order")] == [
        "One",
        "Two",
        "Three",
    ]


def test_each_module_row_names_what_deleting_it_takes(client, course):
    module = ModuleFactory(course=course, title="Doomed & done")
    add_factory_content(module)
    add_factory_content(module, "video")
    client.force_login(course.owner)

    html = client.get(
        reverse("course_module_update", args=[course.pk])
    ).content.decode()

    assert 'data-module-title="Doomed &amp; done" data-module-contents="2"' in html


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("Getting started notes.txt", "Getting_started_notes.txt"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\ada\\notes.pdf", "notes.pdf"),
        ('a"b;c\r\n.txt', "abc.txt"),
        ("Übung 1.pdf", "Übung_1.pdf"),
        ("", "download"),
        ("...", "download"),
        ("x" * 300 + ".pdf", "x" * 251 + ".pdf"),
    ],
)
def test_uploaded_file_names_are_made_safe(name, safe):
    assert safe_file_name(name) == safe


@pytest.fixture
def notes(course):
    module = ModuleFactory(course=course)
    return add_content(
        module=module,
        by=course.owner,
        kind="file",
        title="Getting started notes",
        file=SimpleUploadedFile("Getting started notes.txt", b"hello", "text/plain"),
    )


def test_a_download_carries_its_original_name(client, course, notes):
    sign_in(client, "enrolled", course)

    response = client.get(notes.item.file.url)

    assert response["Content-Disposition"] == (
        'attachment; filename="Getting_started_notes.txt"'
    )
    assert notes.item.file.name != "Getting_started_notes.txt"


def test_a_non_ascii_name_is_encoded_for_the_header(client, course):
    content = add_content(
        module=ModuleFactory(course=course),
        by=course.owner,
        kind="file",
        title="Exercises",
        file=SimpleUploadedFile("Übung 1.pdf", b"%PDF-1.4", "application/pdf"),
    )
    sign_in(client, "enrolled", course)

    response = client.get(content.item.file.url)

    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%C3%9Cbung_1.pdf"
    )


def test_nginx_downloads_carry_the_original_name_too(client, course, notes, settings):
    settings.MEDIA_ACCEL_REDIRECT_PREFIX = "/protected-media/"
    sign_in(client, "enrolled", course)

    response = client.get(notes.item.file.url)

    assert response["Content-Disposition"] == (
        'attachment; filename="Getting_started_notes.txt"'
    )


def test_the_lesson_shows_name_type_and_size_and_the_title_once(client, course, notes):
    sign_in(client, "enrolled", course)

    html = client.get(
        reverse("student_course_module", args=[course.pk, notes.module_id])
    ).content.decode()

    assert html.count("Getting started notes") == 1
    assert "Download Getting_started_notes.txt" in html
    assert "TXT · 5\xa0bytes" in html
    assert 'download="Getting_started_notes.txt"' in html
