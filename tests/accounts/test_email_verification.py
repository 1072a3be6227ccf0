"""Optional e-mail verification at sign-up (REQUIRE_EMAIL_VERIFICATION)."""

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from rest_framework.test import APIClient

from educa.accounts.models import User
from tests.factories import PASSWORD
from tests.smtp import links_in

SIGN_UP = {
    "username": "newbie",
    "email": "newbie@example.com",
    "display_name": "",
    "password1": PASSWORD,
    "password2": PASSWORD,
}


@pytest.fixture
def verification_on(settings):
    settings.REQUIRE_EMAIL_VERIFICATION = True


def test_off_by_default_signs_the_newcomer_in_at_once(client, db, mailoutbox):
    response = client.post("/students/register/", SIGN_UP)

    assert response.status_code == 302
    assert User.objects.get(username="newbie").email_verified
    assert mailoutbox == []


def test_a_newcomer_signs_in_only_after_following_the_link(
    client, db, verification_on, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post("/students/register/", SIGN_UP)
    refused = client.post(
        "/accounts/login/", {"username": "newbie", "password": PASSWORD}
    )
    token = APIClient().post(
        "/api/token/", {"username": "newbie", "password": PASSWORD}
    )
    [message] = mailoutbox
    link = next(link for link in links_in(message) if "/email/verify/" in link)

    confirmed = client.get(link.removeprefix("http://testserver"))
    signed_in = client.post(
        "/accounts/login/", {"username": "newbie", "password": PASSWORD}
    )

    assert "We sent a link to <strong>newbie@example.com</strong>" in (
        page.content.decode()
    )
    assert "Confirm your e-mail address first" in refused.content.decode()
    assert token.status_code == 401
    assert "is confirmed" in confirmed.content.decode()
    assert signed_in.status_code == 302
    assert User.objects.get(username="newbie").email_verified


def test_a_tampered_verification_link_changes_nothing(client, db, verification_on):
    client.post("/students/register/", SIGN_UP)

    response = client.get("/accounts/email/verify/bad:token/")

    assert response.status_code == 400
    assert not User.objects.get(username="newbie").email_verified


def _sign_up(client, data, captured):
    with captured(execute=True):
        return client.post("/students/register/", data)


def test_sign_up_with_a_taken_address_answers_as_a_new_one_and_tells_the_owner(
    client, student, verification_on, mailoutbox, django_capture_on_commit_callbacks
):
    taken = {**SIGN_UP, "username": "prober", "email": student.email.upper()}
    free = {**SIGN_UP, "username": "prober2", "email": "free@example.com"}

    on_taken = _sign_up(client, taken, django_capture_on_commit_callbacks)
    on_free = _sign_up(client, free, django_capture_on_commit_callbacks)

    assert on_taken.status_code == on_free.status_code == 200
    assert on_taken.content.decode().replace(taken["email"], "ADDRESS") == (
        on_free.content.decode().replace(free["email"], "ADDRESS")
    )
    assert not User.objects.filter(username="prober").exists()
    assert User.objects.filter(email__iexact=student.email).count() == 1
    notice, welcome = mailoutbox
    assert notice.to == [student.email]
    assert "already uses" in notice.body
    assert f'"{student.username}"' in notice.body
    [(html, _)] = notice.alternatives
    assert "/accounts/login/" in html
    assert "/accounts/password/reset/" in html
    assert welcome.to == ["free@example.com"]


def test_api_sign_up_with_a_taken_address_answers_as_a_new_one(
    student, verification_on, mailoutbox, django_capture_on_commit_callbacks
):
    api = APIClient()

    def sign_up(username, email):
        with django_capture_on_commit_callbacks(execute=True):
            return api.post(
                "/api/register/",
                {"username": username, "email": email, "password": PASSWORD},
            )

    on_taken = sign_up("prober", student.email)
    on_free = sign_up("prober2", "free@example.com")

    assert on_taken.status_code == on_free.status_code == 202
    assert on_taken.json()["detail"].replace(student.email, "ADDRESS") == (
        on_free.json()["detail"].replace("free@example.com", "ADDRESS")
    )
    assert set(on_taken.json()) == set(on_free.json()) == {"detail"}
    assert not User.objects.filter(username="prober").exists()
    assert [message.to for message in mailoutbox] == [
        [student.email],
        ["free@example.com"],
    ]


def test_a_taken_username_is_still_refused_and_nobody_is_told(
    client, student, verification_on, mailoutbox
):
    response = client.post(
        "/students/register/", {**SIGN_UP, "username": student.username}
    )
    api = APIClient().post(
        "/api/register/",
        {"username": student.username, "email": student.email, "password": PASSWORD},
    )

    assert response.status_code == 200
    assert "username already exists" in response.content.decode()
    assert api.status_code == 400
    assert "username" in api.json()
    assert mailoutbox == []
    assert User.objects.count() == 1


def test_a_taken_address_costs_the_same_password_hash_as_a_free_one(
    client, student, verification_on, settings, monkeypatch
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    hashed = []
    original = MD5PasswordHasher.encode

    def encode(self, password, salt):
        hashed.append(password)
        return original(self, password, salt)

    monkeypatch.setattr(MD5PasswordHasher, "encode", encode)

    client.post("/students/register/", {**SIGN_UP, "email": student.email})
    on_taken = len(hashed)
    client.post("/students/register/", {**SIGN_UP, "username": "other"})

    assert on_taken == len(hashed) - on_taken == 1


def test_the_sign_up_page_asks_for_the_address_right_after_the_username(client, db):
    page = client.get("/students/register/").content.decode()

    assert (
        page.index('name="username"')
        < page.index('name="email"')
        < page.index('name="display_name"')
        < page.index('name="password1"')
    )
