"""Optional e-mail verification at sign-up (REQUIRE_EMAIL_VERIFICATION)."""

import pytest
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
