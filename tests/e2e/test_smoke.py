"""The embedded default (SQLite, in-memory layer, local-memory cache) really serves."""

import urllib.request

from tests.servers import django_env, manage, uvicorn_server


def test_embedded_default_serves_catalog_and_login(tmp_path):
    data_dir = tmp_path / "fresh"  # does not exist yet, as in a fresh clone
    env = django_env(
        DATA_DIR=str(data_dir), DATABASE_URL="", REDIS_URL="", DEBUG="true"
    )
    manage("migrate", "--no-input", "-v", "0", env=env)
    manage("seed_demo", "--if-empty", env=env)

    with uvicorn_server(env) as base_url:
        catalog = urllib.request.urlopen(f"{base_url}/", timeout=10)
        login = urllib.request.urlopen(f"{base_url}/accounts/login/", timeout=10)
        catalog_html = catalog.read().decode()

    assert catalog.status == 200
    assert login.status == 200
    assert "Django from Zero" in catalog_html
    assert (data_dir / "educa.sqlite3").exists()
