"""The Docker files cannot be built here, so their agreement with what
`make prod-local` runs (tested end to end) is checked instead.
"""

import importlib.util
import re
import subprocess

import pytest
import yaml

from tests.servers import REPO

DEPLOY = REPO / "deploy"
DOCKERFILE = (DEPLOY / "Dockerfile").read_text()
COMPOSE = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
SITE_CONF = (DEPLOY / "nginx" / "educa.conf").read_text()
APP = COMPOSE["services"]["app"]
NGINX = COMPOSE["services"]["nginx"]


@pytest.fixture(scope="module")
def prod_local():
    spec = importlib.util.spec_from_file_location(
        "prod_local", DEPLOY / "prod_local.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def dockerfile_stage(name: str) -> str:
    return re.search(
        rf"^FROM \S+ AS {name}\n(.*?)(?=^FROM |\Z)", DOCKERFILE, re.S | re.M
    )[1]


def placeholders(text: str) -> set[str]:
    return set(re.findall(r"\$\{([A-Z_]+)\}", text))


def test_nginx_image_carries_the_very_config_prod_local_renders(prod_local):
    assert prod_local.SITE_CONF == DEPLOY / "nginx" / "educa.conf"
    assert (
        "COPY deploy/nginx/educa.conf /etc/nginx/templates/educa.conf.template"
        in dockerfile_stage("nginx")
    )


def test_compose_and_prod_local_fill_exactly_the_config_placeholders(
    prod_local, tmp_path
):
    values = prod_local.site_values(
        listen="127.0.0.1:8080",
        worker_ports=[8001, 8002],
        settings={"STATIC_ROOT": "/s", "MEDIA_ROOT": "/m", "MAX_UPLOAD_MB": 20},
        run_dir=tmp_path,
    )

    assert placeholders(SITE_CONF) == set(values) == set(NGINX["environment"])
    assert placeholders(prod_local.render_site_conf(SITE_CONF, values)) == set()


def test_nginx_reaches_the_app_on_the_port_the_app_listens_on():
    assert (
        NGINX["environment"]["APP_SERVERS"]
        == f"server app:{APP['environment']['PORT']};"
    )
    assert f"EXPOSE {APP['environment']['PORT']}" in dockerfile_stage("app")
    assert APP["expose"] == [APP["environment"]["PORT"]]


def test_nginx_publishes_the_port_it_listens_on():
    listen = NGINX["environment"]["NGINX_LISTEN"]

    assert [mapping.rsplit(":", 1)[1] for mapping in NGINX["ports"]] == [listen]
    assert f"EXPOSE {listen}" in dockerfile_stage("nginx")


def test_upload_limits_agree(prod_local):
    upload_mb = int(APP["environment"]["MAX_UPLOAD_MB"])

    assert NGINX["environment"]["CLIENT_MAX_BODY_SIZE"] == (
        f"{upload_mb + prod_local.BODY_HEADROOM_MB}m"
    )


def test_static_and_media_paths_agree_between_app_and_nginx():
    app_env, nginx_env = APP["environment"], NGINX["environment"]

    assert app_env["STATIC_ROOT"] == nginx_env["STATIC_ROOT"]
    assert f"COPY --from=app {app_env['STATIC_ROOT']} {nginx_env['STATIC_ROOT']}" in (
        dockerfile_stage("nginx")
    )
    assert app_env["MEDIA_ROOT"] == nginx_env["MEDIA_ROOT"]
    assert APP["volumes"] == [f"media:{app_env['MEDIA_ROOT']}"]
    assert NGINX["volumes"] == [f"media:{nginx_env['MEDIA_ROOT']}:ro"]


def test_private_files_use_the_internal_location_everywhere(prod_local):
    prefix = APP["environment"]["MEDIA_ACCEL_REDIRECT_PREFIX"]

    assert prefix == prod_local.PROTECTED_MEDIA_PREFIX
    assert re.search(
        rf"location {re.escape(prefix)} \{{\s*internal;\s*alias \$\{{MEDIA_ROOT\}}/;",
        SITE_CONF,
    )


def test_only_public_uploads_are_served_from_disk():
    """Chat files (MEDIA_ROOT/chat/) go out only through the API's members check."""
    chat = re.search(r"location /media/chat/ \{(.*?)\}", SITE_CONF, re.S)

    assert chat is not None
    assert "return 404;" in chat[1]
    assert "alias" not in chat[1]


def test_app_image_and_prod_local_start_through_the_same_entrypoint(prod_local):
    entrypoint = (DEPLOY / "entrypoint.sh").read_text()
    subcommands = set(re.findall(r"^    (\w+)\)$", entrypoint, re.M))

    assert prod_local.ENTRYPOINT == DEPLOY / "entrypoint.sh"
    assert "COPY deploy/entrypoint.sh /usr/local/bin/educa-entrypoint" in DOCKERFILE
    assert 'ENTRYPOINT ["educa-entrypoint"]' in dockerfile_stage("app")
    assert "educa-entrypoint collectstatic" in dockerfile_stage("app")
    assert subcommands == {"serve", "worker", "migrate", "collectstatic"}
    assert APP["command"] == ["serve"]
    assert COMPOSE["services"]["worker"]["command"] == ["worker"]
    assert COMPOSE["services"]["worker"]["environment"]["TASK_BACKEND"] == "database"
    assert COMPOSE["services"]["migrate"]["command"] == ["migrate"]
    assert (
        subprocess.run(["sh", "-n", DEPLOY / "entrypoint.sh"], check=False).returncode
        == 0
    )


def test_app_runs_as_a_non_root_user_without_dev_dependencies():
    app = dockerfile_stage("app")

    assert re.search(r"^USER educa$", app, re.M)
    assert "pip install .\n" in dockerfile_stage("build")
    assert "[dev]" not in DOCKERFILE


def test_postgres_is_health_checked_and_kept_in_a_volume():
    postgres = COMPOSE["services"]["postgres"]

    assert postgres["healthcheck"]["test"][0] == "CMD-SHELL"
    assert postgres["volumes"] == ["postgres-data:/var/lib/postgresql/data"]
    assert COMPOSE["services"]["migrate"]["depends_on"]["postgres"] == {
        "condition": "service_healthy"
    }


def documented_variables() -> set[str]:
    """The names in the first column of the README's configuration table."""
    readme = (REPO / "README.md").read_text()
    first_columns = re.findall(r"^\| (`[A-Z_]+`.*?) \|", readme, re.M)
    return {
        name for column in first_columns for name in re.findall(r"`([A-Z_]+)`", column)
    }


def test_every_variable_compose_gives_the_app_is_documented():
    assert set(APP["environment"]) - documented_variables() == set()


def test_every_variable_settings_read_is_documented():
    settings_source = (REPO / "educa" / "settings.py").read_text()
    read = set(re.findall(r"env\.\w+\(\s*\"([A-Z_]+)\"", settings_source))

    assert read - documented_variables() == set()


def test_build_context_admits_everything_the_dockerfile_copies():
    ignore = (DEPLOY / "Dockerfile.dockerignore").read_text().splitlines()
    admitted = {line[1:].rstrip("/") for line in ignore if line.startswith("!")}
    copied = {
        source.rstrip("/")
        for sources in re.findall(r"^COPY (?!--from)(.+) \S+$", DOCKERFILE, re.M)
        for source in sources.split()
    }

    assert "*" in ignore  # everything else stays out
    assert {source.split("/")[0] for source in copied} <= admitted


def served_command(tmp_path, **env: str) -> list[str]:
    """The uvicorn command line `entrypoint.sh serve` runs, from a stand-in
    uvicorn that writes its arguments instead of serving."""
    stand_in = tmp_path / "uvicorn"
    stand_in.write_text('#!/bin/sh\nprintf "%s\\n" "$@"\n')
    stand_in.chmod(0o755)
    result = subprocess.run(
        ["sh", DEPLOY / "entrypoint.sh", "serve"],
        env={"PATH": f"{tmp_path}:/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.splitlines()


def option(command: list[str], name: str) -> str:
    return command[command.index(name) + 1]


def test_served_sockets_refuse_permessage_deflate_unless_asked(tmp_path):
    """Browsers always offer it; each compressed socket keeps its own zlib
    streams, about twice an idle socket's memory (bench/README.md)."""
    assert option(served_command(tmp_path), "--ws-per-message-deflate") == "false"
    assert (
        option(
            served_command(tmp_path, WS_PER_MESSAGE_DEFLATE="true"),
            "--ws-per-message-deflate",
        )
        == "true"
    )
    assert APP["environment"]["WS_PER_MESSAGE_DEFLATE"].endswith(":-false}")
