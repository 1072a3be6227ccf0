"""Instructors write courses, modules and contents; everyone else is refused."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PillowImage

from educa.courses.models import Content, Course, Module
from tests.factories import ModuleFactory, SubjectFactory, add_content, png_upload

REFUSED = [
    ("anonymous", 401),
    ("student", 403),
    ("enrolled_student", 403),
    ("other_instructor", 403),
]


@pytest.fixture
def client_of(request, api, as_user):
    def client(who: str):
        return api if who == "anonymous" else as_user(request.getfixturevalue(who))

    return client


def test_instructor_creates_a_course(as_user, instructor):
    subject = SubjectFactory()

    response = as_user(instructor).post(
        "/api/courses/",
        {"subject": subject.pk, "title": "New", "slug": "new", "overview": "All."},
        format="json",
    )

    assert response.status_code == 201
    course = Course.objects.get(slug="new")
    assert (course.owner, course.subject, course.title) == (instructor, subject, "New")
    assert response.json()["id"] == course.pk
    assert response.json()["modules"] == []


@pytest.mark.parametrize(("who", "status"), [("anonymous", 401), ("student", 403)])
def test_only_instructors_create_courses(client_of, db, who, status):
    subject = SubjectFactory()

    response = client_of(who).post(
        "/api/courses/",
        {"subject": subject.pk, "title": "New", "slug": "new", "overview": "All."},
        format="json",
    )

    assert response.status_code == status
    assert not Course.objects.exists()


@pytest.mark.parametrize("slug", ["mine", "create"])
def test_course_slug_reserved_by_the_pages_is_a_400(as_user, instructor, slug):
    response = as_user(instructor).post(
        "/api/courses/",
        {"subject": SubjectFactory().pk, "title": "T", "slug": slug, "overview": "O"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"slug": ["That address is reserved; pick another."]}
    assert not Course.objects.exists()


@pytest.mark.parametrize("slug", ["mine", "create"])
def test_course_cannot_be_renamed_to_a_reserved_slug(as_user, course, slug):
    before = course.slug

    response = as_user(course.owner).patch(
        f"/api/courses/{course.pk}/", {"slug": slug}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["slug"]
    course.refresh_from_db()
    assert course.slug == before


def test_course_with_a_taken_slug_is_a_400(as_user, instructor, course):
    response = as_user(instructor).post(
        "/api/courses/",
        {
            "subject": course.subject_id,
            "title": "T",
            "slug": course.slug,
            "overview": "O",
        },
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["slug"]
    assert Course.objects.count() == 1


def test_owner_updates_a_course(as_user, instructor, course):
    response = as_user(instructor).patch(
        f"/api/courses/{course.pk}/", {"title": "Renamed"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["title"] == "Renamed"
    course.refresh_from_db()
    assert course.title == "Renamed"


@pytest.mark.parametrize(("who", "status"), REFUSED)
def test_others_cannot_update_a_course(client_of, course, who, status):
    response = client_of(who).patch(
        f"/api/courses/{course.pk}/", {"title": "Hijacked"}, format="json"
    )

    assert response.status_code == status
    course.refresh_from_db()
    assert course.title != "Hijacked"


def test_owner_deletes_a_course(as_user, instructor, course):
    response = as_user(instructor).delete(f"/api/courses/{course.pk}/")

    assert response.status_code == 204
    assert not Course.objects.filter(pk=course.pk).exists()


@pytest.mark.parametrize(("who", "status"), REFUSED)
def test_others_cannot_delete_a_course(client_of, course, who, status):
    response = client_of(who).delete(f"/api/courses/{course.pk}/")

    assert response.status_code == status
    assert Course.objects.filter(pk=course.pk).exists()


def test_owner_adds_modules_at_the_end(as_user, instructor, course):
    client = as_user(instructor)

    client.post(f"/api/courses/{course.pk}/modules/", {"title": "A"}, format="json")
    response = client.post(
        f"/api/courses/{course.pk}/modules/",
        {"title": "B", "description": "Second"},
        format="json",
    )

    assert response.status_code == 201
    assert response.json() == {
        "id": response.json()["id"],
        "order": 1,
        "title": "B",
        "description": "Second",
    }
    assert list(course.modules.values_list("title", flat=True)) == ["A", "B"]


@pytest.mark.parametrize(("who", "status"), REFUSED)
def test_others_cannot_add_modules(client_of, course, who, status):
    response = client_of(who).post(
        f"/api/courses/{course.pk}/modules/", {"title": "X"}, format="json"
    )

    assert response.status_code == status
    assert not course.modules.exists()


def test_owner_renames_and_deletes_a_module(as_user, instructor, course):
    module = ModuleFactory(course=course)
    add_content(module, "text")
    client = as_user(instructor)

    renamed = client.patch(f"/api/modules/{module.pk}/", {"title": "R"}, format="json")
    deleted = client.delete(f"/api/modules/{module.pk}/")

    assert renamed.json()["title"] == "R"
    assert deleted.status_code == 204
    assert not Module.objects.exists()
    assert not Content.objects.exists()


@pytest.mark.parametrize(("who", "status"), REFUSED)
def test_others_cannot_change_a_module(client_of, course, who, status):
    module = ModuleFactory(course=course, title="Kept")
    client = client_of(who)

    renamed = client.patch(f"/api/modules/{module.pk}/", {"title": "X"}, format="json")
    deleted = client.delete(f"/api/modules/{module.pk}/")

    assert (renamed.status_code, deleted.status_code) == (status, status)
    module.refresh_from_db()
    assert module.title == "Kept"


def test_reorder_modules_takes_the_full_id_list(as_user, instructor, course):
    a, b, c = ModuleFactory.create_batch(3, course=course)

    response = as_user(instructor).post(
        f"/api/courses/{course.pk}/modules/reorder/",
        {"ids": [c.pk, a.pk, b.pk]},
        format="json",
    )

    assert response.status_code == 200
    assert [m["id"] for m in response.json()] == [c.pk, a.pk, b.pk]
    assert list(course.modules.values_list("pk", flat=True)) == [c.pk, a.pk, b.pk]


@pytest.mark.parametrize(
    "ids", [lambda a, b: [a], lambda a, b: [a, b, b], lambda a, b: [a, b, 999999]]
)
def test_reorder_rejects_lists_that_are_not_exactly_the_children(
    as_user, instructor, course, ids
):
    a, b = ModuleFactory.create_batch(2, course=course)

    response = as_user(instructor).post(
        f"/api/courses/{course.pk}/modules/reorder/",
        {"ids": ids(a.pk, b.pk)},
        format="json",
    )

    assert response.status_code == 400
    assert list(course.modules.values_list("pk", flat=True)) == [a.pk, b.pk]


@pytest.mark.parametrize(("who", "status"), REFUSED)
def test_others_cannot_reorder_modules(client_of, course, who, status):
    a, b = ModuleFactory.create_batch(2, course=course)

    response = client_of(who).post(
        f"/api/courses/{course.pk}/modules/reorder/",
        {"ids": [b.pk, a.pk]},
        format="json",
    )

    assert response.status_code == status
    assert list(course.modules.values_list("pk", flat=True)) == [a.pk, b.pk]


@pytest.mark.parametrize(
    ("payload", "field", "value"),
    [
        ({"type": "text", "content": "Hello"}, "content", "Hello"),
        (
            {"type": "video", "url": "https://vimeo.com/76979871"},
            "embed_url",
            "https://player.vimeo.com/video/76979871",
        ),
    ],
)
def test_owner_adds_text_and_video_as_json(
    as_user, instructor, course, payload, field, value
):
    module = ModuleFactory(course=course)

    response = as_user(instructor).post(
        f"/api/modules/{module.pk}/contents/", {"title": "T", **payload}, format="json"
    )

    assert response.status_code == 201
    assert response.json()[field] == value
    assert response.json()["type"] == payload["type"]
    assert module.contents.get().item.title == "T"


@pytest.mark.parametrize(
    ("kind", "upload"),
    [
        ("image", png_upload),
        ("file", lambda: SimpleUploadedFile("notes.pdf", b"%PDF-1.4")),
    ],
)
def test_owner_uploads_images_and_files_as_multipart(
    as_user, instructor, course, kind, upload
):
    module = ModuleFactory(course=course)

    response = as_user(instructor).post(
        f"/api/modules/{module.pk}/contents/",
        {"type": kind, "title": "Upload", "file": upload()},
        format="multipart",
    )

    assert response.status_code == 201
    item = module.contents.get().item
    assert response.json()["file"] == f"http://testserver{item.file.url}"
    assert item.file.name.startswith(f"courses/{course.pk}/")


def _image_bytes(image_format: str) -> bytes:
    buffer = io.BytesIO()
    PillowImage.new("RGB", (4, 4), (10, 200, 30)).save(buffer, format=image_format)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("kind", "name", "image_format", "stored", "served"),
    [
        ("image", "page.html", "GIF", ".gif", "image/gif"),
        ("image", "drawing.svg", "PNG", ".png", "image/png"),
        ("image", "photo.png", "JPEG", ".jpg", "image/jpeg"),
        ("file", "photo.png", "JPEG", ".jpg", "image/jpeg"),
        ("file", "chart.webp", "PNG", ".png", "image/png"),
    ],
)
def test_uploaded_images_are_stored_and_served_as_what_they_are(
    as_user, client, course, kind, name, image_format, stored, served
):
    module = ModuleFactory(course=course)
    upload = SimpleUploadedFile(name, _image_bytes(image_format))

    response = as_user(course.owner).post(
        f"/api/modules/{module.pk}/contents/",
        {"type": kind, "title": "Upload", "file": upload},
        format="multipart",
    )
    item = module.contents.get().item
    client.force_login(course.owner)
    download = client.get(item.file.url)

    assert response.status_code == 201
    assert item.file.name.endswith(stored)
    assert download["Content-Type"] == served
    assert "attachment" not in download.get("Content-Disposition", "")


def test_a_file_named_as_an_image_must_be_one(as_user, course):
    module = ModuleFactory(course=course)
    upload = SimpleUploadedFile("cat.png", b"<script>alert(1)</script>", "image/png")

    response = as_user(course.owner).post(
        f"/api/modules/{module.pk}/contents/",
        {"type": "file", "title": "Not a cat", "file": upload},
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json() == {
        "file": ["The file is named like an image but is not one."]
    }
    assert not module.contents.exists()


def test_replacing_an_image_names_it_from_its_content(as_user, course):
    content = add_content(ModuleFactory(course=course), "image")

    response = as_user(course.owner).patch(
        f"/api/contents/{content.pk}/",
        {"file": SimpleUploadedFile("new.html", _image_bytes("GIF"))},
        format="multipart",
    )

    assert response.status_code == 200
    content.item.refresh_from_db()
    assert content.item.file.name.endswith(".gif")


def test_an_image_that_is_not_an_image_is_a_400(as_user, instructor, course):
    module = ModuleFactory(course=course)

    response = as_user(instructor).post(
        f"/api/modules/{module.pk}/contents/",
        {"type": "image", "title": "Fake", "file": SimpleUploadedFile("x.png", b"no")},
        format="multipart",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["file"]
    assert not module.contents.exists()


@pytest.mark.parametrize(
    "payload",
    [
        {"type": "text", "title": "No body"},
        {"type": "video", "title": "Bad", "url": "https://example.com/video"},
        {"type": "poll", "title": "Unknown"},
        {"type": "text", "title": "T", "content": "x", "url": "https://vimeo.com/1"},
        {"type": "text", "title": "x" * 251, "content": "long title"},
    ],
)
def test_bad_content_is_a_400_and_adds_nothing(as_user, instructor, course, payload):
    module = ModuleFactory(course=course)

    response = as_user(instructor).post(
        f"/api/modules/{module.pk}/contents/", payload, format="json"
    )

    assert response.status_code == 400
    assert isinstance(response.json(), dict)
    assert not module.contents.exists()


@pytest.mark.parametrize(("who", "status"), REFUSED)
def test_others_cannot_add_contents(client_of, course, who, status):
    module = ModuleFactory(course=course)

    response = client_of(who).post(
        f"/api/modules/{module.pk}/contents/",
        {"type": "text", "title": "T", "content": "x"},
        format="json",
    )

    assert response.status_code == status
    assert not module.contents.exists()


def test_owner_updates_and_deletes_a_content(as_user, instructor, course):
    content = add_content(ModuleFactory(course=course), "text")
    client = as_user(instructor)

    updated = client.patch(
        f"/api/contents/{content.pk}/", {"content": "New body"}, format="json"
    )
    deleted = client.delete(f"/api/contents/{content.pk}/")

    assert updated.json()["content"] == "New body"
    assert deleted.status_code == 204
    assert not Content.objects.exists()


def test_changing_a_field_the_kind_lacks_is_a_400(as_user, instructor, course):
    content = add_content(ModuleFactory(course=course), "text")

    response = as_user(instructor).patch(
        f"/api/contents/{content.pk}/", {"url": "https://vimeo.com/1"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"detail": ["Cannot change url."]}


@pytest.mark.parametrize(("who", "status"), REFUSED)
def test_others_cannot_change_a_content(client_of, course, who, status):
    content = add_content(ModuleFactory(course=course), "text")
    client = client_of(who)

    updated = client.patch(
        f"/api/contents/{content.pk}/", {"content": "Hijacked"}, format="json"
    )
    deleted = client.delete(f"/api/contents/{content.pk}/")

    assert (updated.status_code, deleted.status_code) == (status, status)
    content.item.refresh_from_db()
    assert content.item.content == "Some <b>text</b>."


def test_reorder_contents_takes_the_full_id_list(as_user, instructor, course):
    module = ModuleFactory(course=course)
    a, b = (add_content(module, kind) for kind in ("text", "video"))

    response = as_user(instructor).post(
        f"/api/modules/{module.pk}/contents/reorder/",
        {"ids": [b.pk, a.pk]},
        format="json",
    )

    assert [c["id"] for c in response.json()] == [b.pk, a.pk]
    assert list(module.contents.values_list("pk", flat=True)) == [b.pk, a.pk]


@pytest.mark.parametrize(("who", "status"), REFUSED)
def test_others_cannot_reorder_contents(client_of, course, who, status):
    module = ModuleFactory(course=course)
    a, b = (add_content(module, kind) for kind in ("text", "video"))

    response = client_of(who).post(
        f"/api/modules/{module.pk}/contents/reorder/",
        {"ids": [b.pk, a.pk]},
        format="json",
    )

    assert response.status_code == status
    assert list(module.contents.values_list("pk", flat=True)) == [a.pk, b.pk]
