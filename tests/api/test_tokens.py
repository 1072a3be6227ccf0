import pytest
from rest_framework.test import APIClient

from tests.factories import PASSWORD


@pytest.fixture
def api():
    return APIClient()


def _tokens(api, user) -> dict:
    response = api.post(
        "/api/token/", {"username": user.username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()


def test_token_pair_for_valid_credentials(api, student):
    tokens = _tokens(api, student)

    assert set(tokens) == {"access", "refresh"}


def test_wrong_password_gets_401_with_json_detail(api, student):
    response = api.post(
        "/api/token/", {"username": student.username, "password": "nope"}, format="json"
    )

    assert response.status_code == 401
    assert "detail" in response.json()


def test_refresh_rotates_and_the_old_refresh_token_stops_working(api, student):
    tokens = _tokens(api, student)

    rotated = api.post(
        "/api/token/refresh/", {"refresh": tokens["refresh"]}, format="json"
    )
    reused = api.post(
        "/api/token/refresh/", {"refresh": tokens["refresh"]}, format="json"
    )

    assert rotated.status_code == 200
    assert set(rotated.json()) == {"access", "refresh"}
    assert reused.status_code == 401


def test_blacklisted_refresh_token_cannot_refresh(api, student):
    tokens = _tokens(api, student)

    logout = api.post(
        "/api/token/blacklist/", {"refresh": tokens["refresh"]}, format="json"
    )
    refresh = api.post(
        "/api/token/refresh/", {"refresh": tokens["refresh"]}, format="json"
    )

    assert logout.status_code == 200
    assert refresh.status_code == 401


def test_malformed_json_is_a_400(api, db):
    response = api.post("/api/token/", "{not json", content_type="application/json")

    assert response.status_code == 400
    assert "detail" in response.json()


def test_schema_and_docs_are_served(api, db):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    docs = api.get("/api/docs/")

    assert schema.status_code == 200
    assert "/api/token/" in schema.json()["paths"]
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content
    assert b"cdn" not in docs.content.lower()
