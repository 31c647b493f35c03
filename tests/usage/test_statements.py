"""The hot paths' statements stay within what psycopg caches its parse of: a longer query is
parsed again on every execution, which cost the single-event path a tenth of its time."""

import pytest
from psycopg._queries import MAX_CACHED_STATEMENT_LENGTH

from usage import entitlements, ingestion
from usage.statements import compact


@pytest.mark.parametrize(
    "statement",
    [
        ingestion._RECORD_ONE_SQL,
        ingestion._INSERT_EVENTS_SQL,
        ingestion._UPSERT_ROLLUPS_SQL,
        entitlements._ONE_METRIC_SQL,
        entitlements._PLAN_METRICS_SQL,
    ],
    ids=["record one", "insert events", "upsert rollups", "one entitlement", "entitlements"],
)
def test_a_hot_path_statement_fits_psycopgs_parse_cache(statement: str):
    assert len(statement.encode()) <= MAX_CACHED_STATEMENT_LENGTH


def test_compact_drops_comments_and_runs_of_whitespace():
    sql = "SELECT a,  -- the first\n       b\n  FROM t -- done\n WHERE c = %(c)s\n"

    assert compact(sql) == "SELECT a, b FROM t WHERE c = %(c)s"
