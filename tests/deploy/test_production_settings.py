"""Production settings: proxy trust and CORS come from the environment."""

import json
import os
import subprocess
import sys

import pytest

from tests.test_settings import PRODUCTION_ENV

SETTINGS = (
    "import json, django; django.setup(); from django.conf import settings as s;"
    "print(json.dumps({name: getattr(s, name, None) for name in ("
    "'SECURE_PROXY_SSL_HEADER', 'CORS_ALLOWED_ORIGINS', 'SESSION_COOKIE_SECURE',"
    "'CSRF_COOKIE_SECURE', 'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', "
    "'LOG_FORMAT')}))"
)


def production_settings(tmp_path, **env: str) -> dict:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"TRUST_PROXY_HEADERS", "CORS_ALLOWED_ORIGINS", "LOG_FORMAT"}
    }
    result = subprocess.run(
        [sys.executable, "-c", SETTINGS],
        env={
            **clean,
            **PRODUCTION_ENV,
            "DJANGO_SETTINGS_MODULE": "educa.settings",
            "DATA_DIR": str(tmp_path),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        cwd=tmp_path,
    )
    return json.loads(result.stdout)


def test_production_defaults_are_secure_and_trust_no_proxy(tmp_path):
    assert production_settings(tmp_path) == {
        "SECURE_PROXY_SSL_HEADER": None,
        "CORS_ALLOWED_ORIGINS": [],
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "LOG_FORMAT": "json",
    }


def test_trusted_proxy_and_cors_origins_come_from_the_environment(tmp_path):
    configured = production_settings(
        tmp_path,
        TRUST_PROXY_HEADERS="true",
        CORS_ALLOWED_ORIGINS="https://app.example.com,https://m.example.com",
    )

    assert configured["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert configured["CORS_ALLOWED_ORIGINS"] == [
        "https://app.example.com",
        "https://m.example.com",
    ]


@pytest.fixture
def https_required(settings, db):
    settings.SECURE_SSL_REDIRECT = True


def test_forwarded_https_is_believed_from_a_trusted_proxy(
    client, settings, https_required
):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

    forwarded = client.get("/", HTTP_X_FORWARDED_PROTO="https")
    plain = client.get("/", HTTP_X_FORWARDED_PROTO="http")

    assert forwarded.status_code == 200
    assert plain.status_code == 301
    assert plain["Location"] == "https://testserver/"


def test_forwarded_https_is_ignored_without_a_trusted_proxy(client, https_required):
    response = client.get("/", HTTP_X_FORWARDED_PROTO="https")

    assert response.status_code == 301


def test_api_answers_cors_preflight_only_for_allowed_origins(client, settings, db):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example.com"]
    preflight = {"HTTP_ACCESS_CONTROL_REQUEST_METHOD": "POST"}

    allowed = client.options(
        "/api/token/", HTTP_ORIGIN="https://app.example.com", **preflight
    )
    foreign = client.options(
        "/api/token/", HTTP_ORIGIN="https://evil.example.com", **preflight
    )

    assert allowed["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert "Access-Control-Allow-Origin" not in foreign


def test_pages_send_no_cors_headers(client, settings, db):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example.com"]

    response = client.get("/", HTTP_ORIGIN="https://app.example.com")

    assert "Access-Control-Allow-Origin" not in response
