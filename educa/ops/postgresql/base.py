"""Django's PostgreSQL backend whose pool checks a connection without a round trip.

With CONN_HEALTH_CHECKS, Django's pool has psycopg send an empty query before
it lends a connection: one more round trip per request, and under load each
wait hands the interpreter to another thread (bench/README.md). A connection
that PostgreSQL closed or wrote to while it sat in the pool (a restart,
`pg_terminate_backend`, an idle timeout) has bytes or end-of-file waiting on
its socket; a quiet one is as it was returned. So the empty query is sent only
for a connection whose socket has something to say.

A connection cut off without a word (a network partition) still passes; its
request fails with the 503 any database error gets, and the pool drops it.
"""

import select

from django.db.backends.base.base import NO_DB_ALIAS
from django.db.backends.postgresql import base
from psycopg import Connection, OperationalError
from psycopg.pq import ConnStatus
from psycopg_pool import ConnectionPool


def check_pooled_connection(connection: Connection) -> None:
    """Return quietly if `connection` may be lent; raise if it may not."""
    if connection.closed or connection.pgconn.status != ConnStatus.OK:
        raise OperationalError("the connection is closed")
    # poll(), not select(): a worker holding many sockets gets descriptors
    # past select()'s limit of 1024.
    poller = select.poll()
    poller.register(connection.fileno(), select.POLLIN)
    if poller.poll(0):
        ConnectionPool.check_connection(connection)


class DatabaseWrapper(base.DatabaseWrapper):
    @property
    def pool(self) -> ConnectionPool | None:
        """Django's pool, made with `check_pooled_connection` as its check."""
        options = self.settings_dict["OPTIONS"].get("pool")
        unmade = self.alias != NO_DB_ALIAS and self.alias not in self._connection_pools
        if options and unmade:
            pool = ConnectionPool(
                kwargs={**self.get_connection_params(), "autocommit": True},
                open=False,
                configure=self._configure_connection,
                check=check_pooled_connection,
                **({} if options is True else options),
            )
            # As Django does: if threads race, the first pool stored wins.
            self._connection_pools.setdefault(self.alias, pool)
        return super().pool
