"""Start-up behaviour, checked in fresh interpreters as an operator would meet it."""

import os
import subprocess
import sys

import pytest

from tests.servers import REPO, free_port

PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "k3Yp9-vT2xQw8Lm4Rz7Nb1Hc6Df0Gj5Ks" * 2,
    "ALLOWED_HOSTS": "educa.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://educa.example.com",
}


def _django(
    args: list[str], env: dict[str, str], tmp_path
) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}
    }
    return subprocess.run(
        [sys.executable, "-m", "django", *args],
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "educa.settings",
            "DATA_DIR": str(tmp_path),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        check=False,
    )


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_without_required_setting_stops_with_one_clear_line(
    tmp_path, missing
):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}

    result = _django(["check"], env, tmp_path)

    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0
    assert missing in result.stderr


def test_deploy_check_is_clean_with_production_settings(tmp_path):
    result = _django(
        ["check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV, tmp_path
    )

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_redis_url_switches_the_cache_and_the_live_feed_to_redis(tmp_path):
    code = (
        "from django.conf import settings as s;"
        "print(s.CACHES['default']['BACKEND']);"
        "print(s.REDIS_URL or '-');"
        "print(s.CHANNEL_PREFIX)"
    )
    env_with = {"REDIS_URL": "redis://127.0.0.1:6379/5"}
    clean = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}

    def backends(extra):
        return subprocess.run(
            [sys.executable, "-c", f"import django; django.setup(); {code}"],
            env={**clean, "DJANGO_SETTINGS_MODULE": "educa.settings", **extra},
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout.split()

    # Without Redis, live events stay in the one process (fanout.py).
    assert backends({}) == [
        "django.core.cache.backends.locmem.LocMemCache",
        "-",
        "educa.0",
    ]
    assert backends(env_with) == [
        "django_redis.cache.RedisCache",
        "redis://127.0.0.1:6379/5",
        "educa.5",
    ]


@pytest.mark.parametrize(
    ("variable", "service"), [("DATABASE_URL", "PostgreSQL"), ("REDIS_URL", "Redis")]
)
def test_suite_stops_with_one_line_when_a_service_is_unreachable(variable, service):
    closed_port = free_port()
    url = {
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{closed_port}/educa_test",
        "REDIS_URL": f"redis://127.0.0.1:{closed_port}/0",
    }[variable]

    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "tests/test_admin.py"],
        env={**os.environ, variable: url},
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        check=False,
    )

    output = result.stdout + result.stderr
    assert result.returncode == 2
    assert f"{service} is not reachable" in output
    assert variable in output
    assert "Traceback" not in output


def test_database_pool_size_shares_a_pool_instead_of_persistent_connections(
    tmp_path,
):
    result = _django(
        [
            "shell",
            "-c",
            "from django.conf import settings; d = settings.DATABASES['default'];"
            " print(d['OPTIONS']['pool'], d['CONN_MAX_AGE'], d['ENGINE'],"
            " d['CONN_HEALTH_CHECKS'])",
        ],
        {
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused",
            "DATABASE_POOL_SIZE": "8",
        },
        tmp_path,
    )

    assert result.returncode == 0, result.stderr
    assert (
        result.stdout.splitlines()[-1]
        == "{'min_size': 1, 'max_size': 8, 'timeout': 5} 0"
        " django.db.backends.postgresql True"
    )
