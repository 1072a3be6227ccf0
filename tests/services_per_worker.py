"""Each pytest-xdist worker gets a Redis database of its own.

pytest-django gives every worker its own test database (`..._gw0`,
`..._gw1`), but the cache and the channel layer would share REDIS_URL's
database: one worker's `cache.clear()` would empty the other's cache, and
both number their rooms from 1, so their chat groups would cross. Worker N
uses REDIS_URL's database + N (modulo Redis's 16).

Loaded with `-p` (pyproject's addopts) so it runs before pytest-django
imports the settings, which read REDIS_URL once.
"""

import os
from urllib.parse import urlsplit, urlunsplit

REDIS_DATABASES = 16


def _own_redis_database() -> None:
    worker = os.environ.get("PYTEST_XDIST_WORKER")  # "gw0", "gw1", ...
    url = os.environ.get("REDIS_URL")
    if not worker or not url:
        return
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    database = (base + int(worker.removeprefix("gw"))) % REDIS_DATABASES
    os.environ["REDIS_URL"] = urlunsplit(parts._replace(path=f"/{database}"))


_own_redis_database()
