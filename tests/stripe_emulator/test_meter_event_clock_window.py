"""Meter events are accepted in Stripe's window (at most 35 days old, at most 5 minutes ahead)
of their customer's own time: a customer on a test clock lives at its clock's frozen time."""

from __future__ import annotations

from typing import Any

import pytest
import stripe

from stripe_emulator.server import EmulatorServer

DAY_SECONDS = 86_400


def _report(client: stripe.StripeClient, customer: stripe.Customer, **more: Any) -> Any:
    return client.v1.billing.meter_events.create(
        params={
            "event_name": "api_call",
            "payload": {"stripe_customer_id": customer.id, "value": "1"},
            **more,
        }
    )


def test_meter_events_are_checked_against_the_customers_test_clock(
    stripe_emulator: EmulatorServer, stripe_client: stripe.StripeClient
) -> None:
    stripe_client.v1.billing.meters.create(
        params={
            "display_name": "API calls",
            "event_name": "api_call",
            "default_aggregation": {"formula": "sum"},
        }
    )
    frozen_time = stripe_emulator.now() + 400 * DAY_SECONDS
    clock = stripe_client.v1.test_helpers.test_clocks.create(params={"frozen_time": frozen_time})
    customer = stripe_client.v1.customers.create(params={"test_clock": clock.id})

    accepted = _report(stripe_client, customer, timestamp=frozen_time - 34 * DAY_SECONDS)
    defaulted = _report(stripe_client, customer)
    refused = []
    for timestamp in (
        frozen_time - 36 * DAY_SECONDS,
        frozen_time + 301,
        stripe_emulator.now(),  # the real time is a year before the customer's
    ):
        with pytest.raises(stripe.InvalidRequestError) as raised:
            _report(stripe_client, customer, timestamp=timestamp)
        refused.append(raised.value.param)

    assert accepted.timestamp == frozen_time - 34 * DAY_SECONDS
    assert defaulted.timestamp == frozen_time
    assert refused == ["timestamp", "timestamp", "timestamp"]


def test_meter_events_of_a_customer_on_no_clock_keep_the_real_time_window(
    stripe_emulator: EmulatorServer, stripe_client: stripe.StripeClient
) -> None:
    stripe_client.v1.billing.meters.create(
        params={
            "display_name": "API calls",
            "event_name": "api_call",
            "default_aggregation": {"formula": "sum"},
        }
    )
    customer = stripe_client.v1.customers.create()
    now = stripe_emulator.now()

    accepted = _report(stripe_client, customer, timestamp=now - 34 * DAY_SECONDS)
    with pytest.raises(stripe.InvalidRequestError) as raised:
        _report(stripe_client, customer, timestamp=now + 400 * DAY_SECONDS)

    assert accepted.timestamp == now - 34 * DAY_SECONDS
    assert raised.value.param == "timestamp"
