"""The pool lends a quiet connection as it is and checks one the server spoke on."""

import os
import resource
import time

import psycopg
import pytest
from django.db import connection
from psycopg_pool import ConnectionPool

from educa.ops.postgresql.base import check_pooled_connection

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def pool():
    pool = _pool()
    yield pool
    pool.close()


def _pool() -> ConnectionPool:
    params = connection.get_connection_params()
    return ConnectionPool(
        kwargs={**params, "autocommit": True},
        min_size=1,
        max_size=1,
        check=check_pooled_connection,
        open=True,
    )


def _last_query_of(pid: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0]


def test_a_quiet_pooled_connection_is_lent_without_a_round_trip(pool):
    with pool.connection() as lent:
        lent.execute("SELECT 42")
        pid = lent.info.backend_pid

    with pool.connection() as lent_again:
        assert lent_again.info.backend_pid == pid
        assert _last_query_of(pid) == "SELECT 42"


def test_a_connection_the_server_spoke_on_is_checked_before_it_is_lent(pool):
    with pool.connection() as lent:
        pid = lent.info.backend_pid
        lent.execute("LISTEN educa_pool_test")
    with connection.cursor() as cursor:
        cursor.execute("NOTIFY educa_pool_test")
    time.sleep(0.2)  # the notification reaches the idle connection's socket

    with pool.connection() as lent_again:
        assert lent_again.info.backend_pid == pid
        assert _last_query_of(pid) == ""  # psycopg's check: an empty query


def test_a_connection_the_server_closed_is_replaced_before_it_is_lent(pool):
    with pool.connection() as lent:
        pid = lent.info.backend_pid
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    time.sleep(0.2)  # the server's goodbye reaches the idle connection's socket

    with pool.connection() as lent_again:
        assert lent_again.execute("SELECT 1").fetchone() == (1,)
        assert lent_again.info.backend_pid != pid


def test_a_closed_connection_is_refused():
    closed = psycopg.connect(**connection.get_connection_params())
    closed.close()

    with pytest.raises(psycopg.OperationalError):
        check_pooled_connection(closed)


@pytest.fixture
def descriptors_past_1024():
    """Enough open pipes that the next socket's descriptor is above 1024."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 4096)), hard))
    pipes = [os.pipe() for _ in range(600)]
    yield
    for reader, writer in pipes:
        os.close(reader)
        os.close(writer)
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_a_connection_past_descriptor_1024_is_checked_too(descriptors_past_1024):
    pool = _pool()
    try:
        with pool.connection() as lent:
            assert lent.fileno() > 1024
            pid = lent.info.backend_pid
        with pool.connection() as lent_again:
            assert lent_again.info.backend_pid == pid
    finally:
        pool.close()
