"""A real delivery of the service's outbound webhooks, to an endpoint the app registered with the
client, verifies with the client's `webhooks.verify`, and the same bytes tampered do not."""

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from payment_service_client import PaymentService, SignatureVerificationError, api, models, webhooks


@pytest.fixture
def inbox() -> Iterator[tuple[str, list[tuple[bytes, str]]]]:
    received: list[tuple[bytes, str]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            received.append((body, self.headers.get(webhooks.SIGNATURE_HEADER, "")))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hooks", received
    server.shutdown()
    server.server_close()


def test_a_delivered_payment_event_verifies_with_the_clients_helper(
    service: PaymentService, inbox, settings
):
    settings.WEBHOOK_ALLOW_PRIVATE_DESTINATIONS = True  # the inbox is on 127.0.0.1
    url, received = inbox
    endpoint = service.call(
        api.v1_webhook_endpoints_create.sync_detailed,
        body=models.WebhookEndpointCreateInputRequest(url=url, enabled_events=["*"]),
    )
    customer = service.call(
        api.v1_customers_create.sync_detailed,
        body=models.CustomerCreateInputRequest(external_id="payer", payment_method="pm_card_visa"),
    )
    payment = service.call(
        api.v1_payments_create.sync_detailed,
        body=models.PaymentCreateInputRequest(customer=customer.id, amount=990, currency="usd"),
    )

    deadline = time.monotonic() + 10
    while not received and time.monotonic() < deadline:
        time.sleep(0.05)
    assert received, "no delivery reached the inbox"
    events = [webhooks.verify(body, header, endpoint.secret) for body, header in received]
    succeeded = [event for event in events if event["type"] == "payment.succeeded"]
    assert succeeded, [event["type"] for event in events]
    assert payment.id in str(succeeded[0]["data"])
    body, header = received[0]
    with pytest.raises(SignatureVerificationError):
        webhooks.verify(body.replace(b"990", b"1"), header, endpoint.secret)
    with pytest.raises(SignatureVerificationError):
        webhooks.verify(
            body, header, endpoint.secret, tolerance_seconds=300, now=int(time.time()) + 301
        )
