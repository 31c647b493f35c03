"""Running the usage hot paths' SQL as server-side prepared statements.

Django turns psycopg's prepared statements off (so that transaction-mode connection poolers keep
working) and binds parameters on the client. The entitlement check and ingestion run a few
fixed statements thousands of times a second, and planning them costs more than running them,
so these (and only these) are prepared once per connection, with server-side binding. Set
USAGE_PREPARED_STATEMENTS=false behind a transaction-mode pooler such as PgBouncer < 1.21.
"""

import re
from collections.abc import Mapping, Sequence
from typing import Any

import psycopg
from django.conf import settings
from django.db import connection

# Django leaves automatic preparation off (threshold None); a threshold never reached keeps it
# off for every other query while letting `prepare=True` prepare ours.
_NEVER = 2**31


def compact(sql: str) -> str:
    """`sql` without `--` comments and with each run of whitespace as one space (for our own
    statements: it does not know string literals, so none may hold `--`). psycopg caches
    its parse of a query only up to psycopg._queries.MAX_CACHED_STATEMENT_LENGTH (4 KiB) and
    parses a longer one again on every execution."""
    return " ".join(re.sub(r"--[^\n]*", "", sql).split())


def fetch_all(sql: str, parameters: Sequence[Any] | Mapping[str, Any]) -> list[tuple[Any, ...]]:
    """Runs `sql` on the default connection (inside the caller's transaction, if any) and
    returns its rows."""
    prepare = getattr(settings, "USAGE_PREPARED_STATEMENTS", True)
    connection.ensure_connection()
    with connection.wrap_database_errors:
        raw = connection.connection
        if prepare and raw.prepare_threshold is None:
            raw.prepare_threshold = _NEVER
        with psycopg.Cursor(raw) as cursor:
            cursor.execute(sql, parameters, prepare=prepare or None)
            # (cursor.description would build a Column per column just to say "rows")
            result = cursor.pgresult
            if result is None or result.status != psycopg.pq.ExecStatus.TUPLES_OK:
                return []
            return cursor.fetchall()
