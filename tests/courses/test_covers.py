"""Course covers: checked by Pillow, cut to two 16:9 sizes, public; a
generated placeholder otherwise."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PillowImage
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from educa.courses.covers import LARGE, SMALL
from educa.courses.models import Course
from educa.courses.services import update_course
from tests.factories import InstructorFactory, SubjectFactory, png_upload

pytestmark = pytest.mark.django_db


def _stored(name: str) -> PillowImage.Image:
    with default_storage.open(name) as stored:
        picture = PillowImage.open(stored)
        picture.load()
    return picture


def _transparent_png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    PillowImage.new("RGBA", (400, 600), (0, 0, 0, 0)).save(buffer, format="PNG")
    return SimpleUploadedFile("logo.png", buffer.getvalue(), "image/png")


def _api(user) -> APIClient:
    client = APIClient()
    token = RefreshToken.for_user(user).access_token
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def test_a_cover_is_cut_to_two_jpeg_sizes(course):
    update_course(course=course, by=course.owner, cover=png_upload(size=(1000, 300)))

    large, small = _stored(course.cover.name), _stored(course.cover_thumbnail.name)
    assert (large.format, large.size) == ("JPEG", LARGE)
    assert (small.format, small.size) == ("JPEG", SMALL)
    assert course.cover.name.startswith(f"covers/{course.pk}/")


def test_transparency_is_laid_on_white(course):
    update_course(course=course, by=course.owner, cover=_transparent_png())

    assert _stored(course.cover.name).getpixel((10, 10)) == (255, 255, 255)


def test_replacing_a_cover_deletes_the_old_files_once_committed(
    course, django_capture_on_commit_callbacks
):
    update_course(course=course, by=course.owner, cover=png_upload())
    old = [course.cover.name, course.cover_thumbnail.name]

    with django_capture_on_commit_callbacks(execute=True):
        update_course(course=course, by=course.owner, cover=png_upload())

    assert not any(default_storage.exists(name) for name in old)
    assert default_storage.exists(course.cover.name)


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("fake.png", b"not an image", "image/png"),
        SimpleUploadedFile("page.html", b"<script>alert(1)</script>", "text/html"),
    ],
)
def test_a_cover_that_is_no_image_is_refused_on_the_page(client, course, upload):
    client.force_login(course.owner)

    response = client.post(
        reverse("course_edit", args=[course.pk]),
        {
            "subject": course.subject_id,
            "title": course.title,
            "slug": course.slug,
            "overview": course.overview,
            "cover": upload,
        },
    )

    course.refresh_from_db()
    assert response.status_code == 200
    assert response.context["form"].errors["cover"]
    assert not course.cover


def test_a_cover_larger_than_the_upload_limit_is_refused(course, settings):
    settings.MAX_UPLOAD_SIZE = 100

    with pytest.raises(ValidationError, match="the limit is") as refused:
        update_course(course=course, by=course.owner, cover=png_upload(size=(64, 64)))

    assert refused.value.message_dict["cover"]
    course.refresh_from_db()
    assert not course.cover


def test_an_instructor_adds_a_cover_when_creating_a_course(client):
    instructor = InstructorFactory()
    client.force_login(instructor)

    client.post(
        reverse("course_create"),
        {
            "subject": SubjectFactory().pk,
            "title": "Pictured",
            "slug": "",
            "overview": "With a cover.",
            "cover": png_upload(),
        },
    )

    course = Course.objects.get()
    assert course.slug == "pictured"
    assert _stored(course.cover_thumbnail.name).size == SMALL


def test_clearing_the_cover_on_the_page_removes_it(client, course):
    update_course(course=course, by=course.owner, cover=png_upload())
    client.force_login(course.owner)

    client.post(
        reverse("course_edit", args=[course.pk]),
        {
            "subject": course.subject_id,
            "title": course.title,
            "slug": course.slug,
            "overview": course.overview,
            "cover-clear": "on",
        },
    )

    course.refresh_from_db()
    assert (course.cover.name, course.cover_thumbnail.name) == ("", "")


def test_saving_the_form_without_a_new_cover_keeps_it(client, course):
    update_course(course=course, by=course.owner, cover=png_upload())
    kept = course.cover.name
    client.force_login(course.owner)

    client.post(
        reverse("course_edit", args=[course.pk]),
        {
            "subject": course.subject_id,
            "title": "Renamed",
            "slug": course.slug,
            "overview": course.overview,
        },
    )

    course.refresh_from_db()
    assert (course.title, course.cover.name) == ("Renamed", kept)


def test_covers_are_public_and_shown_in_catalog_and_detail(client, course):
    update_course(course=course, by=course.owner, cover=png_upload())

    catalog = client.get(reverse("course_list")).content.decode()
    detail = client.get(course.get_absolute_url()).content.decode()
    served = client.get(course.cover_thumbnail.url)

    assert f'src="{course.cover_thumbnail.url}"' in catalog
    assert f'src="{course.cover.url}"' in detail
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"
    assert served["Cache-Control"] == "public, max-age=86400"
    assert b"".join(served.streaming_content)[:2] == b"\xff\xd8"


def test_only_a_courses_current_cover_is_served(client, course):
    update_course(course=course, by=course.owner, cover=png_upload())
    name = course.cover.name.rsplit("/", 1)[1]

    elsewhere = client.get(f"/media/covers/{course.pk + 1}/{name}")
    made_up = client.get(f"/media/covers/{course.pk}/{'0' * 32}.jpg")
    odd = client.get(f"/media/covers/{course.pk}/..%2F..%2Fsettings.py")

    assert (elsewhere.status_code, made_up.status_code, odd.status_code) == (
        404,
        404,
        404,
    )


def test_a_course_without_a_cover_gets_a_placeholder_from_its_title(client, course):
    course.title = "Graph theory basics"
    course.save(update_fields=["title"])

    html = client.get(reverse("course_list")).content.decode()

    assert f'cover-placeholder hue-{course.subject_id % 8}" aria-hidden="true">' in html
    assert "<span>GT</span>" in html


def test_the_api_sets_and_removes_the_cover(course):
    api = _api(course.owner)

    put = api.post(
        f"/api/courses/{course.pk}/cover/", {"cover": png_upload()}, format="multipart"
    )
    removed = api.delete(f"/api/courses/{course.pk}/cover/")

    assert put.status_code == 200
    assert put.json()["cover"].startswith(
        f"http://testserver/media/covers/{course.pk}/"
    )
    assert removed.json()["cover"] is None


def test_the_api_refuses_a_cover_that_is_no_image(course):
    response = _api(course.owner).post(
        f"/api/courses/{course.pk}/cover/",
        {"cover": SimpleUploadedFile("x.png", b"nope", "image/png")},
        format="multipart",
    )

    course.refresh_from_db()
    assert response.status_code == 400
    assert not course.cover


def test_another_instructor_cannot_set_the_cover(course, other_instructor):
    response = _api(other_instructor).post(
        f"/api/courses/{course.pk}/cover/", {"cover": png_upload()}, format="multipart"
    )

    course.refresh_from_db()
    assert response.status_code == 403
    assert not course.cover
