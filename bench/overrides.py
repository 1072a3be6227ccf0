"""Is each of Educa's own versions of a framework part worth keeping?

    .venv/bin/python bench/overrides.py [--duration 10] [--rounds 3] \
        [--variant BENCH_POOL=django] [--path contents]

Seeds its own database (`educa_bench_ops`, the data set of http_api.py) and
Redis database 12, then starts one uvicorn worker per variant, each with
production settings: `current` (the code as it is) and one per `--variant`
(an environment switch of bench/variants.py, e.g. `BENCH_ASGI=django`) and
one per `--tree NAME=PATH` (another checkout, e.g. a `git worktree` of the
commit before a change, on the same database and Redis). All
workers stay up; each round drives `current`, then a variant, then `current`
again, ... with wrk (32 connections), so every variant is compared with the
mean of the `current` runs on both sides of it: the machine's speed drifts
within minutes. Besides requests/s it prints the worker's CPU time per
request (user + system, from /proc), which drifts less.
"""

import argparse
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench import http_api  # noqa: E402
from tests.servers import free_port, wait_for_http  # noqa: E402

http_api.DATABASE = "educa_bench_ops"
http_api.ENV["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{http_api.DATABASE}"
http_api.ENV["REDIS_URL"] = "redis://127.0.0.1:6379/12"
http_api.ENV["STATIC_ROOT"] = "/tmp/educa-bench-ops-static"


def start(name: str, extra: dict[str, str]) -> tuple[subprocess.Popen, str]:
    port = free_port()
    tree = extra.get("PYTHONPATH", str(REPO))
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "uvicorn", "bench.reference:application"),
            *("--host", "127.0.0.1", "--port", str(port), "--workers", "1"),
            *("--lifespan", "off", "--no-access-log", "--log-level", "warning"),
        ],
        env={**http_api.ENV, **extra},
        cwd=tree,
    )
    base = f"http://127.0.0.1:{port}"
    wait_for_http(f"{base}/bench/raw/", server)
    return server, base


def run(server: subprocess.Popen, url: str, seconds: int, header: str | None):
    before = http_api._cpu_seconds(server.pid)
    result = http_api.wrk(url, seconds, header)
    http_api.wait_until_idle(server.pid)
    spent = http_api._cpu_seconds(server.pid) - before
    # wrk's requests/s times its duration: the requests it completed.
    result["cpu_ms"] = spent * 1000 / (result["rps"] * seconds)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--variant", action="append", default=[])
    parser.add_argument(
        "--tree",
        action="append",
        default=[],
        help="NAME=PATH: also run the code checked out at PATH (git worktree)",
    )
    parser.add_argument(
        "--path", choices=["contents", "courses", "django"], default="contents"
    )
    options = parser.parse_args()

    http_api.create_database()
    http_api.manage("migrate", "--no-input")
    http_api.manage("collectstatic", "--no-input", "--clear")
    os.environ.update(http_api.ENV)
    import django

    django.setup()
    http_api.seed()
    course_id, bearer, _ = http_api.credentials()
    path, header = {
        "contents": (f"/api/courses/{course_id}/contents/", bearer),
        "courses": ("/api/courses/", None),
        "django": ("/bench/django/", None),
    }[options.path]

    variants = {"current": {}}
    for switch in options.variant:
        key, value = switch.split("=", 1)
        variants[switch] = {key: value}
    for tree in options.tree:
        name, checkout = tree.split("=", 1)
        variants[name] = {"PYTHONPATH": str(Path(checkout).resolve())}
    servers = {}
    try:
        for name, extra in variants.items():
            servers[name] = start(name, extra)
            server, base = servers[name]
            request = urllib.request.Request(base + path)
            if header:
                request.add_header("Authorization", header)
            with urllib.request.urlopen(request, timeout=30) as response:
                assert response.status == 200, (name, response.status)
            http_api.wrk(base + path, 2, header)  # warm-up
            http_api.wait_until_idle(server.pid)
        print(f"{options.path}: {path}, {options.duration} s per run")
        print(
            "| round | variant | req/s | / current | CPU ms/req | / current | p99 ms |"
        )
        print("|---|---|---:|---:|---:|---:|---:|")
        order = ["current"]
        for name in variants:
            if name != "current":
                order += [name, "current"]
        for round_number in range(1, options.rounds + 1):
            measured = []
            for name in order:
                server, base = servers[name]
                measured.append(
                    (name, run(server, base + path, options.duration, header))
                )
            for index, (name, result) in enumerate(measured):
                around = [
                    measured[i][1]
                    for i in (index - 1, index + 1)
                    if name != "current" and 0 <= i < len(measured)
                ] or [result]
                rps = sum(r["rps"] for r in around) / len(around)
                cpu = sum(r["cpu_ms"] for r in around) / len(around)
                print(
                    f"| {round_number} | {name} | {result['rps']:.1f} | "
                    f"{result['rps'] / rps:.3f} | {result['cpu_ms']:.2f} | "
                    f"{result['cpu_ms'] / cpu:.3f} | {result['p99']:.0f} |"
                    + (f" non-2xx {result['non2xx']}" if result["non2xx"] else ""),
                    flush=True,
                )
    finally:
        for server, _ in servers.values():
            server.kill()
            server.wait()


if __name__ == "__main__":
    main()
