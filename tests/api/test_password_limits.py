"""Failed password checks are limited per account and per client address,
on every transport that checks a password, before any hashing."""

import base64

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher

from tests.factories import PASSWORD, StudentFactory


def basic(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


@pytest.fixture
def small_limits(settings):
    settings.PASSWORD_FAILURES_PER_ACCOUNT = 3
    settings.PASSWORD_FAILURES_PER_IP = 5


@pytest.fixture
def hashes(monkeypatch):
    """Counts password hashes computed (the cost the limits exist to bound)."""
    calls = []
    original = MD5PasswordHasher.encode

    def encode(self, password, salt):
        calls.append(password)
        return original(self, password, salt)

    monkeypatch.setattr(MD5PasswordHasher, "encode", encode)
    return calls


def test_basic_auth_guesses_at_one_account_get_429_before_hashing(
    api, small_limits, hashes, student
):
    guesses = [
        api.get("/api/me/", HTTP_AUTHORIZATION=basic(student.username, "wrong"))
        for _ in range(3)
    ]
    hashed = len(hashes)

    refused = api.get("/api/me/", HTTP_AUTHORIZATION=basic(student.username, "nope"))

    assert [response.status_code for response in guesses] == [401] * 3
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert refused.json() == {
        "detail": refused.json()["detail"],
    }
    assert refused.json()["detail"].startswith("Too many failed sign-ins.")
    assert len(hashes) == hashed  # refused without hashing


def test_account_limit_leaves_other_accounts_signing_in(api, small_limits, student):
    other = StudentFactory()
    for _ in range(3):
        api.get("/api/me/", HTTP_AUTHORIZATION=basic(student.username, "wrong"))

    locked = api.get("/api/me/", HTTP_AUTHORIZATION=basic(student.username, PASSWORD))
    signed_in = api.get("/api/me/", HTTP_AUTHORIZATION=basic(other.username, PASSWORD))

    assert locked.status_code == 429
    assert signed_in.status_code == 200
    assert signed_in.json()["username"] == other.username


def test_address_limit_counts_guesses_across_accounts(api, small_limits, db):
    victims = StudentFactory.create_batch(6)
    statuses = [
        api.get("/api/me/", HTTP_AUTHORIZATION=basic(victim.username, "x")).status_code
        for victim in victims
    ]

    elsewhere = api.get(
        "/api/me/",
        HTTP_AUTHORIZATION=basic(victims[5].username, PASSWORD),
        REMOTE_ADDR="198.51.100.7",
    )

    assert statuses == [401] * 5 + [429]
    assert elsewhere.status_code == 200


def test_successful_checks_do_not_count_as_failures(api, small_limits, student):
    statuses = [
        api.get(
            "/api/me/", HTTP_AUTHORIZATION=basic(student.username, PASSWORD)
        ).status_code
        for _ in range(8)
    ]

    assert statuses == [200] * 8


def test_token_endpoint_shares_the_account_limit(api, small_limits, student):
    for _ in range(3):
        api.get("/api/me/", HTTP_AUTHORIZATION=basic(student.username, "wrong"))

    refused = api.post(
        "/api/token/",
        {"username": student.username, "password": PASSWORD},
        format="json",
    )

    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert set(refused.json()) == {"detail"}


def test_login_page_shows_a_form_error_once_the_account_is_limited(
    client, small_limits, student
):
    for _ in range(3):
        client.post(
            "/accounts/login/", {"username": student.username, "password": "wrong"}
        )

    response = client.post(
        "/accounts/login/", {"username": student.username, "password": PASSWORD}
    )

    assert response.status_code == 200
    assert b"Too many failed sign-ins" in response.content
    assert "_auth_user_id" not in client.session


def test_admin_login_shows_a_form_error_once_the_account_is_limited(
    client, small_limits, db
):
    admin = StudentFactory(is_staff=True, is_superuser=True)
    for _ in range(3):
        client.post("/admin/login/", {"username": admin.username, "password": "wrong"})

    response = client.post(
        "/admin/login/", {"username": admin.username, "password": PASSWORD}
    )

    assert response.status_code == 200
    assert b"Too many failed sign-ins" in response.content


def test_a_wrong_password_is_hashed_once(api, hashes, student):
    before = len(hashes)

    response = api.get("/api/me/", HTTP_AUTHORIZATION=basic(student.username, "x"))

    assert response.status_code == 401
    assert len(hashes) == before + 1


def test_sessions_signed_in_before_the_limits_stay_signed_in(client, student):
    client.force_login(student, backend="django.contrib.auth.backends.ModelBackend")

    response = client.get("/api/me/")

    assert response.status_code == 200
    assert response.json()["username"] == student.username


def test_password_change_limits_guesses_at_the_old_password(
    client, small_limits, student
):
    client.force_login(student)
    for _ in range(3):
        client.post(
            "/accounts/password/",
            {
                "old_password": "guess",
                "new_password1": "n3w-Passw0rd!x",
                "new_password2": "n3w-Passw0rd!x",
            },
        )

    response = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "n3w-Passw0rd!x",
            "new_password2": "n3w-Passw0rd!x",
        },
    )

    assert response.status_code == 200
    assert b"Too many failed sign-ins" in response.content
    student.refresh_from_db()
    assert student.check_password(PASSWORD)


def test_admin_password_change_limits_guesses_at_the_old_password(
    client, small_limits, db
):
    admin = StudentFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    new = {"new_password1": "n3w-Passw0rd!x", "new_password2": "n3w-Passw0rd!x"}
    guesses = [
        client.post("/admin/password_change/", {"old_password": "guess", **new})
        for _ in range(4)
    ]

    response = client.post("/admin/password_change/", {"old_password": PASSWORD, **new})

    assert [guess.status_code for guess in guesses] == [200] * 4
    assert b"Your password was entered incorrectly" in guesses[0].content
    assert b"Too many failed sign-ins" in guesses[3].content
    assert response.status_code == 200
    assert b"Too many failed sign-ins" in response.content
    admin.refresh_from_db()
    assert admin.check_password(PASSWORD)
