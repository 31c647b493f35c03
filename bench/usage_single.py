"""Single-event ingestion: POST /v1/usage, one event per request, against the service under
gunicorn. Not part of the test suite.

    python bench/usage_single.py [--requests 12000] [--clients 16] [--customers 500] [--fresh]
"""

import argparse
import json
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (  # noqa: E402
    framework_baseline,
    load,
    say,
    service,
    setup_customers_and_metrics,
)

TARGET_REQUESTS_PER_SECOND = 800
TARGET_P99_SECONDS = 0.050


def make_jobs(*, requests: int, customers: list[str], seed: int) -> list:
    generator = random.Random(seed)
    now = datetime.now(UTC)
    run = f"single-{seed}-{int(time.time())}"
    return [
        (
            "POST",
            "/v1/usage",
            json.dumps(
                {
                    "event_id": f"{run}-{index}",
                    "customer": generator.choice(customers),
                    "metric": "api_calls",
                    "quantity": generator.randint(1, 100),
                    "timestamp": (now - timedelta(seconds=generator.randint(0, 600)))
                    .isoformat()
                    .replace("+00:00", "Z"),
                }
            ).encode(),
        )
        for index in range(requests)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=12000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--customers", type=int, default=500)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--fresh", action="store_true", help="recreate the scratch database")
    options = parser.parse_args()
    with service(workers=options.workers, fresh=options.fresh) as svc:
        customers = setup_customers_and_metrics(
            svc, customers=options.customers, metrics={"api_calls": "sum"}
        )
        load(svc, make_jobs(requests=500, customers=customers, seed=1), processes=2, threads=4)
        jobs = make_jobs(requests=options.requests, customers=customers, seed=2)
        say(f"sending {len(jobs)} single events from {options.clients} clients")
        result = load(svc, jobs, processes=2, threads=max(1, options.clients // 2))
        baseline = framework_baseline(
            svc, requests=3000, processes=2, threads=max(1, options.clients // 2)
        )
    rate = result.requests / result.seconds
    p99 = result.percentile(0.99)
    print()
    print(result.line("single-event ingestion"))
    for line in baseline:
        print(line)
    print(
        f"targets: >= {TARGET_REQUESTS_PER_SECOND} req/s "
        f"{'MET' if rate >= TARGET_REQUESTS_PER_SECOND else 'MISSED'}; "
        f"p99 < {TARGET_P99_SECONDS * 1000:.0f} ms {'MET' if p99 < TARGET_P99_SECONDS else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
