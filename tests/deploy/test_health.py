"""/healthz and /readyz: answered first, honest about each dependency."""

import json

import pytest
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from tests.servers import free_port


def test_healthz_answers_without_any_query(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "alive"}


def test_probes_ignore_foreign_host_and_https_redirect(client, db, settings):
    """An orchestrator probes with its own Host over plain HTTP."""
    settings.ALLOWED_HOSTS = ["educa.example.com"]
    settings.SECURE_SSL_REDIRECT = True

    healthz = client.get("/healthz", HTTP_HOST="10.1.2.3:8000")
    readyz = client.get("/readyz", HTTP_HOST="10.1.2.3:8000")
    page = client.get("/", HTTP_HOST="10.1.2.3:8000")

    assert healthz.status_code == 200
    assert readyz.status_code == 200
    assert page.status_code == 400


def test_readyz_reports_every_dependency_ready(client, db):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert json.loads(response.content) == {
        "status": "ready",
        "checks": {
            "database": "ok",
            "migrations": "ok",
            "redis": "ok",
            "workers": "not used",
        },
        "failed": [],
    }


def test_readyz_names_pending_migrations(client, db):
    (newest,) = MigrationLoader(None).graph.leaf_nodes("learning")
    MigrationRecorder.Migration.objects.filter(app="learning", name=newest[1]).delete()

    response = client.get("/readyz")

    assert response.status_code == 503
    assert json.loads(response.content) == {
        "status": "unavailable",
        "checks": {
            "database": "ok",
            "migrations": "pending",
            "redis": "ok",
            "workers": "not used",
        },
        "failed": ["migrations"],
    }


def test_readyz_names_unreachable_redis(client, db, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"

    response = client.get("/readyz")

    assert response.status_code == 503
    assert json.loads(response.content)["checks"] == {
        "database": "ok",
        "migrations": "ok",
        "redis": "unreachable",
        "workers": "not used",
    }
    assert json.loads(response.content)["failed"] == ["redis"]


def test_readyz_without_redis_configured_is_ready(client, db, settings):
    """The embedded stack (one process, no Redis) is ready on its own."""
    settings.REDIS_URL = ""

    response = client.get("/readyz")

    assert response.status_code == 200
    assert json.loads(response.content)["checks"]["redis"] == "not configured"


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_probe_paths_answer_only_get_and_head(client, method):
    response = getattr(client, method)("/healthz")

    assert response.status_code == 404
