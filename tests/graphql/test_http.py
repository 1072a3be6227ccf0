"""Serving /graphql/: who is asking (Bearer or session + CSRF), GraphiQL and
introspection only with DEBUG, the limits, and errors that carry a code and
never a traceback or SQL."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from rest_framework_simplejwt.tokens import AccessToken

from educa.accounts.services import deactivate_user
from educa.graphql import courses as courses_module
from tests.factories import PASSWORD, CourseFactory
from tests.graphql.conftest import bearer, codes

ME = "{ me { username } }"


def test_bearer_token_signs_in(graphql, student):
    result = graphql(ME, as_user=student)

    assert result["data"] == {"me": {"username": student.username}}


def test_anonymous_may_read_the_catalog_but_not_me(graphql, course):
    catalog = graphql("{ courses { totalCount } }")
    me = graphql(ME)

    assert catalog["data"] == {"courses": {"totalCount": 1}}
    assert codes(me) == ["UNAUTHENTICATED"]


@pytest.mark.parametrize(
    "header",
    [
        "Bearer not-a-token",
        "Bearer ",
        "Token abc",
        "Basic c3R1ZGVudDA6Y29ycmVjdC1ob3JzZS1iYXR0ZXJ5",
    ],
)
def test_bad_authorization_is_refused_not_anonymous(graphql, course, header):
    result = graphql("{ courses { totalCount } }", headers={"Authorization": header})

    assert result["status"] == 401
    assert codes(result) == ["UNAUTHENTICATED"]
    assert result["data"] is None


def test_expired_token_is_refused_even_with_a_session(graphql, student):
    token = AccessToken.for_user(student)
    token.set_exp(lifetime=-timedelta(seconds=1))
    client = Client()
    client.force_login(student)

    result = graphql(ME, headers={"Authorization": f"Bearer {token}"}, client=client)

    assert result["status"] == 401
    assert codes(result) == ["UNAUTHENTICATED"]


def test_deactivated_users_token_is_refused(graphql, student):
    header = bearer(student)
    deactivate_user(user=student)

    result = graphql(ME, headers={"Authorization": header})

    assert result["status"] == 401
    assert codes(result) == ["UNAUTHENTICATED"]


def _session_post(client: Client, query: str, **headers) -> dict:
    response = client.post(
        "/graphql/",
        json.dumps({"query": query}),
        content_type="application/json",
        headers=headers,
    )
    return {**response.json(), "status": response.status_code}


def test_session_needs_the_csrf_token(db, student):
    client = Client(enforce_csrf_checks=True)
    client.force_login(student)
    client.get("/accounts/login/")  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value

    without = _session_post(client, ME)
    with_token = _session_post(client, ME, **{"X-CSRFToken": token})

    assert without["status"] == 403
    assert codes(without) == ["FORBIDDEN"]
    assert with_token["data"] == {"me": {"username": student.username}}


def test_session_mutation_without_csrf_changes_nothing(db, course, student):
    client = Client(enforce_csrf_checks=True)
    client.force_login(student)

    result = _session_post(
        client, f'mutation {{ enroll(courseId: "{course.pk}") {{ enrolled }} }}'
    )

    assert result["status"] == 403
    assert not course.students.exists()


def test_graphiql_only_with_debug(db, settings):
    settings.DEBUG = True
    shown = Client().get("/graphql/", headers={"Accept": "text/html"})
    settings.DEBUG = False
    hidden = Client().get("/graphql/", headers={"Accept": "text/html"})

    assert shown.status_code == 200
    assert b"graphiql" in shown.content.lower()
    assert b"graphiql" not in hidden.content.lower()


INTROSPECTION = "{ __schema { queryType { name } } }"


def test_introspection_only_with_debug(graphql, settings):
    settings.DEBUG = True
    allowed = graphql(INTROSPECTION)
    settings.DEBUG = False
    refused = graphql(INTROSPECTION)

    assert allowed["data"] == {"__schema": {"queryType": {"name": "Query"}}}
    assert set(codes(refused)) == {"BAD_USER_INPUT"}
    assert "introspection" in refused["errors"][0]["message"].lower()
    assert refused["data"] is None


def test_too_deep_a_query_is_refused(graphql, settings, student):
    query = "{ courses { results { subject { title } } } }"
    settings.GRAPHQL_MAX_DEPTH = 3
    allowed = graphql(query, as_user=student)
    settings.GRAPHQL_MAX_DEPTH = 2

    result = graphql(query, as_user=student)

    assert "errors" not in allowed
    assert codes(result) == ["BAD_USER_INPUT"]
    assert "depth" in result["errors"][0]["message"]


def test_too_many_aliases_are_refused(graphql, settings):
    settings.GRAPHQL_MAX_ALIASES = 2

    result = graphql(
        "{ a: courses { totalCount } b: courses { totalCount } "
        "c: courses { totalCount } }"
    )

    assert codes(result) == ["BAD_USER_INPUT"]


def test_too_many_tokens_are_refused(graphql, settings):
    settings.GRAPHQL_MAX_TOKENS = 10

    result = graphql(
        "{ courses { results { id title slug overview created } totalCount } }"
    )

    assert codes(result) == ["BAD_USER_INPUT"]
    assert "token" in result["errors"][0]["message"].lower()


def test_the_default_limits_allow_the_documented_queries(graphql, course):
    result = graphql(
        "{ courses(limit: 50) { totalCount results { id title subject { title } "
        "owner { name } modules { id order title } } } }"
    )

    assert "errors" not in result


def test_syntax_errors_are_bad_input(graphql):
    result = graphql("{ courses { ")

    assert codes(result) == ["BAD_USER_INPUT"]


def test_a_bug_is_internal_server_error_without_trace_or_sql(
    graphql, course, monkeypatch, caplog
):
    def broken(*args, **kwargs):
        raise RuntimeError('relation "secret_table" does not exist SELECT * FROM x')

    monkeypatch.setattr(courses_module, "catalog_courses", broken)

    result = graphql("{ courses { totalCount } }")

    assert codes(result) == ["INTERNAL_SERVER_ERROR"]
    body = json.dumps(result)
    assert "secret_table" not in body
    assert "Traceback" not in body
    assert result["errors"][0]["message"] == "Internal server error."
    assert "secret_table" in caplog.text  # logged for the operators


def test_token_auth_gives_tokens_that_work(graphql, student):
    result = graphql(
        "mutation($u: String!, $p: String!) { tokenAuth(username: $u, password: $p) "
        "{ access refresh } }",
        {"u": student.username, "p": PASSWORD},
    )

    tokens = result["data"]["tokenAuth"]
    me = graphql(ME, headers={"Authorization": f"Bearer {tokens['access']}"})
    assert me["data"] == {"me": {"username": student.username}}


def test_token_auth_with_a_wrong_password_is_unauthenticated(graphql, student):
    result = graphql(
        'mutation($u: String!) { tokenAuth(username: $u, password: "wrong") '
        "{ access } }",
        {"u": student.username},
    )

    assert codes(result) == ["UNAUTHENTICATED"]
    assert result["data"] is None


def test_token_auth_past_the_password_limit_is_rate_limited(graphql, student, settings):
    settings.PASSWORD_FAILURES_PER_ACCOUNT = 1
    query = 'mutation { tokenAuth(username: "%s", password: "wrong") { access } }'

    graphql(query % student.username)
    result = graphql(query % student.username)

    assert codes(result) == ["RATE_LIMITED"]


def test_refresh_token_rotates_and_the_old_one_is_refused(graphql, student):
    login = graphql(
        "mutation($u: String!, $p: String!) { tokenAuth(username: $u, password: $p) "
        "{ refresh } }",
        {"u": student.username, "p": PASSWORD},
    )
    refresh = login["data"]["tokenAuth"]["refresh"]
    query = "mutation($r: String!) { refreshToken(refresh: $r) { access refresh } }"

    first = graphql(query, {"r": refresh})
    again = graphql(query, {"r": refresh})

    assert first["data"]["refreshToken"]["access"]
    assert codes(again) == ["UNAUTHENTICATED"]


REGISTER = """
mutation($u: String!, $e: String!, $p: String!) {
  register(username: $u, email: $e, password: $p, displayName: "Ada") {
    username email name isInstructor
  }
}
"""


def test_register_creates_a_student(graphql, django_user_model):
    result = graphql(
        REGISTER, {"u": "newbie", "e": "newbie@example.com", "p": "a-long-passphrase-9"}
    )

    assert result["data"]["register"] == {
        "username": "newbie",
        "email": "newbie@example.com",
        "name": "Ada",
        "isInstructor": False,
    }
    assert django_user_model.objects.filter(username="newbie").exists()


@pytest.mark.parametrize(
    ("username", "email", "password", "field"),
    [
        ("newbie", "newbie@example.com", "123", "password"),
        ("newbie", "not-an-email", "a-long-passphrase-9", "email"),
        ("bad name!", "newbie@example.com", "a-long-passphrase-9", "username"),
    ],
)
def test_register_refuses_bad_input_and_creates_nobody(
    graphql, django_user_model, username, email, password, field
):
    result = graphql(REGISTER, {"u": username, "e": email, "p": password})

    assert codes(result) == ["BAD_USER_INPUT"]
    assert field in result["errors"][0]["extensions"]["fields"]
    assert not django_user_model.objects.filter(email=email).exists()


def test_register_refuses_a_taken_email(graphql, student):
    result = graphql(
        REGISTER, {"u": "other", "e": student.email.upper(), "p": "a-long-passphrase-9"}
    )

    assert codes(result) == ["BAD_USER_INPUT"]


@pytest.mark.parametrize("taken", [False, True])
def test_register_with_verification_answers_alike_for_a_taken_address(
    graphql,
    student,
    django_user_model,
    settings,
    mailoutbox,
    django_capture_on_commit_callbacks,
    taken,
):
    settings.REQUIRE_EMAIL_VERIFICATION = True
    email = student.email if taken else "newbie@example.com"

    with django_capture_on_commit_callbacks(execute=True):
        result = graphql(
            REGISTER, {"u": "newbie", "e": email, "p": "a-long-passphrase-9"}
        )

    assert result["data"] == {"register": None}
    assert "errors" not in result
    assert django_user_model.objects.filter(username="newbie").exists() is not taken
    [message] = mailoutbox
    assert message.to == [email]


def test_course_outline_is_public(graphql):
    course = CourseFactory()

    result = graphql("query($id: ID!) { course(id: $id) { title } }", {"id": course.pk})

    assert result["data"] == {"course": {"title": course.title}}


@pytest.mark.parametrize(
    "body",
    ["not json", json.dumps({"variables": {}}), json.dumps([1, 2])],
    ids=["not-json", "no-query", "a-list"],
)
def test_bodies_that_are_no_graphql_request_get_a_json_400(db, body):
    response = Client().post("/graphql/", body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_a_mutation_over_get_is_refused(db):
    response = Client().get(
        "/graphql/", {"query": "mutation { unenroll(courseId: 1) { enrolled } }"}
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
