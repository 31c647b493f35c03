"""The state file: an emulator stopped and started again from it has lost nothing."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import stripe

from stripe_emulator.persistence import StateFileError, state_snapshot
from stripe_emulator.pytest_plugin import TEST_API_KEY
from stripe_emulator.server import EmulatorServer

DAY_SECONDS = 86_400


def _client(server_url: str) -> stripe.StripeClient:
    return stripe.StripeClient(
        TEST_API_KEY,
        base_addresses={"api": server_url, "meter_events": server_url},
        max_network_retries=0,
    )


@contextmanager
def _emulator_process(state_file: Path) -> Iterator[str]:
    """``python -m stripe_emulator --api-key … --state-file …`` as ``./run serve`` starts it."""
    process = subprocess.Popen(  # noqa: S603 - our own module
        [
            sys.executable,
            "-m",
            "stripe_emulator",
            "--port",
            "0",
            "--api-key",
            TEST_API_KEY,
            "--state-file",
            str(state_file),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first_line = process.stdout.readline()
        assert first_line.startswith("Stripe emulator listening on "), first_line
        yield first_line.rsplit(" ", 1)[1].strip()
    finally:
        process.terminate()
        process.wait(timeout=10)


def _metered_subscription(client: stripe.StripeClient, customer_id: str) -> stripe.Subscription:
    meter = client.v1.billing.meters.create(
        params={
            "display_name": "API calls",
            "event_name": "api_call",
            "default_aggregation": {"formula": "sum"},
        }
    )
    product = client.v1.products.create(params={"name": "Pro"})
    base = client.v1.prices.create(
        params={
            "product": product.id,
            "currency": "usd",
            "unit_amount": 2000,
            "recurring": {"interval": "month"},
        }
    )
    metered = client.v1.prices.create(
        params={
            "product": product.id,
            "currency": "usd",
            "unit_amount_decimal": "0.5",
            "recurring": {"interval": "month", "usage_type": "metered", "meter": meter.id},
        }
    )
    return client.v1.subscriptions.create(
        params={"customer": customer_id, "items": [{"price": base.id}, {"price": metered.id}]}
    )


def test_a_restarted_emulator_process_keeps_a_customer_who_can_still_pay(
    tmp_path: Path,
) -> None:
    state_file = tmp_path / "stripe-emulator.json"
    with _emulator_process(state_file) as url:
        client = _client(url)
        customer = client.v1.customers.create(
            params={
                "email": "ada@example.com",
                "payment_method": "pm_card_visa",
                "invoice_settings": {"default_payment_method": "pm_card_visa"},
            }
        )
        endpoint = client.v1.webhook_endpoints.create(
            params={"url": "http://127.0.0.1:9/stripe/webhook/", "enabled_events": ["*"]}
        )
        subscription = _metered_subscription(client, customer.id)

    with _emulator_process(state_file) as url:
        client = _client(url)
        kept = client.v1.customers.retrieve(customer.id)
        intent = client.v1.payment_intents.create(
            params={
                "amount": 1500,
                "currency": "usd",
                "customer": customer.id,
                "payment_method": kept.invoice_settings.default_payment_method,
                "confirm": True,
                "off_session": True,
            }
        )
        kept_endpoint = client.v1.webhook_endpoints.retrieve(endpoint.id)
        kept_subscription = client.v1.subscriptions.retrieve(subscription.id)

    assert kept.email == "ada@example.com"
    assert intent.status == "succeeded"
    assert kept_endpoint.url == "http://127.0.0.1:9/stripe/webhook/"
    assert kept_endpoint.status == "enabled"
    assert kept_subscription.status == "active"
    assert len(kept_subscription["items"].data) == 2


def test_the_state_file_gives_back_the_same_state_clock_and_idempotency_keys(
    tmp_path: Path,
) -> None:
    state_file = tmp_path / "state" / "stripe-emulator.json"
    with EmulatorServer(port=0, state_file=state_file, api_keys=[TEST_API_KEY]) as first:
        client = _client(first.url)
        customer = client.v1.customers.create(
            params={"payment_method": "pm_card_visa"}, options={"idempotency_key": "customer-1"}
        )
        _metered_subscription(client, customer.id)
        client.v1.billing.meter_events.create(
            params={
                "event_name": "api_call",
                "payload": {"stripe_customer_id": customer.id, "value": "3"},
            }
        )
        first.advance(32 * DAY_SECONDS)
        client.v1.customers.update(customer.id, params={"metadata": {"after": "advance"}})
        with first.state.lock:
            before = state_snapshot(first.state, first.api)
        clock_before = first.now()

    with EmulatorServer(port=0, state_file=state_file, api_keys=[TEST_API_KEY]) as second:
        with second.state.lock:
            after = state_snapshot(second.state, second.api)
        clock_after = second.now()
        replayed = _client(second.url).v1.customers.create(
            params={"payment_method": "pm_card_visa"}, options={"idempotency_key": "customer-1"}
        )

    assert second.restored is True
    assert after == before
    assert clock_before <= clock_after < clock_before + 60
    assert replayed.id == customer.id
    assert replayed.last_response.headers["Idempotent-Replayed"] == "true"


def test_without_a_state_file_nothing_is_written_and_each_emulator_starts_empty(
    tmp_path: Path,
) -> None:
    with EmulatorServer(port=0, api_keys=[TEST_API_KEY]) as first:
        _client(first.url).v1.customers.create(params={"email": "ada@example.com"})

    with EmulatorServer(port=0, api_keys=[TEST_API_KEY]) as second:
        customers = _client(second.url).v1.customers.list()

    assert customers.data == []
    assert list(tmp_path.iterdir()) == []


def test_an_unreadable_state_file_is_refused_rather_than_started_empty(tmp_path: Path) -> None:
    state_file = tmp_path / "stripe-emulator.json"
    state_file.write_text('{"version": 1, "objects": {')

    with pytest.raises(StateFileError):
        EmulatorServer(port=0, state_file=state_file)
