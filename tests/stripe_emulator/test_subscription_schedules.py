"""Subscription schedules: a change held at the emulator and applied at the renewal."""

from __future__ import annotations

from typing import Any

import pytest
import stripe

from stripe_emulator.server import EmulatorServer
from tests.stripe_emulator.test_object_fields import _declared_attributes

DAY_SECONDS = 86_400


def _price(client: stripe.StripeClient, amount: int, interval: str) -> stripe.Price:
    return client.v1.prices.create(
        params={
            "product_data": {"name": "Pro"},
            "currency": "usd",
            "unit_amount": amount,
            "recurring": {"interval": interval},
        }
    )


def _yearly_subscription(
    client: stripe.StripeClient,
) -> tuple[stripe.Subscription, stripe.Price, stripe.Price]:
    yearly = _price(client, 24_000, "year")
    monthly = _price(client, 1_000, "month")
    customer = client.v1.customers.create(
        params={
            "payment_method": "pm_card_visa",
            "invoice_settings": {"default_payment_method": "pm_card_visa"},
        }
    )
    subscription = client.v1.subscriptions.create(
        params={"customer": customer.id, "items": [{"price": yearly.id}]}
    )
    return subscription, yearly, monthly


def _schedule_monthly(
    client: stripe.StripeClient, subscription: stripe.Subscription, monthly: stripe.Price
) -> stripe.SubscriptionSchedule:
    schedule = client.v1.subscription_schedules.create(
        params={"from_subscription": subscription.id}
    )
    current = schedule.phases[0]
    return client.v1.subscription_schedules.update(
        schedule.id,
        params={
            "end_behavior": "release",
            "phases": [
                {
                    "items": [
                        {"price": item.price, "quantity": item.quantity}
                        for item in current["items"]
                    ],
                    "start_date": current.start_date,
                    "end_date": current.end_date,
                },
                {"items": [{"price": monthly.id, "quantity": 1}]},
            ],
        },
    )


def _event_types_since(emulator: EmulatorServer, count: int) -> list[str]:
    return [event["type"] for event in emulator.events()][count:]


def test_a_schedule_from_a_subscription_has_its_current_period_as_one_phase(
    stripe_client: stripe.StripeClient,
) -> None:
    subscription, yearly, _ = _yearly_subscription(stripe_client)

    schedule = stripe_client.v1.subscription_schedules.create(
        params={"from_subscription": subscription.id}
    )

    item = subscription["items"].data[0]
    assert schedule.status == "active" and schedule.end_behavior == "release"
    assert schedule.subscription == subscription.id
    assert len(schedule.phases) == 1
    assert schedule.phases[0]["items"][0].price == yearly.id
    assert schedule.phases[0].start_date == item.current_period_start
    assert schedule.phases[0].end_date == item.current_period_end
    assert schedule.current_phase.end_date == item.current_period_end
    assert stripe_client.v1.subscriptions.retrieve(subscription.id).schedule == schedule.id
    declared = _declared_attributes(stripe.SubscriptionSchedule)
    assert set(schedule.to_dict()) == declared
    assert set(schedule.to_dict()["phases"][0]) <= _declared_attributes(
        stripe.SubscriptionSchedule.Phase
    )


def test_the_next_phase_applies_at_the_renewal_and_invoices_the_new_price(
    stripe_client: stripe.StripeClient, stripe_emulator: EmulatorServer
) -> None:
    subscription, yearly, monthly = _yearly_subscription(stripe_client)
    schedule = _schedule_monthly(stripe_client, subscription, monthly)
    year_end = subscription["items"].data[0].current_period_end

    stripe_emulator.advance(40 * DAY_SECONDS)
    unchanged = stripe_client.v1.subscriptions.retrieve(subscription.id)
    events_before = len(stripe_emulator.events())
    stripe_emulator.advance(year_end - stripe_emulator.now() + DAY_SECONDS)

    renewed = stripe_client.v1.subscriptions.retrieve(
        subscription.id, params={"expand": ["latest_invoice"]}
    )
    item = renewed["items"].data[0]
    assert unchanged["items"].data[0].price.id == yearly.id
    assert item.price.id == monthly.id
    assert item.current_period_start == year_end
    assert item.current_period_end - year_end < 32 * DAY_SECONDS
    assert renewed.latest_invoice.amount_due == 1_000
    assert renewed.latest_invoice.status == "paid"
    assert renewed.schedule == schedule.id
    phase_start = _event_types_since(stripe_emulator, events_before)
    assert phase_start.index("subscription_schedule.updated") < phase_start.index(
        "customer.subscription.updated"
    )
    assert "invoice.paid" in phase_start


def test_after_its_last_phase_the_schedule_releases_the_subscription(
    stripe_client: stripe.StripeClient, stripe_emulator: EmulatorServer
) -> None:
    subscription, _, monthly = _yearly_subscription(stripe_client)
    schedule = _schedule_monthly(stripe_client, subscription, monthly)
    year_end = subscription["items"].data[0].current_period_end

    stripe_emulator.advance(year_end - stripe_emulator.now() + 32 * DAY_SECONDS)

    released = stripe_client.v1.subscription_schedules.retrieve(schedule.id)
    renewed = stripe_client.v1.subscriptions.retrieve(subscription.id)
    assert released.status == "released"
    assert released.released_subscription == subscription.id
    assert renewed.schedule is None
    assert renewed["items"].data[0].price.id == monthly.id
    assert renewed.status == "active"
    assert "subscription_schedule.released" in [event["type"] for event in stripe_emulator.events()]


