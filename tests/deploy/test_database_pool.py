"""Django's connection pool, as DATABASE_POOL_SIZE configures it: connections
are shared and reused, and one PostgreSQL closed while it sat in the pool is
replaced before it is lent (CONN_HEALTH_CHECKS)."""

import time

import pytest
from django.db import connection
from django.db.backends.postgresql.base import DatabaseWrapper

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def pooled():
    """A second alias on the test database, with the settings' pool options."""
    settings_dict = {
        **connection.settings_dict,
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {
            **connection.settings_dict["OPTIONS"],
            "pool": {"min_size": 1, "max_size": 1, "timeout": 5},
        },
    }
    wrapper = DatabaseWrapper(settings_dict, alias="pool_test")
    yield wrapper
    wrapper.close()
    wrapper.close_pool()


def _backend_pid(wrapper: DatabaseWrapper) -> int:
    """One request's worth of use: borrow a connection, ask, give it back."""
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    wrapper.close()  # returns the connection to the pool
    return pid


def test_requests_one_after_another_share_one_connection(pooled):
    assert len({_backend_pid(pooled) for _ in range(3)}) == 1


def test_a_connection_the_server_closed_is_replaced_before_it_is_lent(pooled):
    pid = _backend_pid(pooled)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    time.sleep(0.2)

    assert _backend_pid(pooled) != pid


def test_the_pool_checks_each_connection_it_lends(pooled):
    """The check is psycopg's empty query: PostgreSQL's view of the pooled
    connection shows it last ran "" before the next request's query."""
    pid = _backend_pid(pooled)
    conn = pooled.pool.getconn()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
            last_query = cursor.fetchone()[0]
    finally:
        pooled.pool.putconn(conn)

    assert conn.info.backend_pid == pid
    assert last_query == ""
