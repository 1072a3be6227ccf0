"""Schemathesis fuzzes every query and mutation of the live GraphQL schema.

A real uvicorn serves the app on the test PostgreSQL and Redis (DEBUG on,
so the schema can be read by introspection). Every operation gets valid
(positive) and invalid (negative) documents, as an enrolled student and as
the course's instructor. No answer may be a 5xx, or malformed, or break the
schema's own types (a null where it promised a value), and every error must
carry one of the documented codes, never INTERNAL_SERVER_ERROR.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework_simplejwt.tokens import AccessToken
from schemathesis import GenerationMode
from schemathesis.graphql import nodes

from educa.graphql.errors import CODES, INTERNAL_SERVER_ERROR
from tests.factories import EnrollmentFactory, ModuleFactory, add_content
from tests.learning.quizzes import quiz_in

# Bounded so the run stays around a minute on two cores.
EXAMPLES = {GenerationMode.POSITIVE: 6, GenerationMode.NEGATIVE: 3}


@pytest.fixture
def unthrottled(monkeypatch):
    """The server inherits this environment: a few hundred sign-in attempts
    and messages from one client must not all be refused."""
    for limit in ("PER_IP", "PER_ACCOUNT"):
        monkeypatch.setenv(f"PASSWORD_FAILURES_{limit}", "100000")
    monkeypatch.setenv("CHAT_MESSAGES_PER_SECOND", "100000")
    monkeypatch.setenv("DATABASE_POOL_SIZE", "4")


@pytest.fixture
def fuzz_server(unthrottled, live_server_url):
    return live_server_url


def _check(case, response) -> None:
    assert response.status_code < 500, response.text
    case.operation.schema.validate_response(case.operation, response, case=case)
    for error in response.json().get("errors") or []:
        code = (error.get("extensions") or {}).get("code")
        assert code in CODES, error
        assert code != INTERNAL_SERVER_ERROR, error
        assert "Traceback" not in error["message"]


def _fuzz(operation, base_url: str, headers: dict) -> None:
    for mode, examples in EXAMPLES.items():

        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(generation_mode=mode))
        def run(case) -> None:
            _check(case, case.call(base_url=base_url, headers=headers, timeout=30))

        run()


# Ids the database holds, now and then, besides anything at all: positive
# documents then reach the resolvers' real paths, not only the id check.
IDS = st.one_of(st.integers(1, 40).map(str), st.text(max_size=30)).map(nodes.String)


def test_fuzzing_every_operation_finds_no_server_error(fuzz_server, course):
    schemathesis.graphql.scalar("ID", IDS)
    student = EnrollmentFactory(course=course).student
    module = ModuleFactory(course=course)
    add_content(module, "text")
    quiz_in(module)
    schema = schemathesis.graphql.from_url(f"{fuzz_server}/graphql/")
    operations = [result.ok() for result in schema.get_all_operations()]
    # Deleting last keeps the real objects for the other operations.
    operations.sort(key=lambda operation: "delete" in operation.label.lower())

    for user in (student, course.owner):
        headers = {"Authorization": f"Bearer {AccessToken.for_user(user)}"}
        for operation in operations:
            _fuzz(operation, f"{fuzz_server}/graphql/", headers)

    labels = {operation.label for operation in operations}
    assert {
        "Query.courses",
        "Query.courseContents",
        "Mutation.sendMessage",
        "Mutation.startQuizAttempt",
        "Mutation.submitQuizAttempt",
    } <= labels
