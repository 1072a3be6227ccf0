"""`make prod-local`: the production topology on one machine, on loopback ports.

It runs what a production host runs, from the same files: deploy/entrypoint.sh
(migrate, collectstatic, then one uvicorn process per worker, and the task
workers: `entrypoint.sh worker`, TASK_BACKEND=database) behind nginx
configured by deploy/nginx/educa.conf, on PostgreSQL and Redis from
DATABASE_URL and REDIS_URL, with DEBUG off. Only the loopback specifics
differ: plain HTTP (so no HTTPS redirect or HSTS) and a throwaway SECRET_KEY
unless one is set. nginx runs as a child, not a daemon, with its config, pid,
temporary files and access log in a run directory, so nothing needs root.
Ctrl-C (or SIGTERM) stops every process; if any of them dies, all stop.

    python deploy/prod_local.py [--port 8080] [--workers 2] [--task-workers 1]
                                [--run-dir DIR]
"""

import argparse
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ENTRYPOINT = REPO / "deploy" / "entrypoint.sh"
SITE_CONF = REPO / "deploy" / "nginx" / "educa.conf"
MIME_TYPES = Path("/etc/nginx/mime.types")
PROTECTED_MEDIA_PREFIX = "/protected-media/"
# Room above MAX_UPLOAD_MB for the multipart envelope and the other form
# fields, so the app (not nginx) rejects oversized files with its own message.
BODY_HEADROOM_MB = 1
STOP_TIMEOUT = 15
PLACEHOLDER = re.compile(r"\$\{([A-Z_]+)\}")

MAIN_CONF = """\
# Rendered by deploy/prod_local.py for `make prod-local`; edits are overwritten.
{user}worker_processes 1;
daemon off;
pid {run}/nginx.pid;
error_log stderr warn;

events {{
    worker_connections 1024;
}}

http {{
    include {mime_types};
    default_type application/octet-stream;
    sendfile on;
    client_body_temp_path {run}/temp/client_body;
    proxy_temp_path {run}/temp/proxy;
    fastcgi_temp_path {run}/temp/fastcgi;
    uwsgi_temp_path {run}/temp/uwsgi;
    scgi_temp_path {run}/temp/scgi;

    include {run}/educa.conf;
}}
"""


class Stop(Exception):
    """Raised by the signal handler to leave the supervision loop."""


class StartFailed(Exception):
    """A process died or did not answer while the topology was starting."""


def fail(message: str) -> None:
    sys.exit(f"prod-local: {message}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def render_site_conf(template: str, values: dict[str, str]) -> str:
    """Fill the ${NAME} placeholders of educa.conf; every one must be given."""
    for name, value in values.items():
        template = template.replace("${" + name + "}", value)
    if missing := PLACEHOLDER.findall(template):
        fail(f"no value for {', '.join(sorted(set(missing)))} in {SITE_CONF.name}")
    return template


def site_values(
    *, listen: str, worker_ports: list[int], settings: dict, run_dir: Path
) -> dict[str, str]:
    """The placeholder values for a loopback topology."""
    return {
        "APP_SERVERS": " ".join(f"server 127.0.0.1:{p};" for p in worker_ports),
        "NGINX_LISTEN": listen,
        "NGINX_ACCESS_LOG": str(run_dir / "access.log"),
        "STATIC_ROOT": settings["STATIC_ROOT"],
        "MEDIA_ROOT": settings["MEDIA_ROOT"],
        "CLIENT_MAX_BODY_SIZE": f"{settings['MAX_UPLOAD_MB'] + BODY_HEADROOM_MB}m",
    }


def app_environment() -> dict[str, str]:
    """The app's environment: production settings, loopback specifics."""
    for name in ("DATABASE_URL", "REDIS_URL"):
        if not os.environ.get(name):
            fail(f"{name} must point at the server to use (see README, Deploying).")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "educa.settings",
        "PYTHONUNBUFFERED": "1",
        # The venv's python and uvicorn for entrypoint.sh.
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "DEBUG": "false",
        "TRUST_PROXY_HEADERS": "true",
        "FORWARDED_ALLOW_IPS": "127.0.0.1",
        "MEDIA_ACCEL_REDIRECT_PREFIX": PROTECTED_MEDIA_PREFIX,
    }
    # Loopback has no TLS: no redirect to HTTPS, no HSTS (both overridable).
    env.setdefault("SECURE_SSL_REDIRECT", "false")
    env.setdefault("SECURE_HSTS_SECONDS", "0")
    env.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
    # Each worker shares a few connections rather than opening one per
    # request or per chat message (README: DATABASE_POOL_SIZE).
    env.setdefault("DATABASE_POOL_SIZE", "8")
    # Web workers store tasks; the task workers run them (README, Workers).
    env.setdefault("TASK_BACKEND", "database")
    if not env.get("SECRET_KEY"):
        print("prod-local: no SECRET_KEY set, using a random one for this run.")
        env["SECRET_KEY"] = secrets.token_urlsafe(50)
    return env


