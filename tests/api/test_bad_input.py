"""Bad input and bad credentials get a 4xx with a JSON body, never a 500."""

from datetime import timedelta

import jwt
import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from educa.courses.models import Course
from tests.factories import SubjectFactory


def _bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def test_malformed_json_is_a_400(as_user, instructor):
    response = as_user(instructor).post(
        "/api/courses/", '{"title": ', content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error")
    assert not Course.objects.exists()


def test_wrong_content_type_is_a_415(as_user, instructor):
    response = as_user(instructor).post(
        "/api/courses/", "title=x", content_type="text/plain"
    )

    assert response.status_code == 415
    assert response.json() == {
        "detail": 'Unsupported media type "text/plain" in request.'
    }


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"subject": "abc", "title": "T", "slug": "t", "overview": "O"}, "subject"),
        ({"subject": 999999, "title": "T", "slug": "t", "overview": "O"}, "subject"),
        (
            {"subject": None, "title": "x" * 10_000, "slug": "t", "overview": "O"},
            "title",
        ),
        (
            {"subject": None, "title": "T", "slug": "not a slug", "overview": "O"},
            "slug",
        ),
        ({"subject": None, "title": ["T"], "slug": "t", "overview": "O"}, "title"),
    ],
)
def test_wrong_types_and_huge_strings_are_400s(as_user, instructor, payload, field):
    if payload["subject"] is None:
        payload["subject"] = SubjectFactory().pk

    response = as_user(instructor).post("/api/courses/", payload, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Course.objects.exists()


def test_reorder_with_non_integer_ids_is_a_400(as_user, instructor, course):
    response = as_user(instructor).post(
        f"/api/courses/{course.pk}/modules/reorder/",
        {"ids": ["a", {"b": 1}]},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["ids"]


def test_expired_access_token_is_a_401(student):
    token = AccessToken.for_user(student)
    token.set_exp(lifetime=-timedelta(seconds=1))

    response = _bearer(str(token)).get("/api/me/")

    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


def test_forged_access_token_is_a_401(student):
    claims = AccessToken.for_user(student).payload
    forged = jwt.encode(
        claims, "an-attacker-guess-that-is-not-the-secret-key", algorithm="HS256"
    )

    response = _bearer(forged).get("/api/me/")

    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


def test_refresh_token_is_not_an_access_token(student):
    refresh = RefreshToken.for_user(student)

    response = _bearer(str(refresh)).get("/api/me/")

    assert response.status_code == 401


def test_token_of_a_deleted_user_is_a_401(student):
    token = str(AccessToken.for_user(student))
    student.delete()

    response = _bearer(token).get("/api/me/")

    assert response.status_code == 401
    assert response.json()["code"] == "user_not_found"


def test_garbage_authorization_header_is_a_401_even_on_public_pages(db):
    response = _bearer("garbage").get("/api/courses/")

    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


@pytest.mark.parametrize("path", ["/api/courses/1.5/", "/api/nothing/here/"])
def test_unknown_api_paths_are_json_404s(api, path):
    response = api.get(path)

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


@pytest.mark.parametrize("param", ["subject", "search"])
def test_nul_characters_in_catalog_filters_are_not_a_500(api, course, param):
    response = api.get("/api/courses/", {param: "a\x00b"})

    assert response.status_code == 200
    assert response.json()["count"] == 0


@pytest.mark.parametrize("course_id", ["999999", "abc", "²", "9" * 40, "-1"])
def test_contents_of_an_unknown_course_is_a_json_404(as_user, student, course_id):
    response = as_user(student).get(f"/api/courses/{course_id}/contents/")

    assert response.status_code == 404
    assert set(response.json()) == {"detail"}


DEEP_JSON = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize(
    "path",
    ["/api/token/", "/api/register/", "/api/token/refresh/", "/api/token/blacklist/"],
)
def test_deeply_nested_json_is_a_json_400(api, path):
    response = api.post(path, DEEP_JSON, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error")


def test_deeply_nested_json_patch_of_a_course_is_a_400(as_user, course):
    response = as_user(course.owner).patch(
        f"/api/courses/{course.pk}/", DEEP_JSON, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error")


def test_deeply_nested_json_reorder_on_the_pages_is_a_400(client, course):
    module = course.modules.create(title="One")
    client.force_login(course.owner)

    answers = [
        client.post(url, DEEP_JSON, content_type="application/json")
        for url in (
            f"/course/{course.pk}/module/order/",
            f"/course/module/{module.pk}/content/order/",
        )
    ]

    assert [answer.status_code for answer in answers] == [400, 400]
    assert all("detail" in answer.json() for answer in answers)


def test_too_many_form_fields_is_a_json_400(as_user, instructor):
    body = "&".join(f"field{number}=x" for number in range(1001))

    response = as_user(instructor).post(
        "/api/courses/", body, content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"detail"}
    assert not Course.objects.exists()


def test_too_many_multipart_fields_is_a_json_400(as_user, instructor):
    data = {f"field{number}": "x" for number in range(1001)}

    response = as_user(instructor).post("/api/courses/", data, format="multipart")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"detail"}


def test_oversized_form_fields_are_a_json_413(as_user, instructor, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100

    response = as_user(instructor).post(
        "/api/courses/", {"title": "x" * 200}, format="multipart"
    )

    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is too large."}
