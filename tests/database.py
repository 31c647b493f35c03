"""A second connection to the test database, to watch and disturb the service's own."""

import psycopg
from django.db import connection


def database_observer() -> psycopg.Connection:
    """Made with the same parameters as Django's (host, port or Unix socket directory alike, as
    with the embedded PostgreSQL); autocommit unless a `transaction()` block is opened."""
    params = connection.get_connection_params()
    return psycopg.connect(
        **{
            key: params[key]
            for key in ("dbname", "user", "password", "host", "port")
            if params.get(key)
        },
        autocommit=True,
    )
