"""Batch ingestion: POST /v1/usage/batch with 1,000 events per request (dedupe on), against the
service under gunicorn, compared in the same run with plain psycopg inserting the same rows
into an equivalent table. Not part of the test suite.

    python bench/usage_batch.py [--requests 150] [--clients 4] [--customers 500] [--fresh]
"""

import argparse
import json
import random
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg  # noqa: E402

from bench.harness import LoadResult, load, say, service, setup_customers_and_metrics  # noqa: E402

TARGET_EVENTS_PER_SECOND = 20_000
TARGET_RATIO = 0.3


def make_batches(
    *, requests: int, per_request: int, customers: list[str], seed: int
) -> list[list[dict]]:
    generator = random.Random(seed)
    now = datetime.now(UTC)
    run = f"{seed}-{int(time.time())}"
    batches = []
    for number in range(requests):
        batches.append(
            [
                {
                    "event_id": f"{run}-{number}-{index}",
                    "customer": generator.choice(customers),
                    "metric": generator.choice(("api_calls", "storage_mb")),
                    "quantity": generator.randint(1, 100),
                    "timestamp": (now - timedelta(seconds=generator.randint(0, 3600)))
                    .isoformat()
                    .replace("+00:00", "Z"),
                }
                for index in range(per_request)
            ]
        )
    return batches


def plain_psycopg(
    *, database_url: str, app_id: str, batches: list[list[dict]], clients: int
) -> LoadResult:
    """The same rows, inserted by plain psycopg (executemany, one transaction per 1,000 rows,
    `clients` connections) into a copy of usage_events with the same columns and indexes."""
    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute("DROP TABLE IF EXISTS bench_plain_usage_events")
        connection.execute(
            "CREATE TABLE bench_plain_usage_events (LIKE usage_events INCLUDING ALL)"
        )
        ids = dict(
            connection.execute(
                "SELECT external_id, id FROM billing_customer WHERE app_id = %s", [app_id]
            ).fetchall()
        )
        metric_ids = dict(
            connection.execute(
                "SELECT code, id FROM usage_metric WHERE app_id = %s", [app_id]
            ).fetchall()
        )
    now = datetime.now(UTC)
    prepared = [
        [
            (
                app_id,
                event["event_id"],
                ids[event["customer"]],
                metric_ids[event["metric"]],
                event["quantity"],
                datetime.fromisoformat(event["timestamp"]),
                now,
                now,
            )
            for event in batch
        ]
        for batch in batches
    ]
    result = LoadResult()
    lock = threading.Lock()
    cursor = iter(prepared)

    def run() -> None:
        with psycopg.connect(database_url) as connection:
            while True:
                with lock:
                    rows = next(cursor, None)
                if rows is None:
                    return
                started = time.monotonic()
                with connection.transaction(), connection.cursor() as cursor_:
                    cursor_.executemany(
                        "INSERT INTO bench_plain_usage_events (app_id, event_id, customer_id, "
                        "metric_id, quantity, timestamp, period_start, received_at) "
                        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                        rows,
                    )
                elapsed = time.monotonic() - started
                with lock:
                    result.latencies.append(elapsed)
                    result.statuses[200] = result.statuses.get(200, 0) + 1

    started = time.monotonic()
    threads = [threading.Thread(target=run) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.monotonic() - started
    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute("DROP TABLE bench_plain_usage_events")
    return result


def main() -> None:
    """Seed, measure both paths, check every event was stored, print the table.

    Longer than most functions: it is the benchmark's script, read top to bottom as the steps it
    prints, and splitting it would only move those steps apart."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=150)
    parser.add_argument("--per-request", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--customers", type=int, default=500)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--fresh", action="store_true", help="recreate the scratch database")
    options = parser.parse_args()
    processes = 2 if options.clients % 2 == 0 else 1
    with service(workers=options.workers, fresh=options.fresh) as svc:
        customers = setup_customers_and_metrics(
            svc, customers=options.customers, metrics={"api_calls": "sum", "storage_mb": "sum"}
        )
        warmup = make_batches(
            requests=4, per_request=options.per_request, customers=customers, seed=1
        )
        load(
            svc,
            [
                ("POST", "/v1/usage/batch", json.dumps({"events": batch}).encode())
                for batch in warmup
            ],
            processes=processes,
            threads=options.clients // processes,
        )
        batches = make_batches(
            requests=options.requests,
            per_request=options.per_request,
            customers=customers,
            seed=2,
        )
        jobs = [
            ("POST", "/v1/usage/batch", json.dumps({"events": batch}).encode()) for batch in batches
        ]
        say(
            f"sending {len(jobs)} batches of {options.per_request} events from {options.clients} clients"
        )
        fresh = load(svc, jobs, processes=processes, threads=options.clients // processes)
        replay = load(svc, jobs, processes=processes, threads=options.clients // processes)
        with psycopg.connect(svc.database_url) as connection:
            stored = connection.execute(
                "SELECT count(*) FROM usage_events WHERE app_id = %s", [svc.app_id]
            ).fetchone()[0]
            total = connection.execute(
                "SELECT coalesce(sum(value), 0) FROM usage_rollups WHERE app_id = %s",
                [svc.app_id],
            ).fetchone()[0]
        expected = sum(event["quantity"] for batch in warmup + batches for event in batch)
        plain = plain_psycopg(
            database_url=svc.database_url,
            app_id=svc.app_id,
            batches=batches,
            clients=options.clients,
        )
    service_rate = fresh.requests * options.per_request / fresh.seconds
    plain_rate = plain.requests * options.per_request / plain.seconds
    ratio = service_rate / plain_rate
    print()
    print(
        fresh.line(
            "batch ingestion, new events", units_per_request=options.per_request, unit="events"
        )
    )
    print(
        replay.line(
            "batch ingestion, all duplicates", units_per_request=options.per_request, unit="events"
        )
    )
    print(
        plain.line(
            "plain psycopg executemany, same rows",
            units_per_request=options.per_request,
            unit="events",
        )
    )
    print(f"ratio service / plain psycopg: {ratio:.2f}")
    print(
        f"stored {stored:,} events (expected {(len(warmup) + len(batches)) * options.per_request:,}); "
        f"rollup total {total:,} (expected {expected:,})"
    )
    print(
        f"targets: >= {TARGET_EVENTS_PER_SECOND:,} events/s "
        f"{'MET' if service_rate >= TARGET_EVENTS_PER_SECOND else 'MISSED'}; "
        f"ratio >= {TARGET_RATIO} {'MET' if ratio >= TARGET_RATIO else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
