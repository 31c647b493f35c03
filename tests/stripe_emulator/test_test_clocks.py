"""Test clocks: only a clock's own customers, subscriptions and invoices move with it."""

from __future__ import annotations

import pytest
import stripe

from stripe_emulator.server import EmulatorServer

DAY_SECONDS = 86_400
# 2030-01-01: far from the emulator's own (real) time, so nothing passes by chance.
FROZEN_TIME = 1_893_456_000


def _monthly_price(client: stripe.StripeClient) -> stripe.Price:
    return client.v1.prices.create(
        params={
            "product_data": {"name": "Pro"},
            "currency": "usd",
            "unit_amount": 2000,
            "recurring": {"interval": "month"},
        }
    )


def _trialing_subscription(
    client: stripe.StripeClient, price: stripe.Price, test_clock: str | None = None
) -> stripe.Subscription:
    params: stripe.params.CustomerCreateParams = {"payment_method": "pm_card_visa"}
    if test_clock is not None:
        params["test_clock"] = test_clock
    customer = client.v1.customers.create(params=params)
    client.v1.customers.update(
        customer.id,
        params={
            "invoice_settings": {
                "default_payment_method": client.v1.customers.payment_methods.list(customer.id)
                .data[0]
                .id
            }
        },
    )
    return client.v1.subscriptions.create(
        params={"customer": customer.id, "items": [{"price": price.id}], "trial_period_days": 14}
    )


def _event_types(client: stripe.StripeClient) -> list[str]:
    return [event.type for event in reversed(client.v1.events.list(params={"limit": 100}).data)]


def test_a_test_clock_is_created_ready_at_its_frozen_time_and_listed(
    stripe_client: stripe.StripeClient,
) -> None:
    clock = stripe_client.v1.test_helpers.test_clocks.create(
        params={"frozen_time": FROZEN_TIME, "name": "Trial rehearsal"}
    )

    assert clock.object == "test_helpers.test_clock"
    assert clock.id.startswith("clock_")
    assert clock.status == "ready"
    assert clock.frozen_time == FROZEN_TIME
    assert clock.name == "Trial rehearsal"
    assert clock.deletes_after == clock.created + 7 * DAY_SECONDS
    assert stripe_client.v1.test_helpers.test_clocks.retrieve(clock.id).frozen_time == FROZEN_TIME
    assert [listed.id for listed in stripe_client.v1.test_helpers.test_clocks.list().data] == [
        clock.id
    ]
    assert "test_helpers.test_clock.created" in _event_types(stripe_client)


