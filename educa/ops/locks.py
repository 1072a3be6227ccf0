"""A lock shared by every worker, for work that must happen one at a time.

PostgreSQL's session advisory locks (documented functions Django's ORM has
no API for); a lock is held until released, across the commit, so it can
cover what happens after a transaction (a publish). SQLite, the embedded
single-process default, already runs its writes one at a time: there the
lock is a no-op. A session advisory lock needs a session of its own, so it
does not survive PgBouncer's transaction pooling.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


@contextmanager
def held(namespace: int, key: int) -> Iterator[None]:
    """Hold the lock (`namespace`, `key`) for the block, on every worker."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", [namespace, key])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [namespace, key])