def app_settings(env: dict[str, str]) -> dict:
    """Ask Django where static and media files live, as the workers will see it."""
    code = (
        "import json, django; django.setup(); from django.conf import settings as s;"
        "print(json.dumps({'STATIC_ROOT': str(s.STATIC_ROOT), "
        "'MEDIA_ROOT': str(s.MEDIA_ROOT), 'DATA_DIR': str(s.DATA_DIR), "
        "'MAX_UPLOAD_MB': s.MAX_UPLOAD_SIZE // 2**20}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        fail(result.stderr.strip().splitlines()[-1])
    return json.loads(result.stdout)


def nginx_binary() -> str:
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    if not found:
        fail("nginx is not installed: apt-get install nginx-light")
    return found


def write_nginx_conf(run_dir: Path, values: dict[str, str]) -> Path:
    for temp in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (run_dir / "temp" / temp).mkdir(parents=True, exist_ok=True)
    (run_dir / "educa.conf").write_text(render_site_conf(SITE_CONF.read_text(), values))
    # A root master would hand requests to workers running as "nobody", who
    # cannot read a private data directory; run them as the caller instead.
    user = f"user {pwd.getpwuid(0).pw_name};\n" if os.geteuid() == 0 else ""
    main = run_dir / "nginx.conf"
    main.write_text(MAIN_CONF.format(user=user, run=run_dir, mime_types=MIME_TYPES))
    return main


def wait_until_up(url: str, processes: list[subprocess.Popen], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for process in processes:
            if process.poll() is not None:
                raise StartFailed(f"{process.args[0]} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise StartFailed(f"{url} did not answer within {timeout:.0f}s")


def wait_for_task_workers(
    url: str, processes: list[subprocess.Popen], timeout: float
) -> None:
    """Until /readyz says a task worker was heard from."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for process in processes:
            if process.poll() is not None:
                raise StartFailed(f"{process.args[0]} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                workers = json.loads(response.read())["checks"]["workers"]
        except (OSError, ValueError, KeyError):
            workers = "unknown"
        if workers.endswith(" alive") and workers != "none alive":
            return
        time.sleep(0.2)
    raise StartFailed(f"no task worker reported to {url} within {timeout:.0f}s")


def stop(processes: list[subprocess.Popen]) -> None:
    """Stop nginx first (no new requests), then the workers, gracefully."""
    for process in processes:
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + STOP_TIMEOUT
    for process in processes:
        try:
            process.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run_entrypoint(command: str, env: dict[str, str]) -> None:
    if subprocess.run([ENTRYPOINT, command], env=env, cwd=REPO, check=False).returncode:
        fail(f"`entrypoint.sh {command}` failed (see above).")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8080, help="nginx port")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn processes")
    parser.add_argument(
        "--task-workers", type=int, default=1, help="background task workers"
    )
    parser.add_argument("--run-dir", type=Path, help="default: <DATA_DIR>/prod-local")
    args = parser.parse_args()

    nginx = nginx_binary()
    env = app_environment()
    env.setdefault("SITE_URL", f"http://127.0.0.1:{args.port}")
    settings = app_settings(env)
    run_dir = (args.run_dir or Path(settings["DATA_DIR"]) / "prod-local").resolve()
    run_dir.mkdir(parents=True, exist_ok=True)
    Path(settings["MEDIA_ROOT"]).mkdir(parents=True, exist_ok=True)

    run_entrypoint("migrate", env)
    run_entrypoint("collectstatic", env)

    worker_ports = [free_port() for _ in range(args.workers)]
    conf = write_nginx_conf(
        run_dir,
        site_values(
            listen=f"127.0.0.1:{args.port}",
            worker_ports=worker_ports,
            settings=settings,
            run_dir=run_dir,
        ),
    )

    def on_signal(signum: int, frame: object) -> None:
        # One stop is enough: a second Ctrl-C must not interrupt the cleanup.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise Stop(signal.Signals(signum).name)

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)

    processes: list[subprocess.Popen] = []
    try:
        workers = [
            subprocess.Popen(
                [ENTRYPOINT, "serve"],
                env={**env, "HOST": "127.0.0.1", "PORT": str(port)},
                cwd=REPO,
            )
            for port in worker_ports
        ]
        task_workers = [
            subprocess.Popen([ENTRYPOINT, "worker"], env=env, cwd=REPO)
            for _ in range(args.task_workers)
        ]
        processes = [
            subprocess.Popen(
                [nginx, "-p", str(run_dir), "-c", str(conf), "-e", "stderr"]
            ),
            *workers,
            *task_workers,
        ]
        for port in worker_ports:
            wait_until_up(f"http://127.0.0.1:{port}/healthz", processes, 60)
        url = f"http://127.0.0.1:{args.port}/"
        wait_until_up(f"{url}healthz", processes, 30)
        if task_workers:
            wait_for_task_workers(f"{url}readyz", processes, 60)
        print(
            f"prod-local: Educa is at {url} (nginx -> {args.workers} uvicorn "
            f"workers on ports {', '.join(map(str, worker_ports))}; "
            f"{args.task_workers} task worker(s); "
            f"nginx files in {run_dir}). Ctrl-C stops it.",
            flush=True,
        )
        while all(process.poll() is None for process in processes):
            time.sleep(0.5)
        dead = next(p for p in processes if p.poll() is not None)
        print(f"prod-local: {dead.args[0]} exited with {dead.returncode}; stopping.")
        return 1
    except StartFailed as reason:
        print(f"prod-local: could not start: {reason}; stopping.", flush=True)
        return 1
    except Stop as reason:
        print(f"prod-local: stopping ({reason}).", flush=True)
        return 0
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stop(processes)
        print("prod-local: stopped.", flush=True)


if __name__ == "__main__":
    sys.exit(main())