def test_a_test_clock_needs_a_frozen_time(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe_client.v1.test_helpers.test_clocks.create(params={"name": "no time"})  # type: ignore[typeddict-item]  # frozen_time left out on purpose

    assert raised.value.code == "parameter_missing"
    assert raised.value.param == "frozen_time"


def test_a_customer_on_a_test_clock_lives_at_the_clocks_time(
    stripe_client: stripe.StripeClient,
) -> None:
    clock = stripe_client.v1.test_helpers.test_clocks.create(params={"frozen_time": FROZEN_TIME})
    price = _monthly_price(stripe_client)

    subscription = _trialing_subscription(stripe_client, price, clock.id)
    customer = stripe_client.v1.customers.retrieve(str(subscription.customer))

    assert customer.test_clock == clock.id
    assert customer.created == FROZEN_TIME
    assert subscription.test_clock == clock.id
    assert subscription.start_date == FROZEN_TIME
    assert subscription.trial_end == FROZEN_TIME + 14 * DAY_SECONDS


def test_a_customer_on_an_unknown_test_clock_is_refused(
    stripe_client: stripe.StripeClient,
) -> None:
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe_client.v1.customers.create(params={"test_clock": "clock_missing"})

    assert raised.value.code == "resource_missing"
    assert raised.value.param == "test_clock"
    assert stripe_client.v1.customers.list().data == []


def test_advancing_a_test_clock_ends_its_trials_and_pays_their_invoices(
    stripe_client: stripe.StripeClient,
) -> None:
    clock = stripe_client.v1.test_helpers.test_clocks.create(params={"frozen_time": FROZEN_TIME})
    price = _monthly_price(stripe_client)
    subscription = _trialing_subscription(stripe_client, price, clock.id)

    advancing = stripe_client.v1.test_helpers.test_clocks.advance(
        clock.id, params={"frozen_time": FROZEN_TIME + 15 * DAY_SECONDS}
    )
    after = stripe_client.v1.subscriptions.retrieve(
        subscription.id, params={"expand": ["latest_invoice"]}
    )
    ready = stripe_client.v1.test_helpers.test_clocks.retrieve(clock.id)

    assert advancing.status == "advancing"
    assert advancing.status_details.advancing.target_frozen_time == FROZEN_TIME + 15 * DAY_SECONDS
    assert ready.status == "ready"
    assert ready.frozen_time == FROZEN_TIME + 15 * DAY_SECONDS
    assert after.status == "active"
    assert after.latest_invoice.status == "paid"
    assert after.latest_invoice.amount_paid == 2000
    assert after.latest_invoice.test_clock == clock.id
    assert after.latest_invoice.created == subscription.trial_end
    assert after["items"].data[0].current_period_start == subscription.trial_end
    types = _event_types(stripe_client)
    advancing_at = types.index("test_helpers.test_clock.advancing")
    assert "invoice.paid" in types[advancing_at:]
    assert types[-1] == "test_helpers.test_clock.ready"


def test_a_test_clock_moves_only_its_own_customers(
    stripe_emulator: EmulatorServer, stripe_client: stripe.StripeClient
) -> None:
    price = _monthly_price(stripe_client)
    clock = stripe_client.v1.test_helpers.test_clocks.create(params={"frozen_time": FROZEN_TIME})
    other_clock = stripe_client.v1.test_helpers.test_clocks.create(
        params={"frozen_time": FROZEN_TIME}
    )
    on_clock = _trialing_subscription(stripe_client, price, clock.id)
    on_other_clock = _trialing_subscription(stripe_client, price, other_clock.id)
    on_no_clock = _trialing_subscription(stripe_client, price)

    stripe_client.v1.test_helpers.test_clocks.advance(
        clock.id, params={"frozen_time": FROZEN_TIME + 15 * DAY_SECONDS}
    )
    statuses_after_clock = {
        subscription.id: stripe_client.v1.subscriptions.retrieve(subscription.id).status
        for subscription in (on_clock, on_other_clock, on_no_clock)
    }
    stripe_emulator.advance(15 * DAY_SECONDS)

    assert statuses_after_clock == {
        on_clock.id: "active",
        on_other_clock.id: "trialing",
        on_no_clock.id: "trialing",
    }
    assert stripe_client.v1.subscriptions.retrieve(on_no_clock.id).status == "active"
    assert stripe_client.v1.subscriptions.retrieve(on_other_clock.id).status == "trialing"


def test_a_test_clock_cannot_go_back_or_stay(stripe_client: stripe.StripeClient) -> None:
    clock = stripe_client.v1.test_helpers.test_clocks.create(params={"frozen_time": FROZEN_TIME})

    for frozen_time in (FROZEN_TIME, FROZEN_TIME - 1):
        with pytest.raises(stripe.InvalidRequestError) as raised:
            stripe_client.v1.test_helpers.test_clocks.advance(
                clock.id, params={"frozen_time": frozen_time}
            )
        assert raised.value.param == "frozen_time"

    assert stripe_client.v1.test_helpers.test_clocks.retrieve(clock.id).frozen_time == FROZEN_TIME


def test_a_test_clock_advances_at_most_two_intervals_of_its_shortest_subscription(
    stripe_client: stripe.StripeClient,
) -> None:
    clock = stripe_client.v1.test_helpers.test_clocks.create(params={"frozen_time": FROZEN_TIME})
    _trialing_subscription(stripe_client, _monthly_price(stripe_client), clock.id)

    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe_client.v1.test_helpers.test_clocks.advance(
            clock.id, params={"frozen_time": FROZEN_TIME + 63 * DAY_SECONDS}
        )
    within = stripe_client.v1.test_helpers.test_clocks.advance(
        clock.id, params={"frozen_time": FROZEN_TIME + 58 * DAY_SECONDS}
    )

    assert raised.value.param == "frozen_time"
    assert within.status == "advancing"


def test_deleting_a_test_clock_deletes_its_customers_and_cancels_their_subscriptions(
    stripe_client: stripe.StripeClient,
) -> None:
    clock = stripe_client.v1.test_helpers.test_clocks.create(params={"frozen_time": FROZEN_TIME})
    subscription = _trialing_subscription(stripe_client, _monthly_price(stripe_client), clock.id)

    deleted = stripe_client.v1.test_helpers.test_clocks.delete(clock.id)

    assert deleted.deleted is True
    assert stripe_client.v1.customers.retrieve(str(subscription.customer)).deleted is True
    assert stripe_client.v1.subscriptions.retrieve(subscription.id).status == "canceled"
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe_client.v1.test_helpers.test_clocks.retrieve(clock.id)
    assert raised.value.http_status == 404
    assert "test_helpers.test_clock.deleted" in _event_types(stripe_client)
