"""The profile page (name, picture, bio, e-mail preferences), avatars, and
changing the e-mail address by a link sent to the new one."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from educa.accounts.avatars import AVATAR_SIZES, initials
from educa.accounts.models import User
from tests.factories import PASSWORD, StudentFactory, png_upload
from tests.smtp import links_in


@pytest.fixture
def me(client, student):
    client.force_login(student)
    return student


def save_profile(client, **fields):
    data = {
        "form": "profile",
        "display_name": "Ada Lovelace",
        "bio": "Counting engines.",
        "email_missed_messages": "on",
        **fields,
    }
    return client.post("/accounts/profile/", data)


def test_a_visitor_is_sent_to_sign_in(client, db):
    assert client.get("/accounts/profile/").url.startswith("/accounts/login/")


def test_editing_the_profile_saves_name_bio_and_preferences(client, me):
    response = save_profile(client, email_missed_messages="")

    assert response.status_code == 302
    me.refresh_from_db()
    assert (me.display_name, me.bio, me.email_missed_messages) == (
        "Ada Lovelace",
        "Counting engines.",
        False,
    )


def test_an_uploaded_picture_is_stored_square_at_each_size(client, me):
    save_profile(client, avatar_upload=png_upload("me.png", size=(300, 200)))

    me.refresh_from_db()
    assert me.avatar.startswith(f"avatars/{me.pk}/")
    for size in AVATAR_SIZES:
        with default_storage.open(f"{me.avatar}-{size}.webp") as stored:
            image = Image.open(stored)
            assert (image.format, image.size) == ("WEBP", (size, size))
    assert me.avatar_url(40) == f"/media/{me.avatar}-64.webp"
    assert me.avatar_url(200) == f"/media/{me.avatar}-256.webp"
    served = client.get(me.avatar_url(128))
    assert served.status_code == 200
    assert served["Content-Type"] == "image/webp"


def test_a_new_picture_replaces_the_old_files(
    client, me, django_capture_on_commit_callbacks
):
    save_profile(client, avatar_upload=png_upload())
    me.refresh_from_db()
    old = me.avatar

    with django_capture_on_commit_callbacks(execute=True):
        save_profile(client, avatar_upload=png_upload())

    me.refresh_from_db()
    assert me.avatar != old
    assert not default_storage.exists(f"{old}-64.webp")


@pytest.mark.parametrize(
    ("upload", "error"),
    [
        (SimpleUploadedFile("me.png", b"not a picture", "image/png"), "not one"),
        (SimpleUploadedFile("me.png", b"", "image/png"), "empty"),
    ],
)
def test_a_file_that_is_no_picture_is_refused_and_changes_nothing(
    client, me, upload, error
):
    response = save_profile(client, avatar_upload=upload, display_name="Changed")

    assert response.status_code == 200
    assert error in response.content.decode()
    before = me.display_name
    me.refresh_from_db()
    assert (me.avatar, me.display_name) == ("", before)
    assert not default_storage.exists(f"avatars/{me.pk}")


def test_a_picture_over_the_size_limit_is_refused(client, me, settings):
    settings.AVATAR_MAX_SIZE = 100

    response = save_profile(client, avatar_upload=png_upload(size=(200, 200)))

    assert "larger than" in response.content.decode()
    me.refresh_from_db()
    assert me.avatar == ""


def test_a_picture_with_too_many_pixels_is_refused(client, me):
    buffer = io.BytesIO()
    Image.new("1", (8000, 6000)).save(buffer, format="PNG")  # a few KB
    upload = SimpleUploadedFile("huge.png", buffer.getvalue(), "image/png")

    response = save_profile(client, avatar_upload=upload)

    assert "too many pixels" in response.content.decode()
    me.refresh_from_db()
    assert me.avatar == ""


def test_without_a_picture_people_get_their_initials(client, db):
    person = StudentFactory(display_name="grace brewster hopper")

    svg = client.get(person.avatar_url())

    assert initials(person.name) == "GH"
    assert svg.status_code == 200
    assert svg["Content-Type"] == "image/svg+xml"
    assert ">GH</text>" in svg.content.decode()
    assert "immutable" in svg["Cache-Control"]


@pytest.mark.parametrize(
    "path", ["/avatars/400/AB.svg", "/avatars/3/ABC.svg", "/avatars/3/%3Cb.svg"]
)
def test_bad_initials_avatar_paths_are_404(client, db, path):
    assert client.get(path).status_code == 404


def test_the_header_shows_my_picture(client, me):
    page = client.get("/").content.decode()

    assert f'src="{me.avatar_url(64)}"' in page


def change_email(client, email: str, password: str = PASSWORD):
    return client.post(
        "/accounts/profile/", {"form": "email", "email": email, "password": password}
    )


def test_a_new_address_is_used_once_its_link_is_followed(
    client, me, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        change_email(client, "ada@new.example")
    me.refresh_from_db()
    assert me.email != "ada@new.example"
    [message] = mailoutbox
    assert message.to == ["ada@new.example"]
    link = next(link for link in links_in(message) if "/email/confirm/" in link)
    path = link.removeprefix("http://testserver")

    confirmed = client.get(path)
    reused = client.get(path)

    assert "Your account now uses ada@new.example." in confirmed.content.decode()
    assert User.objects.get(pk=me.pk).email == "ada@new.example"
    assert reused.status_code == 400
    assert "already used" in reused.content.decode()


def test_the_email_change_needs_the_password(client, me, mailoutbox):
    response = change_email(client, "ada@new.example", password="wrong")

    assert "incorrectly" in response.content.decode()
    assert mailoutbox == []


def test_a_taken_address_is_refused(client, me, mailoutbox):
    StudentFactory(email="taken@example.com")

    response = change_email(client, "TAKEN@example.com")

    assert "cannot be used" in response.content.decode()
    assert mailoutbox == []


@pytest.mark.parametrize("token", ["garbage", "eyJ1IjoxfQ:1abc:xyz"])
def test_a_tampered_email_link_is_refused(client, db, token):
    response = client.get(f"/accounts/email/confirm/{token}/")

    assert response.status_code == 400
    assert "not valid" in response.content.decode()
