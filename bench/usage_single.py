"""Single-event ingestion: POST /v1/usage, one event per request, against the service under
gunicorn, driven by wrk (closed loop). Not part of the test suite.

    python bench/usage_single.py [--seconds 20] [--connections 16] [--customers 500] [--fresh]
"""

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg  # noqa: E402

from bench.harness import say, service, setup_customers_and_metrics  # noqa: E402
from bench.loadgen import wrk, wrk_baseline  # noqa: E402

TARGET_REQUESTS_PER_SECOND = 800
TARGET_P99_SECONDS = 0.050

# Each wrk thread numbers its events under the run's prefix, so every event_id is new.
REQUESTS_LUA = """
local customers = %(customers)s
local counter = 0
local prefix = ""
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

function init(args)
  prefix = args[1] .. "-" .. thread_number .. "-"
end

function request()
  counter = counter + 1
  local body = '{"event_id":"' .. prefix .. counter .. '","customer":"'
    .. customers[(counter %% #customers) + 1] .. '","metric":"api_calls","quantity":'
    .. ((counter %% 100) + 1) .. '}'
  return wrk.format("POST", nil, nil, body)
end
"""


def stored_events(database_url: str, app_id: str, prefix: str) -> int:
    with psycopg.connect(database_url) as connection:
        (count,) = connection.execute(
            "SELECT count(*) FROM usage_events WHERE app_id = %s AND event_id LIKE %s",
            [app_id, f"{prefix}-%"],
        ).fetchone()
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--customers", type=int, default=500)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--fresh", action="store_true", help="recreate the scratch database")
    options = parser.parse_args()
    with service(workers=options.workers, fresh=options.fresh) as svc:
        customers = setup_customers_and_metrics(
            svc, customers=options.customers, metrics={"api_calls": "sum"}
        )
        script = REQUESTS_LUA % {"customers": json.dumps(customers).replace("[", "{", 1)[:-1] + "}"}
        run = f"single-{int(time.time())}"
        say("warming up")
        wrk(
            svc,
            "/v1/usage",
            label="warm-up",
            connections=8,
            seconds=3,
            script=script,
            script_arguments=[f"warm-{run}"],
        )
        say(f"single events from {options.connections} connections for {options.seconds:.0f} s")
        result = wrk(
            svc,
            "/v1/usage",
            label="single-event ingestion (closed loop)",
            connections=options.connections,
            seconds=options.seconds,
            script=script,
            script_arguments=[run],
        )
        stored = stored_events(svc.database_url, svc.app_id, run)
        baseline = wrk_baseline(svc, connections=options.connections)
    print()
    print(result.line())
    print(
        f"events stored by the run: {stored:,} (wrk counted {result.requests:,} answers, "
        f"{result.not_2xx} not 2xx; a request in flight when wrk stops is stored, not counted)"
    )
    for line in baseline:
        print(line.line())
    rate, p99 = result.requests_per_second, result.p99
    print(
        f"targets: >= {TARGET_REQUESTS_PER_SECOND} req/s "
        f"{'MET' if rate >= TARGET_REQUESTS_PER_SECOND else 'MISSED'}; "
        f"p99 < {TARGET_P99_SECONDS * 1000:.0f} ms {'MET' if p99 < TARGET_P99_SECONDS else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
