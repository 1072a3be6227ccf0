"""Instructor pages: who may open them, and what each form and endpoint does."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from educa.courses.models import Content, Course, Module, Text
from tests.factories import (
    CourseFactory,
    ModuleFactory,
    SubjectFactory,
    add_content,
    png_upload,
)
from tests.roles import sign_in

pytestmark = pytest.mark.django_db


def _pages(course: Course) -> dict[str, str]:
    module = ModuleFactory(course=course)
    content = add_content(module, "text")
    return {
        "course_edit": reverse("course_edit", args=[course.pk]),
        "course_delete": reverse("course_delete", args=[course.pk]),
        "course_module_update": reverse("course_module_update", args=[course.pk]),
        "module_content_list": reverse("module_content_list", args=[module.pk]),
        "module_content_create": reverse(
            "module_content_create", args=[module.pk, "text"]
        ),
        "module_content_update": reverse("module_content_update", args=[content.pk]),
    }


PAGES = [
    "course_edit",
    "course_delete",
    "course_module_update",
    "module_content_list",
    "module_content_create",
    "module_content_update",
]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(
    ("role", "status"),
    [("student", 403), ("enrolled", 403), ("other_instructor", 404), ("owner", 200)],
)
def test_course_authoring_pages_open_only_for_the_owner(
    client, course, page, role, status
):
    url = _pages(course)[page]
    sign_in(client, role, course)

    response = client.get(url)

    assert response.status_code == status


@pytest.mark.parametrize("page", PAGES)
def test_course_authoring_pages_send_anonymous_visitors_to_sign_in(
    client, course, page
):
    url = _pages(course)[page]

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


@pytest.mark.parametrize(
    ("role", "status"), [("student", 403), ("other_instructor", 200)]
)
def test_my_courses_and_create_pages_are_for_instructors(client, course, role, status):
    sign_in(client, role, course)

    statuses = [
        client.get(reverse(n)).status_code
        for n in ("manage_course_list", "course_create")
    ]

    assert statuses == [status, status]


def test_student_sees_a_friendly_403_page(client, course):
    sign_in(client, "student", course)

    response = client.get(reverse("course_create"))

    assert "Only instructors may author courses." in response.content.decode()


def test_my_courses_lists_only_own_courses(client, instructor):
    CourseFactory(owner=instructor, title="Mine")
    CourseFactory(title="Someone else's")
    client.force_login(instructor)

    response = client.get(reverse("manage_course_list"))

    assert [c.title for c in response.context["courses"]] == ["Mine"]


def test_my_courses_empty_state_invites_to_create_the_first(client, instructor):
    client.force_login(instructor)

    response = client.get(reverse("manage_course_list"))

    assert "No courses yet — create your first." in response.content.decode()


@pytest.mark.parametrize("courses", [1, 8])
def test_my_courses_query_count_does_not_grow(
    client, instructor, django_assert_num_queries, courses
):
    CourseFactory.create_batch(courses, owner=instructor)
    client.force_login(instructor)

    # session, user, user permissions, group permissions, courses
    with django_assert_num_queries(5):
        client.get(reverse("manage_course_list"))


def test_instructor_creates_a_course_and_goes_on_to_its_modules(client, instructor):
    subject = SubjectFactory()
    client.force_login(instructor)

    response = client.post(
        reverse("course_create"),
        {"subject": subject.pk, "title": "Sets", "slug": "sets", "overview": "∅"},
    )

    course = Course.objects.get(slug="sets")
    assert (course.owner, course.title) == (instructor, "Sets")
    assert response["Location"] == reverse("course_module_update", args=[course.pk])


@pytest.mark.parametrize("slug", ["mine", "create"])
def test_course_slug_cannot_shadow_a_page(client, instructor, slug):
    client.force_login(instructor)

    response = client.post(
        reverse("course_create"),
        {"subject": SubjectFactory().pk, "title": "X", "slug": slug, "overview": "x"},
    )

    assert "That address is reserved" in response.content.decode()
    assert not Course.objects.exists()


def test_duplicate_slug_is_a_form_error(client, course):
    client.force_login(course.owner)

    response = client.post(
        reverse("course_create"),
        {
            "subject": course.subject.pk,
            "title": "X",
            "slug": course.slug,
            "overview": "x",
        },
    )

    assert response.status_code == 200
    assert "Course with this Slug already exists." in response.content.decode()
    assert Course.objects.count() == 1


def test_owner_edits_a_course(client, course):
    client.force_login(course.owner)

    response = client.post(
        reverse("course_edit", args=[course.pk]),
        {
            "subject": course.subject.pk,
            "title": "Renamed",
            "slug": course.slug,
            "overview": "New overview.",
        },
    )

    course.refresh_from_db()
    assert response.status_code == 302
    assert (course.title, course.overview) == ("Renamed", "New overview.")


def test_a_rejected_course_edit_shows_the_error_and_changes_nothing(client, course):
    client.force_login(course.owner)
    title = course.title

    response = client.post(
        reverse("course_edit", args=[course.pk]),
        {
            "subject": course.subject.pk,
            "title": "",
            "slug": course.slug,
            "overview": "x",
        },
    )

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert f"<h1>Edit “{title}”</h1>" in response.content.decode()
    course.refresh_from_db()
    assert course.title == title


def test_other_instructor_cannot_edit_a_course(client, course, other_instructor):
    client.force_login(other_instructor)

    response = client.post(
        reverse("course_edit", args=[course.pk]),
        {
            "subject": course.subject.pk,
            "title": "Hijacked",
            "slug": "h",
            "overview": "x",
        },
    )

    assert response.status_code == 404
    course.refresh_from_db()
    assert course.title != "Hijacked"


def test_delete_asks_for_confirmation_then_deletes(client, course):
    client.force_login(course.owner)
    url = reverse("course_delete", args=[course.pk])

    confirmation = client.get(url)
    response = client.post(url)

    assert "This cannot be undone." in confirmation.content.decode()
    assert Course.objects.filter(pk=course.pk).exists() is False
    assert response["Location"] == reverse("manage_course_list")


def test_other_instructor_cannot_delete_a_course(client, course, other_instructor):
    client.force_login(other_instructor)

    response = client.post(reverse("course_delete", args=[course.pk]))

    assert response.status_code == 404
    assert Course.objects.filter(pk=course.pk).exists()


def _formset_data(course: Course, rows: list[dict]) -> dict:
    existing = list(course.modules.order_by("order"))
    data = {
        "modules-TOTAL_FORMS": str(len(rows)),
        "modules-INITIAL_FORMS": str(len(existing)),
        "modules-MIN_NUM_FORMS": "0",
        "modules-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        if index < len(existing):
            data[f"modules-{index}-id"] = str(existing[index].pk)
        data[f"modules-{index}-course"] = str(course.pk)
        for key, value in row.items():
            data[f"modules-{index}-{key}"] = value
    return data


def test_module_formset_adds_renames_and_deletes_modules(client, course):
    ModuleFactory(course=course, title="Keep me", description="")
    ModuleFactory(course=course, title="Remove me", description="")
    client.force_login(course.owner)

    response = client.post(
        reverse("course_module_update", args=[course.pk]),
        _formset_data(
            course,
            [
                {"title": "Kept and renamed", "description": ""},
                {"title": "Remove me", "description": "", "DELETE": "on"},
                {"title": "Added", "description": "New one"},
                {"title": "", "description": ""},
            ],
        ),
    )

    assert response.status_code == 302
    assert [(m.title, m.description) for m in course.modules.order_by("order")] == [
        ("Kept and renamed", ""),
        ("Added", "New one"),
    ]


def test_module_formset_with_a_missing_title_changes_nothing(client, course):
    ModuleFactory(course=course, title="Stays")
    client.force_login(course.owner)

    response = client.post(
        reverse("course_module_update", args=[course.pk]),
        _formset_data(course, [{"title": "", "description": "no title"}]),
    )

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert [m.title for m in course.modules.all()] == ["Stays"]


def test_module_formset_cannot_touch_another_courses_module(client, course):
    foreign = ModuleFactory(title="Foreign")
    client.force_login(course.owner)
    data = _formset_data(course, [{"title": "Taken over", "description": ""}])
    data["modules-INITIAL_FORMS"] = "1"
    data["modules-0-id"] = str(foreign.pk)

    client.post(reverse("course_module_update", args=[course.pk]), data)

    foreign.refresh_from_db()
    assert foreign.title == "Foreign"
    assert not course.modules.exists()


@pytest.mark.parametrize("contents", [1, 12])
def test_module_content_page_query_count_does_not_grow(
    client, course, django_assert_num_queries, warm_content_types, contents
):
    module = ModuleFactory(course=course)
    ModuleFactory(course=course)
    for index in range(contents):
        add_content(module, ("text", "video", "image", "file")[index % 4])
    client.force_login(course.owner)
    kinds = min(contents, 4)

    # session, user, module+course, 2 permission checks, outline, contents,
    # one query per item kind
    with django_assert_num_queries(7 + kinds):
        response = client.get(reverse("module_content_list", args=[module.pk]))

    assert len(response.context["contents"]) == contents


def _post_content(client: Client, module: Module, kind: str, data: dict):
    return client.post(reverse("module_content_create", args=[module.pk, kind]), data)


def test_owner_adds_each_kind_of_content(client, course):
    module = ModuleFactory(course=course)
    client.force_login(course.owner)

    _post_content(client, module, "text", {"title": "T", "content": "Hello"})
    _post_content(
        client, module, "video", {"title": "V", "url": "https://youtu.be/dQw4w9WgXcQ"}
    )
    _post_content(client, module, "image", {"title": "I", "file": png_upload()})
    _post_content(
        client,
        module,
        "file",
        {
            "title": "F",
            "file": SimpleUploadedFile("notes.pdf", b"%PDF-1.4", "application/pdf"),
        },
    )

    contents = list(module.contents.all())
    assert [(c.kind, c.item.title) for c in contents] == [
        ("text", "T"),
        ("video", "V"),
        ("image", "I"),
        ("file", "F"),
    ]
    image_name = contents[2].item.file.name
    assert image_name.startswith(f"courses/{course.pk}/")
    assert "picture" not in image_name


def test_unknown_content_kind_is_404(client, course):
    module = ModuleFactory(course=course)
    client.force_login(course.owner)

    response = _post_content(client, module, "poll", {"title": "Q"})

    assert response.status_code == 404
    assert not Content.objects.exists()


@pytest.mark.parametrize(
    ("kind", "upload", "message"),
    [
        (
            "image",
            SimpleUploadedFile("fake.png", b"not a picture", "image/png"),
            "Upload a valid image.",
        ),
        (
            "file",
            SimpleUploadedFile("big.txt", b"x" * 2048, "text/plain"),
            "The file is 0.0 MB; the limit is 0.0 MB.",
        ),
        (
            "file",
            SimpleUploadedFile("setup.exe", b"MZ", "application/octet-stream"),
            "File extension “exe” is not allowed.",
        ),
    ],
    ids=["not-an-image", "too-large", "type-not-allowed"],
)
def test_a_bad_upload_is_a_form_error_and_adds_nothing(
    client, course, settings, kind, upload, message
):
    settings.MAX_UPLOAD_SIZE = 1024
    module = ModuleFactory(course=course)
    client.force_login(course.owner)

    response = _post_content(client, module, kind, {"title": "F", "file": upload})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Content.objects.exists()


def test_a_link_that_is_not_youtube_or_vimeo_is_a_form_error(client, course):
    module = ModuleFactory(course=course)
    client.force_login(course.owner)

    response = _post_content(
        client, module, "video", {"title": "V", "url": "https://example.com/v"}
    )

    assert "Use a YouTube or Vimeo video link." in response.content.decode()
    assert not Content.objects.exists()


def test_other_instructor_cannot_add_content(client, course, other_instructor):
    module = ModuleFactory(course=course)
    client.force_login(other_instructor)

    response = _post_content(client, module, "text", {"title": "T", "content": "x"})

    assert response.status_code == 404
    assert not Content.objects.exists()


def test_owner_edits_a_text(client, course):
    content = add_content(ModuleFactory(course=course), "text")
    client.force_login(course.owner)

    response = client.post(
        reverse("module_content_update", args=[content.pk]),
        {"title": "Edited", "content": "New words"},
    )

    item = Text.objects.get(pk=content.object_id)
    assert response.status_code == 302
    assert (item.title, item.content) == ("Edited", "New words")


def test_owner_replaces_nothing_when_editing_an_image_title_only(client, course):
    content = add_content(ModuleFactory(course=course), "image")
    name = content.item.file.name
    client.force_login(course.owner)

    client.post(reverse("module_content_update", args=[content.pk]), {"title": "New"})

    content.item.refresh_from_db()
    assert (content.item.title, content.item.file.name) == ("New", name)


def test_owner_deletes_content(client, course):
    content = add_content(ModuleFactory(course=course), "text")
    client.force_login(course.owner)

    response = client.post(reverse("module_content_delete", args=[content.pk]))

    assert response.status_code == 302
    assert not Content.objects.exists()
    assert not Text.objects.exists()


def test_deleting_content_needs_a_post(client, course):
    content = add_content(ModuleFactory(course=course), "text")
    client.force_login(course.owner)

    response = client.get(reverse("module_content_delete", args=[content.pk]))

    assert response.status_code == 405
    assert Content.objects.count() == 1


def test_other_instructor_cannot_delete_content(client, course, other_instructor):
    content = add_content(ModuleFactory(course=course), "text")
    client.force_login(other_instructor)

    response = client.post(reverse("module_content_delete", args=[content.pk]))

    assert response.status_code == 404
    assert Content.objects.count() == 1


def _post_json(client: Client, url: str, body) -> object:
    payload = body if isinstance(body, str) else json.dumps(body)
    return client.post(url, payload, content_type="application/json")


def test_reordering_contents_saves_the_new_order(client, course):
    module = ModuleFactory(course=course)
    first, second, third = (add_content(module) for _ in range(3))
    client.force_login(course.owner)

    response = _post_json(
        client,
        reverse("content_order", args=[module.pk]),
        {"content_ids": [third.pk, first.pk, second.pk]},
    )

    assert response.json() == {"saved": True}
    assert list(module.contents.values_list("pk", flat=True)) == [
        third.pk,
        first.pk,
        second.pk,
    ]


@pytest.mark.parametrize(
    "body",
    [
        lambda ids: "{not json",
        lambda ids: "[1, 2]",
        lambda ids: {"content_ids": "1,2"},
        lambda ids: {"content_ids": [1.5]},
        lambda ids: {"content_ids": ["1"]},
        lambda ids: {"module_ids": []},
        lambda ids: {"content_ids": [ids["second"]]},
        lambda ids: {"content_ids": [ids["second"], ids["second"]]},
        lambda ids: {"content_ids": [ids["second"], ids["foreign"]]},
    ],
    ids=[
        "not-json",
        "not-an-object",
        "not-a-list",
        "floats",
        "strings",
        "wrong-key",
        "missing-one",
        "duplicate",
        "another-modules-content",
    ],
)
def test_bad_reorder_requests_get_a_400_json_and_change_nothing(client, course, body):
    module = ModuleFactory(course=course)
    first, second = add_content(module), add_content(module)
    foreign = add_content(ModuleFactory(course=course))
    client.force_login(course.owner)

    response = _post_json(
        client,
        reverse("content_order", args=[module.pk]),
        body({"second": second.pk, "foreign": foreign.pk}),
    )

    assert response.status_code == 400
    assert set(response.json()) == {"detail"}
    assert list(module.contents.values_list("pk", flat=True)) == [first.pk, second.pk]


@pytest.mark.parametrize(
    ("who", "status", "reordered"),
    [
        ("owner", 200, True),
        ("other_instructor", 404, False),
        ("owner_without_csrf_token", 403, False),
    ],
)
def test_only_the_owner_reorders_modules_and_only_with_the_csrf_token(
    course, other_instructor, who, status, reordered
):
    first, second = ModuleFactory(course=course), ModuleFactory(course=course)
    client = Client(enforce_csrf_checks=who == "owner_without_csrf_token")
    client.force_login(other_instructor if who == "other_instructor" else course.owner)

    response = _post_json(
        client,
        reverse("module_order", args=[course.pk]),
        {"module_ids": [second.pk, first.pk]},
    )

    expected = [second.pk, first.pk] if reordered else [first.pk, second.pk]
    assert response.status_code == status
    assert list(course.modules.values_list("pk", flat=True)) == expected
