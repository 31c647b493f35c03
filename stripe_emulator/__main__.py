"""Command line: ``python -m stripe_emulator --port 12111 --api-key sk_test_… [--state-file PATH]``.

The valid secret keys come from ``--api-key`` (repeatable) and ``STRIPE_EMULATOR_API_KEYS``
(comma-separated); any other key answers 401 as Stripe does. With neither, any well-formed
secret key is accepted, and the emulator says so when it starts.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import threading

from stripe_emulator.persistence import StateFileError
from stripe_emulator.server import EmulatorServer
from stripe_emulator.state import DEFAULT_METER_SUMMARY_LAG_SECONDS


def main(arguments: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m stripe_emulator", description="A stateful Stripe API emulator."
    )
    parser.add_argument("--port", type=int, default=12111)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--webhook-url", help="deliver every event to this URL")
    parser.add_argument("--webhook-secret", help="signing secret for --webhook-url (whsec_...)")
    parser.add_argument(
        "--webhook-retry-base-seconds",
        type=float,
        default=1.0,
        help="first retry delay of a failed webhook delivery; doubles on each retry",
    )
    parser.add_argument(
        "--state-file",
        help="keep the emulator's state in this JSON file: loaded on start, written after "
        "every change, so a restart loses nothing",
    )
    parser.add_argument(
        "--api-key",
        action="append",
        default=[],
        dest="api_keys",
        help="a secret key of the emulated account (repeatable; also STRIPE_EMULATOR_API_KEYS, "
        "comma-separated); requests with any other key answer 401",
    )
    parser.add_argument(
        "--meter-summary-lag",
        type=int,
        default=DEFAULT_METER_SUMMARY_LAG_SECONDS,
        help="seconds (of the emulator's clock) before a meter event shows in the meter's "
        "summaries, as Stripe aggregates them asynchronously; 0 for none",
    )
    options = parser.parse_args(arguments)
    api_keys = [*options.api_keys, *_keys_from_environment()]
    if options.webhook_url and not options.webhook_secret:
        parser.error("--webhook-url needs --webhook-secret")
    try:
        server = EmulatorServer(
            port=options.port,
            host=options.host,
            webhook_url=options.webhook_url,
            webhook_secret=options.webhook_secret,
            webhook_retry_base_seconds=options.webhook_retry_base_seconds,
            state_file=options.state_file,
            api_keys=api_keys or None,
            meter_summary_lag_seconds=options.meter_summary_lag,
        )
    except StateFileError as error:
        parser.exit(1, f"{parser.prog}: {error}\n")
    server.start()
    # Printed after binding so "--port 0" reports the port actually chosen.
    print(f"Stripe emulator listening on {server.url}", flush=True)
    if not api_keys:
        print(
            "Stripe emulator: no --api-key given, so any well-formed secret key is accepted.",
            flush=True,
        )
    if server.state_file is not None:
        restored = "restored from" if server.restored else "new, kept in"
        print(f"Stripe emulator state: {restored} {server.state_file.path}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        threading.Event().wait()
    server.stop()
    return 0


def _keys_from_environment() -> list[str]:
    value = os.environ.get("STRIPE_EMULATOR_API_KEYS", "")
    return [key.strip() for key in value.split(",") if key.strip()]


if __name__ == "__main__":
    sys.exit(main())
