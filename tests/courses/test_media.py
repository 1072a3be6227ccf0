"""Course uploads are served only to the course's owner and enrolled students."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework_simplejwt.tokens import AccessToken

from educa.courses.services import delete_content
from tests.factories import EnrollmentFactory, ModuleFactory, add_content, png_upload
from tests.roles import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def image(course):
    return add_content(ModuleFactory(course=course), "image").item


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.parametrize(
    ("role", "status"),
    [("student", 403), ("other_instructor", 403), ("enrolled", 200), ("owner", 200)],
)
def test_course_image_is_served_to_owner_and_enrolled_students_only(
    client, course, image, role, status
):
    sign_in(client, role, course)

    response = client.get(image.file.url)

    assert response.status_code == status


def test_served_image_is_the_uploaded_png_shown_inline_and_privately_cached(
    client, course, image
):
    sign_in(client, "enrolled", course)

    response = client.get(image.file.url)

    image.file.open("rb")
    assert _body(response) == image.file.read()
    assert response["Content-Type"] == "image/png"
    assert "attachment" not in response.get("Content-Disposition", "")
    assert response["Cache-Control"] == "private, max-age=3600"


def test_anonymous_visitor_is_sent_to_sign_in(client, image):
    response = client.get(image.file.url)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={image.file.url}"


def test_an_uploaded_html_file_is_only_ever_downloaded(client, course):
    module = ModuleFactory(course=course)
    client.force_login(course.owner)
    client.post(
        f"/course/module/{module.pk}/content/file/create/",
        {
            "title": "Page",
            "file": SimpleUploadedFile("page.html", b"<script>1</script>", "text/html"),
        },
    )
    item = module.contents.get().item

    response = client.get(item.file.url)

    assert response["Content-Type"] == "text/html"
    assert response["Content-Disposition"].startswith("attachment;")


def test_api_clients_download_with_a_bearer_token(client, course, image):
    student = EnrollmentFactory(course=course).student

    response = client.get(
        image.file.url, HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(student)}"
    )

    assert response.status_code == 200


def test_a_bearer_token_of_a_student_not_enrolled_is_refused(client, image, student):
    response = client.get(
        image.file.url, HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(student)}"
    )

    assert response.status_code == 403


def test_an_invalid_bearer_token_is_401(client, image):
    response = client.get(image.file.url, HTTP_AUTHORIZATION="Bearer not-a-token")

    assert response.status_code == 401


def test_nginx_serves_the_file_when_accel_redirect_is_configured(
    client, settings, course, image
):
    settings.MEDIA_ACCEL_REDIRECT_PREFIX = "/protected-media/"
    sign_in(client, "enrolled", course)

    response = client.get(image.file.url)

    assert response.status_code == 200
    assert response.content == b""
    assert response["X-Accel-Redirect"] == f"/protected-media/{image.file.name}"
    assert response["Content-Type"] == "image/png"


@pytest.mark.parametrize(
    "name",
    ["..%2F..%2Fsettings.py", "notes.txt", "ABCDEF0123456789abcdef0123456789.png"],
)
def test_names_upload_to_never_generates_are_404(client, course, name):
    sign_in(client, "owner", course)

    response = client.get(f"/media/courses/{course.pk}/{name}")

    assert response.status_code == 404


def test_a_file_of_another_course_is_not_served_under_this_course(
    client, course, image
):
    other = EnrollmentFactory().course
    client.force_login(other.owner)
    name = image.file.name.rsplit("/", 1)[1]

    response = client.get(f"/media/courses/{other.pk}/{name}")

    assert response.status_code == 404


def test_the_file_of_deleted_content_is_no_longer_served(client, course):
    content = add_content(ModuleFactory(course=course), "file")
    url = content.item.file.url
    delete_content(content=content, by=course.owner)
    sign_in(client, "owner", course)

    response = client.get(url)

    assert response.status_code == 404


def test_media_of_an_unknown_course_is_404(client, student):
    client.force_login(student)

    response = client.get("/media/courses/999999/" + "a" * 32 + ".png")

    assert response.status_code == 404


def test_an_image_uploaded_on_the_pages_is_named_from_its_content(client, course):
    module = ModuleFactory(course=course)
    client.force_login(course.owner)

    client.post(
        f"/course/module/{module.pk}/content/image/create/",
        {"title": "Picture", "file": png_upload("photo.gif")},
    )
    item = module.contents.get().item
    response = client.get(item.file.url)

    assert item.file.name.endswith(".png")
    assert response["Content-Type"] == "image/png"
