"""educa/ops/locks.py: the lock is held across workers until the block ends."""

import psycopg
import pytest
from django.db import connection

from educa.ops.locks import held
from tests.servers import database_url

pytestmark = pytest.mark.django_db(transaction=True)


def another_worker_gets(namespace: int, key: int) -> bool:
    """Whether a second session could take the lock right now."""
    with psycopg.connect(database_url(connection.settings_dict)) as other:
        taken = other.execute(
            "SELECT pg_try_advisory_lock(%s, %s)", [namespace, key]
        ).fetchone()[0]
        if taken:
            other.execute("SELECT pg_advisory_unlock(%s, %s)", [namespace, key])
        return taken


def test_the_lock_is_held_for_the_block_and_released_after_it():
    with held(1, 42):
        inside = another_worker_gets(1, 42)
        elsewhere = another_worker_gets(1, 43)

    assert inside is False
    assert elsewhere is True
    assert another_worker_gets(1, 42) is True


def test_the_lock_is_released_when_the_block_fails():
    with pytest.raises(RuntimeError), held(1, 42):
        raise RuntimeError("the block failed")

    assert another_worker_gets(1, 42) is True
