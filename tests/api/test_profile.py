"""The account endpoints: /api/me/ (profile, picture, password, e-mail)
and password reset over the API."""

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework.test import APIClient

from educa.accounts.models import User
from educa.mail.models import SentEmail
from tests.factories import PASSWORD, StudentFactory, png_upload

NEW_PASSWORD = "another-long-secret-7"


@pytest.fixture
def api_as(student):
    api = APIClient()
    api.force_authenticate(student)
    return api


def test_patch_me_changes_bio_and_preferences(api_as, student):
    response = api_as.patch(
        "/api/me/", {"bio": "Hi", "email_missed_messages": False}, format="json"
    )

    assert response.status_code == 200
    assert (response.json()["bio"], response.json()["email_missed_messages"]) == (
        "Hi",
        False,
    )


def test_patch_me_does_not_change_the_email_directly(api_as, student):
    response = api_as.patch("/api/me/", {"email": "new@example.com"}, format="json")

    assert response.status_code == 400
    assert "POST /api/me/email/" in response.json()["email"][0]
    assert User.objects.get(pk=student.pk).email == student.email


def test_avatar_upload_and_removal(api_as, student):
    uploaded = api_as.put(
        "/api/me/avatar/", {"avatar": png_upload()}, format="multipart"
    )
    removed = api_as.delete("/api/me/avatar/")

    assert uploaded.status_code == 200
    assert uploaded.json()["avatar"]["128"].endswith("-128.webp")
    assert removed.json()["avatar"]["64"].endswith(".svg")


def test_an_avatar_that_is_no_image_is_a_400(api_as, student):
    bad = SimpleUploadedFile("x.png", b"<script>", "image/png")

    response = api_as.post("/api/me/avatar/", {"avatar": bad}, format="multipart")

    assert response.status_code == 400
    assert User.objects.get(pk=student.pk).avatar == ""


def test_password_change_checks_the_old_password(api_as, student):
    wrong = api_as.post(
        "/api/me/password/",
        {"old_password": "nope", "new_password": NEW_PASSWORD},
        format="json",
    )
    right = api_as.post(
        "/api/me/password/",
        {"old_password": PASSWORD, "new_password": NEW_PASSWORD},
        format="json",
    )

    assert wrong.status_code == 400
    assert right.status_code == 200
    assert User.objects.get(pk=student.pk).check_password(NEW_PASSWORD)


def test_email_change_sends_a_link_to_the_new_address(
    api_as, student, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as.post(
            "/api/me/email/",
            {"email": "fresh@example.com", "password": PASSWORD},
            format="json",
        )

    assert response.status_code == 202
    assert [m.to for m in mailoutbox] == [["fresh@example.com"]]
    assert User.objects.get(pk=student.pk).email == student.email


def test_me_endpoints_need_a_signed_in_user(db):
    api = APIClient()

    for method, path in [
        ("put", "/api/me/avatar/"),
        ("post", "/api/me/password/"),
        ("post", "/api/me/email/"),
    ]:
        assert getattr(api, method)(path, {}).status_code == 401


def test_api_password_reset_answers_the_same_for_unknown_addresses(
    db, mailoutbox, django_capture_on_commit_callbacks
):
    StudentFactory(email="known@example.com")
    api = APIClient()

    with django_capture_on_commit_callbacks(execute=True):
        known = api.post("/api/password/reset/", {"email": "known@example.com"})
        unknown = api.post("/api/password/reset/", {"email": "who@example.com"})

    assert (known.status_code, known.json()) == (unknown.status_code, unknown.json())
    assert known.status_code == 202
    assert SentEmail.objects.filter(kind="password_reset").count() == 1


def test_api_password_reset_confirm_sets_the_password_once(db):
    student = StudentFactory()
    payload = {
        "uid": urlsafe_base64_encode(force_bytes(student.pk)),
        "token": default_token_generator.make_token(student),
        "new_password": NEW_PASSWORD,
    }
    api = APIClient()

    first = api.post("/api/password/reset/confirm/", payload)
    second = api.post("/api/password/reset/confirm/", payload)

    assert first.status_code == 200
    assert second.status_code == 400
    assert "invalid" in second.json()["token"][0]
    assert User.objects.get(pk=student.pk).check_password(NEW_PASSWORD)


def test_api_reset_confirm_refuses_a_made_up_uid(db):
    response = APIClient().post(
        "/api/password/reset/confirm/",
        {"uid": "!!", "token": "x", "new_password": NEW_PASSWORD},
    )

    assert response.status_code == 400
