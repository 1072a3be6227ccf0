"""Bearer JWT authentication: SimpleJWT's checks, with validated tokens remembered."""

import time
from datetime import timedelta

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from educa.accounts.authentication import JWTAuthentication
from educa.accounts.selectors import user_with_id


def _me(token: AccessToken | str):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client.get("/api/me/")


def test_a_remembered_token_is_refused_once_it_expires(student):
    token = AccessToken.for_user(student)
    token.set_exp(lifetime=timedelta(seconds=1))
    accepted = _me(token)
    time.sleep(1.1)

    expired = _me(token)

    assert accepted.status_code == 200
    assert expired.status_code == 401
    assert expired.json()["code"] == "token_not_valid"


def _deactivate(user) -> None:
    user.is_active = False
    user.save(update_fields=["is_active"])


@pytest.mark.parametrize(
    ("lock_out", "code"),
    [(_deactivate, "user_inactive"), (lambda user: user.delete(), "user_not_found")],
    ids=["deactivated", "deleted"],
)
def test_a_remembered_token_of_a_user_locked_out_since_is_refused(
    student, lock_out, code
):
    token = AccessToken.for_user(student)
    accepted = _me(token)
    lock_out(student)

    refused = _me(token)

    assert accepted.status_code == 200
    assert refused.status_code == 401
    assert refused.json()["code"] == code


def test_a_remembered_signature_does_not_vouch_for_another_payload(student, instructor):
    token = str(AccessToken.for_user(student))
    accepted = _me(token)
    header, _, signature = token.split(".")
    instructor_payload = str(AccessToken.for_user(instructor)).split(".")[1]

    refused = _me(f"{header}.{instructor_payload}.{signature}")

    assert accepted.status_code == 200
    assert refused.status_code == 401
    assert refused.json()["code"] == "token_not_valid"


def test_a_token_without_a_user_id_is_refused(student):
    token = AccessToken.for_user(student)
    del token["user_id"]

    refused = _me(token)

    assert refused.status_code == 401
    assert refused.json()["code"] == "token_not_valid"


@pytest.mark.parametrize("user_id", ["abc", None, [1]])
def test_a_token_with_a_user_id_that_is_no_number_is_refused(student, user_id):
    token = AccessToken.for_user(student)
    token["user_id"] = user_id

    refused = _me(token)

    assert refused.status_code == 401
    assert refused.json()["code"] == "token_not_valid"


def test_each_request_loads_its_user_in_one_query(
    student, rf, django_assert_num_queries
):
    request = rf.get("/", HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(student)}")

    with django_assert_num_queries(1):
        user, _ = JWTAuthentication().authenticate(request)
    with django_assert_num_queries(1):
        again, _ = JWTAuthentication().authenticate(request)

    assert user == again == student


def test_user_with_id_loads_the_whole_user(student):
    user = user_with_id(student.pk)

    assert (user.username, user.email, user.date_joined) == (
        student.username,
        student.email,
        student.date_joined,
    )
    assert user.date_joined.tzinfo is not None


def test_user_with_an_unknown_id_is_none(db):
    assert user_with_id(10**9) is None
