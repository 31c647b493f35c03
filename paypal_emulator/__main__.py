"""Command line: ``python -m paypal_emulator --port 12112 [--client-id ID --client-secret SECRET]
[--webhook-url URL] [--state-file PATH]``.

With ``--webhook-url`` it registers that listener for every event type on start and prints its
webhook id (the service's ``PAYPAL_WEBHOOK_ID``). With ``--state-file`` it keeps its state in
that file across restarts (paypal_emulator/persistence.py)."""

from __future__ import annotations

import argparse
import contextlib
import sys
import threading

from paypal_emulator.api import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
from paypal_emulator.persistence import StateFileError
from paypal_emulator.server import PayPalEmulatorServer


def main(arguments: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m paypal_emulator", description="A stateful PayPal REST API emulator."
    )
    parser.add_argument("--port", type=int, default=12112)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--client-id", default=DEFAULT_CLIENT_ID)
    parser.add_argument("--client-secret", default=DEFAULT_CLIENT_SECRET)
    parser.add_argument("--webhook-url", help="register this webhook listener for every event")
    parser.add_argument("--webhook-id", help="the id to give that listener (PAYPAL_WEBHOOK_ID)")
    parser.add_argument("--webhook-retry-base-seconds", type=float, default=1.0)
    parser.add_argument("--state-file", help="keep the state in this file across restarts")
    options = parser.parse_args(arguments)
    try:
        server = PayPalEmulatorServer(
            port=options.port,
            host=options.host,
            client_id=options.client_id,
            client_secret=options.client_secret,
            webhook_retry_base_seconds=options.webhook_retry_base_seconds,
            state_file=options.state_file,
        )
    except StateFileError as error:
        print(f"PayPal emulator: {error}", file=sys.stderr, flush=True)
        return 2
    server.start()
    print(f"PayPal emulator listening on {server.url}", flush=True)
    if server.state_file is not None:
        restored = "restored from" if server.restored else "kept in"
        print(f"PayPal emulator state: {restored} {server.state_file.path}", flush=True)
    if options.webhook_url:
        print(
            f"PayPal emulator webhook id: {server.add_webhook(options.webhook_url, webhook_id=options.webhook_id)}",
            flush=True,
        )
    with contextlib.suppress(KeyboardInterrupt):
        threading.Event().wait()
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
