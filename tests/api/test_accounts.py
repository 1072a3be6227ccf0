"""Sign-up, the user's own profile and per-IP throttling of password checks."""

import pytest
from rest_framework.throttling import SimpleRateThrottle

from educa.accounts.models import EMAIL_UNAVAILABLE, User
from educa.api.throttling import WindowThrottle
from tests.factories import PASSWORD, StudentFactory


def test_register_creates_a_student_who_can_get_tokens(api):
    response = api.post(
        "/api/register/",
        {"username": "newbie", "email": "New@Example.com", "password": PASSWORD},
        format="json",
    )
    tokens = api.post(
        "/api/token/", {"username": "newbie", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 201
    user = User.objects.get(username="newbie")
    assert response.json() == {
        "id": user.pk,
        "username": "newbie",
        "email": "New@example.com",
        "display_name": "",
        "name": "newbie",
        "is_instructor": False,
    }
    assert tokens.status_code == 200


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"username": "a", "email": "a@example.com", "password": "123"}, "password"),
        ({"username": "a", "email": "not-an-email", "password": PASSWORD}, "email"),
        (
            {"username": "a b!", "email": "a@example.com", "password": PASSWORD},
            "username",
        ),
        (
            {"username": "x" * 151, "email": "a@example.com", "password": PASSWORD},
            "username",
        ),
    ],
)
def test_bad_registration_is_a_400_and_creates_nobody(api, payload, field):
    response = api.post("/api/register/", payload, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not User.objects.exists()


def test_register_refuses_a_taken_email_without_saying_an_account_has_it(api):
    StudentFactory(email="taken@example.com")

    response = api.post(
        "/api/register/",
        {"username": "other", "email": "TAKEN@example.com", "password": PASSWORD},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"__all__": [EMAIL_UNAVAILABLE]}
    assert "exist" not in EMAIL_UNAVAILABLE
    assert "registered" not in EMAIL_UNAVAILABLE
    assert User.objects.count() == 1


def test_me_shows_the_signed_in_user(as_user, instructor):
    response = as_user(instructor).get("/api/me/")

    assert response.json() == {
        "id": instructor.pk,
        "username": instructor.username,
        "email": instructor.email,
        "display_name": instructor.display_name,
        "name": instructor.display_name,
        "is_instructor": True,
        "bio": "",
        "avatar": {
            size: instructor.avatar_url(int(size)) for size in ("64", "128", "256")
        },
        "email_missed_messages": True,
        "email_verified": True,
    }


def test_me_patch_changes_display_name_but_not_username(as_user, student):
    response = as_user(student).patch(
        "/api/me/", {"display_name": "Ada", "username": "root"}, format="json"
    )

    assert response.status_code == 200
    student.refresh_from_db()
    assert (student.display_name, student.username) == (
        "Ada",
        response.json()["username"],
    )
    assert student.username != "root"


def test_me_patch_refuses_someone_elses_email(as_user, student):
    StudentFactory(email="taken@example.com")
    before = student.email

    response = as_user(student).patch(
        "/api/me/", {"email": "Taken@Example.com"}, format="json"
    )

    assert response.status_code == 400
    student.refresh_from_db()
    assert student.email == before


def test_me_needs_a_signed_in_user(api):
    response = api.get("/api/me/")

    assert response.status_code == 401
    assert response.json() == {
        "detail": "Authentication credentials were not provided."
    }


def test_password_checks_are_throttled_per_ip_with_retry_after(api, student):
    # THROTTLE_AUTH_RATE defaults to 20/min per client IP; each guess names
    # another account, so the per-account failure limit stays out of it.
    statuses = [
        api.post(
            "/api/token/",
            {"username": f"guess{number}", "password": "wrong"},
            format="json",
        ).status_code
        for number in range(20)
    ]

    throttled = api.post(
        "/api/token/",
        {"username": student.username, "password": PASSWORD},
        format="json",
    )
    register = api.post(
        "/api/register/",
        {"username": "late", "email": "late@example.com", "password": PASSWORD},
        format="json",
    )

    assert statuses == [401] * 20
    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) > 0
    assert set(throttled.json()) == {"detail"}
    assert register.status_code == 429
    assert not User.objects.filter(username="late").exists()


@pytest.fixture
def clock(monkeypatch):
    """The throttles' clock, standing still until moved."""
    now = [1_000_000.0]
    monkeypatch.setattr(WindowThrottle, "timer", lambda self: now[0])
    return now


def test_signed_in_users_are_throttled_per_user_not_per_ip(
    monkeypatch, clock, as_user, student, api
):
    rates = {**SimpleRateThrottle.THROTTLE_RATES, "user": "2/min"}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    client = as_user(student)

    statuses = [client.get("/api/me/").status_code for _ in range(3)]
    anonymous_same_ip = api.get("/api/courses/")

    assert statuses == [200, 200, 429]
    assert anonymous_same_ip.status_code == 200


def test_a_throttled_user_waits_until_the_window_ends(
    monkeypatch, clock, as_user, student
):
    rates = {**SimpleRateThrottle.THROTTLE_RATES, "user": "2/min"}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    client = as_user(student)
    clock[0] = 60 * 1000 + 15  # 15 s into a minute
    for _ in range(2):
        client.get("/api/me/")

    throttled = client.get("/api/me/")
    clock[0] += 44
    still_throttled = client.get("/api/me/")
    clock[0] += 1
    next_window = client.get("/api/me/")

    assert throttled.status_code == 429
    assert throttled["Retry-After"] == "45"
    assert still_throttled.status_code == 429
    assert next_window.status_code == 200


def test_password_check_throttle_ignores_x_forwarded_for(api, db):
    """The server trusts no proxy header by default (uvicorn sets REMOTE_ADDR
    from X-Forwarded-For only with TRUST_PROXY_HEADERS), so a header made up
    per request must not buy a fresh allowance."""
    statuses = [
        api.post(
            "/api/token/",
            {"username": f"guess{number}", "password": "wrong"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{number}",
        ).status_code
        for number in range(21)
    ]

    assert statuses == [401] * 20 + [429]
