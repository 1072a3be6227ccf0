import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from rest_framework_simplejwt.tokens import AccessToken

from tests.factories import ModuleFactory
from tests.learning.quizzes import quiz_in, quiz_of
from tests.websockets import _socket_test_isolation  # noqa: F401

Run = Callable[..., dict[str, Any]]


def bearer(user) -> str:
    return f"Bearer {AccessToken.for_user(user)}"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Factories hash a password per user; PBKDF2's rounds dominate otherwise."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def graphql(db) -> Run:
    """`graphql(query, variables, as_user=user)`: POST /graphql/ as that
    user's Bearer token (anonymous without one); the JSON answer, with the
    HTTP status under "status"."""

    def run(
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        as_user=None,
        headers: dict[str, str] | None = None,
        client: Client | None = None,
    ) -> dict[str, Any]:
        extra = dict(headers or {})
        if as_user is not None:
            extra["Authorization"] = bearer(as_user)
        response = (client or Client()).post(
            "/graphql/",
            json.dumps({"query": query, "variables": variables or {}}),
            content_type="application/json",
            headers=extra,
        )
        return {**response.json(), "status": response.status_code}

    return run


def codes(result: dict[str, Any]) -> list[str]:
    """The `extensions.code` of each error of a result."""
    return [error["extensions"]["code"] for error in result.get("errors", [])]


@pytest.fixture
def module(course):
    return ModuleFactory(course=course)


@pytest.fixture
def quiz(module):
    """A quiz of three attempts passed at 50 %, as the learning tests take it."""
    return quiz_of(quiz_in(module, max_attempts=3, pass_percent=50))
