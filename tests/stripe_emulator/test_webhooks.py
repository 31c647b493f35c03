"""Webhook endpoints, signed asynchronous delivery, retries, and the command line."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import stripe

from stripe_emulator.server import EmulatorServer


class WebhookReceiver:
    """A real local HTTP endpoint that records deliveries and can fail the first few."""

    def __init__(self, failures_before_success: int = 0) -> None:
        self.failures_left = failures_before_success
        self.deliveries: list[tuple[bytes, str]] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver.lock:
                    receiver.deliveries.append((body, self.headers["Stripe-Signature"]))
                    failing = receiver.failures_left > 0
                    receiver.failures_left -= 1
                self.send_response(500 if failing else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/stripe/webhook/"

    def __enter__(self) -> WebhookReceiver:
        self.thread.start()
        return self

    def __exit__(self, *exception: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as running:
        yield running


def test_webhook_endpoint_secret_is_returned_only_on_create(
    stripe_client: stripe.StripeClient,
) -> None:
    endpoint = stripe_client.v1.webhook_endpoints.create(
        params={"url": "https://example.com/hook", "enabled_events": ["*"]}
    )

    retrieved = stripe_client.v1.webhook_endpoints.retrieve(endpoint.id)
    updated = stripe_client.v1.webhook_endpoints.update(
        endpoint.id, params={"enabled_events": ["invoice.paid"], "disabled": True}
    )
    listed = stripe_client.v1.webhook_endpoints.list()
    deleted = stripe_client.v1.webhook_endpoints.delete(endpoint.id)

    assert endpoint.secret.startswith("whsec_")
    assert "secret" not in retrieved
    assert updated.enabled_events == ["invoice.paid"] and updated.status == "disabled"
    assert [item.id for item in listed.data] == [endpoint.id]
    assert deleted.deleted is True


def test_events_are_delivered_signed_so_construct_event_accepts_them(
    stripe_emulator: EmulatorServer, stripe_client: stripe.StripeClient, receiver: WebhookReceiver
) -> None:
    endpoint = stripe_client.v1.webhook_endpoints.create(
        params={"url": receiver.url, "enabled_events": ["customer.created", "customer.updated"]}
    )

    customer = stripe_client.v1.customers.create(params={"name": "Hooked"})
    stripe_client.v1.customers.update(customer.id, params={"name": "Hooked again"})
    stripe_client.v1.products.create(params={"name": "not subscribed"})
    assert stripe_emulator.wait_for_webhooks(5)

    events = [
        stripe.Webhook.construct_event(body, signature, endpoint.secret)
        for body, signature in receiver.deliveries
    ]
    assert sorted(event.type for event in events) == ["customer.created", "customer.updated"]
    assert all(event.data.object.id == customer.id for event in events)
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(
            receiver.deliveries[0][0], receiver.deliveries[0][1], "whsec_wrong"
        )


def test_failed_delivery_is_retried_until_the_receiver_answers_2xx(
    stripe_emulator: EmulatorServer, stripe_client: stripe.StripeClient
) -> None:
    with WebhookReceiver(failures_before_success=2) as flaky:
        endpoint = stripe_emulator.add_webhook_endpoint(
            flaky.url, enabled_events=["customer.created"]
        )

        stripe_client.v1.customers.create(params={"name": "retry me"})
        assert stripe_emulator.wait_for_webhooks(5)

        attempts = [
            (entry["attempt"], entry["status"]) for entry in stripe_emulator.webhook_deliveries()
        ]
        assert attempts == [(1, 500), (2, 500), (3, 200)]
        bodies = {body for body, _ in flaky.deliveries}
        assert len(bodies) == 1
        event = stripe.Webhook.construct_event(
            flaky.deliveries[-1][0], flaky.deliveries[-1][1], endpoint["secret"]
        )
        assert event.type == "customer.created"


def test_unreachable_endpoint_is_retried_a_bounded_number_of_times(
    stripe_emulator: EmulatorServer, stripe_client: stripe.StripeClient
) -> None:
    stripe_emulator.add_webhook_endpoint("http://127.0.0.1:9/unreachable", enabled_events=["*"])

    stripe_client.v1.customers.create()
    assert stripe_emulator.wait_for_webhooks(5)

    deliveries = stripe_emulator.webhook_deliveries()
    assert [entry["attempt"] for entry in deliveries] == [1, 2, 3, 4]
    assert all(entry["succeeded"] is False for entry in deliveries)


def test_billing_events_reach_a_wildcard_endpoint_on_clock_advance(
    stripe_emulator: EmulatorServer, stripe_client: stripe.StripeClient, receiver: WebhookReceiver
) -> None:
    endpoint = stripe_emulator.add_webhook_endpoint(receiver.url, secret="whsec_test_secret")
    price = stripe_client.v1.prices.create(
        params={
            "product_data": {"name": "Pro"},
            "currency": "usd",
            "unit_amount": 900,
            "recurring": {"interval": "month"},
        }
    )
    customer = stripe_client.v1.customers.create(
        params={"payment_method": "pm_card_chargeCustomerFail"}
    )
    stripe_client.v1.subscriptions.create(
        params={"customer": customer.id, "items": [{"price": price.id}], "trial_period_days": 7}
    )

    stripe_emulator.advance(8 * 86_400)
    assert stripe_emulator.wait_for_webhooks(5)

    types = [
        stripe.Webhook.construct_event(body, signature, endpoint["secret"]).type
        for body, signature in receiver.deliveries
    ]
    assert "customer.subscription.trial_will_end" in types
    assert "invoice.payment_failed" in types
    updated = [
        stripe.Webhook.construct_event(body, signature, endpoint["secret"])
        for body, signature in receiver.deliveries
    ]
    statuses = [
        event.data.object.status
        for event in updated
        if event.type == "customer.subscription.updated"
    ]
    assert statuses[-1] == "past_due"


def test_command_line_prints_where_it_listens() -> None:
    process = subprocess.Popen(  # noqa: S603 - our own module
        [sys.executable, "-m", "stripe_emulator", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
    finally:
        process.terminate()
        process.wait(timeout=5)

    assert line.startswith("Stripe emulator listening on http://127.0.0.1:")
    assert not line.strip().endswith(":0")