def test_releasing_a_schedule_before_the_renewal_keeps_the_subscription_as_it_was(
    stripe_client: stripe.StripeClient, stripe_emulator: EmulatorServer
) -> None:
    subscription, yearly, monthly = _yearly_subscription(stripe_client)
    schedule = _schedule_monthly(stripe_client, subscription, monthly)
    year_end = subscription["items"].data[0].current_period_end

    released = stripe_client.v1.subscription_schedules.release(schedule.id)
    stripe_emulator.advance(year_end - stripe_emulator.now() + DAY_SECONDS)

    renewed = stripe_client.v1.subscriptions.retrieve(
        subscription.id, params={"expand": ["latest_invoice"]}
    )
    assert released.status == "released" and released.released_at is not None
    assert renewed.schedule is None
    assert renewed["items"].data[0].price.id == yearly.id
    assert renewed.latest_invoice.amount_due == 24_000
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.subscription_schedules.release(schedule.id)


def test_canceling_a_schedule_cancels_its_subscription(
    stripe_client: stripe.StripeClient, stripe_emulator: EmulatorServer
) -> None:
    subscription, _, monthly = _yearly_subscription(stripe_client)
    schedule = _schedule_monthly(stripe_client, subscription, monthly)

    canceled = stripe_client.v1.subscription_schedules.cancel(schedule.id)

    assert canceled.status == "canceled" and canceled.canceled_at is not None
    assert stripe_client.v1.subscriptions.retrieve(subscription.id).status == "canceled"
    types = [event["type"] for event in stripe_emulator.events()]
    assert types.index("customer.subscription.deleted") < types.index(
        "subscription_schedule.canceled"
    )


@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({"from_subscription": "sub_missing"}, "from_subscription"),
        ({"customer": "cus_x"}, "from_subscription"),
        ({"from_subscription": "sub_x", "phases": [{"items": [{"price": "p"}]}]}, "phases"),
        ({"from_subscription": "sub_x", "bogus": "1"}, "bogus"),
    ],
)
def test_a_schedule_create_with_bad_parameters_is_refused(
    stripe_client: stripe.StripeClient, params: dict[str, Any], param: str
) -> None:
    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe_client.v1.subscription_schedules.create(params=params)  # type: ignore[arg-type]

    assert refused.value.param == param


def test_a_second_schedule_for_one_subscription_is_refused(
    stripe_client: stripe.StripeClient,
) -> None:
    subscription, _, monthly = _yearly_subscription(stripe_client)
    _schedule_monthly(stripe_client, subscription, monthly)

    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe_client.v1.subscription_schedules.create(
            params={"from_subscription": subscription.id}
        )

    assert refused.value.param == "from_subscription"


def test_phases_must_keep_the_current_phases_start_and_end_at_a_renewal(
    stripe_client: stripe.StripeClient,
) -> None:
    subscription, yearly, monthly = _yearly_subscription(stripe_client)
    schedule = stripe_client.v1.subscription_schedules.create(
        params={"from_subscription": subscription.id}
    )
    current = schedule.phases[0]

    with pytest.raises(stripe.InvalidRequestError) as moved_start:
        stripe_client.v1.subscription_schedules.update(
            schedule.id,
            params={
                "phases": [
                    {
                        "items": [{"price": yearly.id}],
                        "start_date": current.start_date - 10,
                        "end_date": current.end_date,
                    },
                    {"items": [{"price": monthly.id}]},
                ]
            },
        )
    with pytest.raises(stripe.InvalidRequestError) as unknown_price:
        stripe_client.v1.subscription_schedules.update(
            schedule.id,
            params={
                "phases": [
                    {"items": [{"price": yearly.id}], "end_date": current.end_date},
                    {"items": [{"price": "price_missing"}]},
                ]
            },
        )
    with pytest.raises(stripe.InvalidRequestError) as unknown_field:
        stripe_client.v1.subscription_schedules.update(
            schedule.id, params={"phases": [{"items": [{"price": yearly.id}], "bogus": 1}]}
        )  # type: ignore[typeddict-unknown-key]

    assert moved_start.value.param == "phases[0][start_date]"
    assert unknown_price.value.param == "phases[1][items][0][price]"
    assert unknown_field.value.code == "parameter_unknown"


def test_a_scheduled_subscription_refuses_a_direct_cancellation_change(
    stripe_client: stripe.StripeClient,
) -> None:
    subscription, _, monthly = _yearly_subscription(stripe_client)
    _schedule_monthly(stripe_client, subscription, monthly)

    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe_client.v1.subscriptions.update(
            subscription.id, params={"cancel_at_period_end": True}
        )

    assert "managed by the subscription schedule" in str(refused.value)
    assert stripe_client.v1.subscriptions.retrieve(subscription.id).cancel_at_period_end is False


def test_canceling_a_scheduled_subscription_cancels_its_schedule(
    stripe_client: stripe.StripeClient,
) -> None:
    subscription, _, monthly = _yearly_subscription(stripe_client)
    schedule = _schedule_monthly(stripe_client, subscription, monthly)

    stripe_client.v1.subscriptions.cancel(subscription.id)

    canceled = stripe_client.v1.subscription_schedules.retrieve(schedule.id)
    assert canceled.status == "canceled" and canceled.canceled_at is not None
