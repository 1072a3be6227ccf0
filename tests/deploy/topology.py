"""Start `make prod-local` (nginx + uvicorn workers) and dedicated Redis/PostgreSQL.

Everything here runs the real programs on free loopback ports and stops them
by process id; the machine's shared PostgreSQL and Redis are never touched.
"""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rest_framework_simplejwt.tokens import AccessToken
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from tests.servers import REPO, free_port

STARTED = "prod-local: Educa is at "


@dataclass
class Topology:
    """A running `make prod-local`: its URL, run directory and output so far."""

    base_url: str
    data_dir: Path
    process: subprocess.Popen
    output: list[str] = field(default_factory=list)

    @property
    def run_dir(self) -> Path:
        return self.data_dir / "prod-local"

    @property
    def static_root(self) -> Path:
        return self.data_dir / "staticfiles"

    @property
    def media_root(self) -> Path:
        return self.data_dir / "media"

    def app_lines(self, count: int = 1, **match: object) -> list[dict]:
        """The workers' JSON log lines whose fields equal `match`."""
        return _wait_for(count, lambda: _matching(self._app_entries(), match))

    def nginx_lines(self, count: int = 1, **match: object) -> list[dict]:
        """nginx's JSON access-log lines whose fields equal `match`."""
        return _wait_for(count, lambda: _matching(self._nginx_entries(), match))

    def _app_entries(self) -> list[dict]:
        return [json.loads(text) for text in list(self.output) if text.startswith("{")]

    def _nginx_entries(self) -> list[dict]:
        log = self.run_dir / "access.log"
        return [json.loads(line) for line in log.read_text().splitlines()]


def _matching(entries: list[dict], match: dict[str, object]) -> list[dict]:
    return [
        entry
        for entry in entries
        if all(entry.get(key) == value for key, value in match.items())
    ]


def _wait_for(count: int, find: Callable[[], list[dict]]) -> list[dict]:
    """Lines land a moment after the client has its response (nginx logs when
    the request is done; worker output passes through a pipe), so fewer than
    `count` matches are retried briefly."""
    deadline = time.monotonic() + 2
    while True:
        found = find()
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def open_chat(topology: Topology, course, user) -> ClientConnection:
    """A course-chat socket through nginx, authenticated by `?token=<JWT>`."""
    ws_url = topology.base_url.replace("http://", "ws://")
    return connect(
        f"{ws_url}/ws/chat/room/{course.pk}/?token={AccessToken.for_user(user)}",
        origin=topology.base_url,
        open_timeout=10,
    )


def next_of_kind(socket: ClientConnection, kind: str) -> dict:
    while True:
        frame = json.loads(socket.recv(timeout=10))
        if frame["type"] == kind:
            return frame


def close_code(socket: ClientConnection) -> int | None:
    """Read until the server closes `socket`; the close code it sent."""
    try:
        while True:
            socket.recv(timeout=15)
    except ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd else None


def _collect(stream, lines: list[str]) -> None:
    lines.extend(line.rstrip("\n") for line in stream)


def stop_topology(process: subprocess.Popen, timeout: float = 40) -> int:
    """Press Ctrl-C: SIGINT to the whole process group, as a terminal does."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGINT)
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise


_OUTER_MAKE = {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"}


@contextlib.contextmanager
def prod_local(
    env: dict[str, str], data_dir: Path, workers: int = 2
) -> Iterator[Topology]:
    """Run `make prod-local` with `env` on a free port until the block ends."""
    port = free_port()
    process = subprocess.Popen(
        [
            "make",
            "--no-print-directory",
            "prod-local",
            f"NGINX_PORT={port}",
            f"WORKERS={workers}",
        ],
        env={
            # Under `make test DATABASE_URL=...`, MAKEFLAGS carries the outer
            # command line's variables, which would override `env` in this
            # make: the site would serve the developer's database, not the
            # test's.
            **{k: v for k, v in env.items() if k not in _OUTER_MAKE},
            "DATA_DIR": str(data_dir),
        },
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    topology = Topology(f"http://127.0.0.1:{port}", data_dir, process)
    reader = threading.Thread(
        target=_collect, args=(process.stdout, topology.output), daemon=True
    )
    reader.start()
    try:
        deadline = time.monotonic() + 180
        while not any(line.startswith(STARTED) for line in topology.output):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    "make prod-local did not start:\n" + "\n".join(topology.output)
                )
            time.sleep(0.2)
        yield topology
    finally:
        stop_topology(process)
        reader.join(timeout=5)


@dataclass
class RedisServer:
    """A redis-server of the test's own, without persistence, on `port`."""

    port: int
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        _wait_for_port(self.port, self.process)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@contextlib.contextmanager
def dedicated_redis() -> Iterator[RedisServer]:
    server = RedisServer(free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _wait_for_port(port: int, process: subprocess.Popen, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode}")
        with (
            contextlib.suppress(OSError),
            socket.create_connection(("127.0.0.1", port), 1),
        ):
            return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on {port} after {timeout}s")


def postgres_bin() -> Path:
    """Debian's PostgreSQL server programs (initdb, pg_ctl), newest version."""
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not versions:
        raise RuntimeError("PostgreSQL server programs are not installed")
    return versions[-1].parent


@dataclass
class PostgresCluster:
    """A throwaway PostgreSQL cluster (initdb in a temporary directory)."""

    directory: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        # PostgreSQL refuses to run as root; the Debian package's "postgres"
        # account owns the cluster then.
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, *args], check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        self._run(
            str(postgres_bin() / "pg_ctl"),
            "start",
            "-w",
            "-D",
            str(self.directory / "data"),
            "-l",
            str(self.directory / "server.log"),
            "-o",
            f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 "
            "-c fsync=off",
        )

    def stop(self) -> None:
        self._run(
            str(postgres_bin() / "pg_ctl"),
            "stop",
            "-w",
            "-m",
            "fast",
            "-D",
            str(self.directory / "data"),
        )


@contextlib.contextmanager
def dedicated_postgres() -> Iterator[PostgresCluster]:
    directory = Path(tempfile.mkdtemp(prefix="educa-pg-"))
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres", "postgres")
    cluster = PostgresCluster(directory, free_port())
    cluster._run(
        str(postgres_bin() / "initdb"),
        "-D",
        str(directory / "data"),
        "-U",
        "postgres",
        "-A",
        "trust",
        "--no-sync",
    )
    cluster.start()
    try:
        yield cluster
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            cluster.stop()
        shutil.rmtree(directory, ignore_errors=True)
