"""End to end: the service runs on a live HTTP server, registered with the Stripe emulator as its
webhook endpoint, so the emulator POSTs signed events to dj-stripe's endpoint as Stripe would."""

import hashlib
import hmac
import json
import time
from typing import Any

import pytest
import requests
from djstripe.models import WebhookEndpoint

from billing.stripe_account import stripe_account_setup, stripe_webhook_path
from stripe_emulator.server import EmulatorServer


@pytest.fixture
def stripe_webhooks(live_server: Any, stripe: EmulatorServer) -> WebhookEndpoint:
    """Our webhook endpoint, registered at the emulator as `manage.py setup_stripe` does."""
    stripe_account_setup(base_url=live_server.url)
    return WebhookEndpoint.objects.get()


def settle(stripe: EmulatorServer) -> None:
    """Waits until the emulator has delivered every webhook (and each has been answered)."""
    assert stripe.wait_for_webhooks(timeout_seconds=30), "webhook deliveries did not finish"
    failed = [delivery for delivery in stripe.webhook_deliveries() if not delivery["succeeded"]]
    assert failed == [], f"webhooks our endpoint did not accept: {failed}"


def signed_post(
    base_url: str,
    endpoint: WebhookEndpoint,
    body: bytes,
    *,
    secret: str | None = None,
    timestamp: int | None = None,
) -> requests.Response:
    """POSTs `body` to our endpoint over HTTP with a `Stripe-Signature` built as Stripe builds it:
    HMAC-SHA256 of `t.body` with the endpoint's secret."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(
        (secret or endpoint.secret).encode(), f"{timestamp}.".encode() + body, hashlib.sha256
    ).hexdigest()
    return requests.post(
        base_url + stripe_webhook_path(endpoint),
        data=body,
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "Stripe-Signature": f"t={timestamp},v1={digest}",
        },
        timeout=30,
    )


def event_body(event: dict[str, Any]) -> bytes:
    return json.dumps(event, indent=2).encode()
