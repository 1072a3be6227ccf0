"""Schemathesis fuzzes every operation of the live API and finds nothing wrong.

A real uvicorn serves the app on the test PostgreSQL and Redis. Every
operation in the published schema gets schema-valid (positive) and
schema-violating (negative) requests, as the course's instructor and as an
enrolled student, first against random ids and then against the real
course, module and content. No response may be a 5xx, have an undocumented
status code or content type, or break its documented schema.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from rest_framework_simplejwt.tokens import RefreshToken
from schemathesis import GenerationMode
from schemathesis import checks as st_checks

from educa.learning.services import start_attempt
from tests.factories import EnrollmentFactory, ModuleFactory, add_content
from tests.learning.quizzes import quiz_in, quiz_of

# Bounded so the whole run stays around a couple of minutes on two cores.
EXAMPLES = {GenerationMode.POSITIVE: 8, GenerationMode.NEGATIVE: 5}
CHECKS = [
    st_checks.not_a_server_error,
    st_checks.status_code_conformance,
    st_checks.content_type_conformance,
    st_checks.response_schema_conformance,
]


@pytest.fixture
def unthrottled(monkeypatch):
    """The server inherits this environment: hundreds of requests a minute
    from one client must not turn into 429s mid-run. It also serves from a
    connection pool, as production uvicorn workers do."""
    for scope in ("AUTH", "USER", "ANON"):
        monkeypatch.setenv(f"THROTTLE_{scope}_RATE", "100000/min")
    for limit in ("PER_IP", "PER_ACCOUNT"):
        monkeypatch.setenv(f"PASSWORD_FAILURES_{limit}", "100000")
    for limit in ("PER_IP", "PER_ADDRESS"):
        monkeypatch.setenv(f"PASSWORD_RESETS_{limit}", "100000")
    monkeypatch.setenv("DATABASE_POOL_SIZE", "4")


@pytest.fixture
def fuzz_server(unthrottled, live_server_url):
    return live_server_url


def _real_ids(course, student) -> dict[str, int]:
    module = ModuleFactory(course=course)
    contents = [add_content(module, kind) for kind in ("text", "video", "image")]
    quiz = quiz_of(quiz_in(module))
    attempt, _ = start_attempt(student=student, quiz=quiz)
    return {
        "/api/courses/": course.pk,
        "/api/subjects/": course.subject_id,
        "/api/modules/": module.pk,
        "/api/contents/": contents[0].pk,
        "/api/quizzes/": quiz.pk,
        "/api/attempts/": attempt.pk,
    }


def _fuzz(operation, base_url: str, headers: dict, path_parameters=None) -> None:
    for mode, examples in EXAMPLES.items():
        if mode is GenerationMode.NEGATIVE and path_parameters and not operation.body:
            continue  # with the id fixed, nothing is left to break
        strategy = operation.as_strategy(mode, path_parameters=path_parameters)

        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy)
        def run(case) -> None:
            case.call_and_validate(base_url=base_url, headers=headers, checks=CHECKS)

        run()


def test_fuzzing_every_operation_finds_no_server_error_or_schema_violation(
    fuzz_server, instructor, course
):
    student = EnrollmentFactory(course=course).student
    real_ids = _real_ids(course, student)
    schema = schemathesis.openapi.from_url(f"{fuzz_server}/api/schema/?format=json")
    operations = [result.ok() for result in schema.get_all_operations()]
    # Deletes last, so the real objects survive until every other operation ran.
    operations.sort(key=lambda operation: operation.method.upper() == "DELETE")

    for user in (student, instructor):
        token = RefreshToken.for_user(user).access_token
        headers = {"Authorization": f"Bearer {token}"}
        for operation in operations:
            _fuzz(operation, fuzz_server, headers)
            if "{id}" in operation.path:
                prefix = operation.path.split("{id}")[0]
                _fuzz(operation, fuzz_server, headers, {"id": real_ids[prefix]})

    assert len(operations) == 62
