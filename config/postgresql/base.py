"""Django's PostgreSQL backend with a connection health check that costs no round trip.

With CONN_HEALTH_CHECKS on, Django checks a persistent connection before each request reuses
it, by sending `SELECT 1`: one more round trip on every request, which on the usage and
entitlement hot paths cost about as much as the request's own statement. Between requests
nothing is in flight on a healthy connection, so the server has nothing to say: if its socket
is readable, the server has closed the connection (a restart, `pg_terminate_backend`, an idle
timeout) or is about to, and the connection is not reused. The check is a `poll` on the socket.
"""

import select

from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        pgconn = connection.pgconn
        if pgconn.status != pq.ConnStatus.OK:
            return False
        if pgconn.transaction_status not in (
            pq.TransactionStatus.IDLE,
            pq.TransactionStatus.INTRANS,
        ):
            return False
        poller = select.poll()
        poller.register(pgconn.socket, select.POLLIN | select.POLLERR | select.POLLHUP)
        return not poller.poll(0)
