"""Subscriptions, invoices and the advanceable clock."""

from __future__ import annotations

import pytest
import stripe

from stripe_emulator.server import EmulatorServer

DAY_SECONDS = 86_400


def _monthly_price(client: stripe.StripeClient, amount: int = 2000) -> stripe.Price:
    return client.v1.prices.create(
        params={
            "product_data": {"name": "Pro"},
            "currency": "usd",
            "unit_amount": amount,
            "recurring": {"interval": "month"},
        }
    )


def _customer(client: stripe.StripeClient, card: str = "pm_card_visa") -> stripe.Customer:
    return client.v1.customers.create(
        params={
            "payment_method": card,
            "invoice_settings": {"default_payment_method": card},
            "metadata": {"app_id": "a"},
        }
    )


def _event_types(client: stripe.StripeClient) -> list[str]:
    return [event.type for event in reversed(client.v1.events.list(params={"limit": 100}).data)]


def test_subscription_without_trial_is_active_with_a_paid_first_invoice(
    stripe_client: stripe.StripeClient,
) -> None:
    price = _monthly_price(stripe_client)
    customer = _customer(stripe_client)

    subscription = stripe_client.v1.subscriptions.create(
        params={
            "customer": customer.id,
            "items": [{"price": price.id, "quantity": 2}],
            "metadata": {"app_id": "a"},
            "expand": ["latest_invoice.payments"],
        }
    )

    item = subscription["items"].data[0]
    invoice = subscription.latest_invoice
    assert subscription.status == "active"
    assert item.price.id == price.id and item.quantity == 2
    assert item.current_period_end > item.current_period_start
    assert invoice.status == "paid"
    assert invoice.amount_due == 4000 and invoice.amount_paid == 4000
    assert invoice.billing_reason == "subscription_create"
    assert invoice.parent.subscription_details.subscription == subscription.id
    assert invoice.lines.data[0].pricing.price_details.price == price.id
    assert invoice.payments.data[0].payment.type == "payment_intent"
    assert invoice.payments.data[0].status == "paid"
    types = _event_types(stripe_client)
    for expected in (
        "customer.subscription.created",
        "invoice.created",
        "invoice.finalized",
        "invoice.paid",
        "invoice.payment_succeeded",
    ):
        assert expected in types


def test_subscription_with_a_failing_card_is_incomplete(
    stripe_client: stripe.StripeClient,
) -> None:
    price = _monthly_price(stripe_client)
    customer = _customer(stripe_client, "pm_card_chargeCustomerFail")

    subscription = stripe_client.v1.subscriptions.create(
        params={
            "customer": customer.id,
            "items": [{"price": price.id}],
            "expand": ["latest_invoice"],
        }
    )

    assert subscription.status == "incomplete"
    assert subscription.latest_invoice.status == "open"
    assert subscription.latest_invoice.attempt_count == 1
    assert "invoice.payment_failed" in _event_types(stripe_client)


def test_error_if_incomplete_creates_nothing_on_decline(
    stripe_client: stripe.StripeClient,
) -> None:
    price = _monthly_price(stripe_client)
    customer = _customer(stripe_client, "pm_card_chargeCustomerFail")

    with pytest.raises(stripe.CardError):
        stripe_client.v1.subscriptions.create(
            params={
                "customer": customer.id,
                "items": [{"price": price.id}],
                "payment_behavior": "error_if_incomplete",
            }
        )

    assert stripe_client.v1.subscriptions.list(params={"status": "all"}).data == []


def test_trial_becomes_active_with_a_paid_invoice_after_advancing(
    stripe_emulator: EmulatorServer, stripe_client: stripe.StripeClient
) -> None:
    price = _monthly_price(stripe_client)
    customer = _customer(stripe_client)
    subscription = stripe_client.v1.subscriptions.create(
        params={"customer": customer.id, "items": [{"price": price.id}], "trial_period_days": 14}
    )

    stripe_emulator.advance(12 * DAY_SECONDS)
    types_before_trial_end = _event_types(stripe_client)
    stripe_emulator.advance(3 * DAY_SECONDS)
    after = stripe_client.v1.subscriptions.retrieve(
        subscription.id, params={"expand": ["latest_invoice"]}
    )

    assert subscription.status == "trialing"
    assert subscription.trial_end - subscription.trial_start == 14 * DAY_SECONDS
    assert "customer.subscription.trial_will_end" in types_before_trial_end
    assert after.status == "active"
    assert after.latest_invoice.status == "paid"
    assert after.latest_invoice.amount_paid == 2000
    assert after["items"].data[0].current_period_start == subscription.trial_end
    invoices = stripe_client.v1.invoices.list(params={"subscription": subscription.id})
    assert [invoice.amount_due for invoice in invoices.data] == [2000, 0]


def test_failed_renewal_makes_the_subscription_past_due_and_a_retry_recovers_it(
    stripe_emulator: EmulatorServer, stripe_client: stripe.StripeClient
) -> None:
    price = _monthly_price(stripe_client)
    customer = _customer(stripe_client)
    subscription = stripe_client.v1.subscriptions.create(
        params={"customer": customer.id, "items": [{"price": price.id}]}
    )
    failing = stripe_client.v1.payment_methods.attach(
        "pm_card_chargeCustomerFail", params={"customer": customer.id}
    )
    stripe_client.v1.customers.update(
        customer.id, params={"invoice_settings": {"default_payment_method": failing.id}}
    )

    stripe_emulator.advance(32 * DAY_SECONDS)
    past_due = stripe_client.v1.subscriptions.retrieve(
        subscription.id, params={"expand": ["latest_invoice"]}
    )
    working = stripe_client.v1.payment_methods.attach(
        "pm_card_visa", params={"customer": customer.id}
    )
    stripe_client.v1.customers.update(
        customer.id, params={"invoice_settings": {"default_payment_method": working.id}}
    )
    stripe_emulator.advance(3 * DAY_SECONDS)
    recovered = stripe_client.v1.subscriptions.retrieve(subscription.id)

    assert past_due.status == "past_due"
    assert past_due.latest_invoice.status == "open"
    assert past_due.latest_invoice.billing_reason == "subscription_cycle"
    assert past_due.latest_invoice.next_payment_attempt is not None
    failed = stripe_client.v1.events.list(params={"type": "invoice.payment_failed"}).data
    assert failed[0].data.object.id == past_due.latest_invoice.id
    assert recovered.status == "active"
    paid = stripe_client.v1.invoices.retrieve(past_due.latest_invoice.id)
    assert paid.status == "paid" and paid.attempt_count == 2


def test_invoice_pay_retries_with_a_given_payment_method(
    stripe_emulator: EmulatorServer, stripe_client: stripe.StripeClient
) -> None:
    price = _monthly_price(stripe_client)
    customer = _customer(stripe_client, "pm_card_chargeCustomerFail")
    subscription = stripe_client.v1.subscriptions.create(
        params={"customer": customer.id, "items": [{"price": price.id}]}
    )
    working = stripe_client.v1.payment_methods.attach(
        "pm_card_visa", params={"customer": customer.id}
    )

    with pytest.raises(stripe.CardError):
        stripe_client.v1.invoices.pay(subscription.latest_invoice)
    paid = stripe_client.v1.invoices.pay(
        subscription.latest_invoice, params={"payment_method": working.id}
    )

    assert paid.status == "paid"
    assert paid.attempt_count == 3
    assert stripe_client.v1.subscriptions.retrieve(subscription.id).status == "active"


def test_cancel_now_and_cancel_at_period_end(
    stripe_emulator: EmulatorServer, stripe_client: stripe.StripeClient
) -> None:
    price = _monthly_price(stripe_client)
    customer = _customer(stripe_client)
    now_subscription = stripe_client.v1.subscriptions.create(
        params={"customer": customer.id, "items": [{"price": price.id}]}
    )
    later_subscription = stripe_client.v1.subscriptions.create(
        params={"customer": customer.id, "items": [{"price": price.id}]}
    )

    canceled = stripe_client.v1.subscriptions.cancel(now_subscription.id)
    scheduled = stripe_client.v1.subscriptions.update(
        later_subscription.id, params={"cancel_at_period_end": True}
    )
    stripe_emulator.advance(32 * DAY_SECONDS)
    ended = stripe_client.v1.subscriptions.retrieve(later_subscription.id)

    assert canceled.status == "canceled" and canceled.canceled_at is not None
    assert scheduled.cancel_at_period_end is True and scheduled.status == "active"
    assert ended.status == "canceled"
    deleted = stripe_client.v1.events.list(params={"type": "customer.subscription.deleted"}).data
    assert {event.data.object.id for event in deleted} == {
        now_subscription.id,
        later_subscription.id,
    }
    assert stripe_client.v1.subscriptions.list(params={"customer": customer.id}).data == []
    assert len(stripe_client.v1.subscriptions.list(params={"status": "all"}).data) == 2


def test_price_change_with_prorations_adds_lines_to_the_next_invoice(
    stripe_emulator: EmulatorServer, stripe_client: stripe.StripeClient
) -> None:
    basic = _monthly_price(stripe_client, 1000)
    premium = _monthly_price(stripe_client, 3000)
    customer = _customer(stripe_client)
    subscription = stripe_client.v1.subscriptions.create(
        params={"customer": customer.id, "items": [{"price": basic.id}]}
    )
    item_id = subscription["items"].data[0].id

    updated = stripe_client.v1.subscriptions.update(
        subscription.id,
        params={
            "items": [{"id": item_id, "price": premium.id}],
            "proration_behavior": "create_prorations",
        },
    )
    stripe_emulator.advance(32 * DAY_SECONDS)
    renewal = stripe_client.v1.invoices.list(params={"subscription": subscription.id}).data[0]
    lines = stripe_client.v1.invoices.line_items.list(renewal.id).data

    assert updated["items"].data[0].price.id == premium.id
    proration_lines = [line for line in lines if line.parent.type == "invoice_item_details"]
    assert len(proration_lines) == 2
    assert sorted(line.amount for line in proration_lines)[0] < 0
    assert renewal.amount_due == sum(line.amount for line in lines)
    event = stripe_client.v1.events.list(params={"type": "customer.subscription.updated"}).data[-1]
    assert "items" in event.data.previous_attributes


def test_always_invoice_charges_the_proration_immediately(
    stripe_client: stripe.StripeClient,
) -> None:
    basic = _monthly_price(stripe_client, 1000)
    premium = _monthly_price(stripe_client, 3000)
    customer = _customer(stripe_client)
    subscription = stripe_client.v1.subscriptions.create(
        params={"customer": customer.id, "items": [{"price": basic.id}]}
    )

    updated = stripe_client.v1.subscriptions.update(
        subscription.id,
        params={
            "items": [{"id": subscription["items"].data[0].id, "price": premium.id}],
            "proration_behavior": "always_invoice",
            "expand": ["latest_invoice"],
        },
    )

    assert updated.latest_invoice.billing_reason == "subscription_update"
    assert updated.latest_invoice.status == "paid"
    assert 1900 <= updated.latest_invoice.amount_paid <= 2000


def test_hybrid_invoice_bills_base_fee_and_tiered_overage_beyond_free_units(
    stripe_emulator: EmulatorServer, stripe_client: stripe.StripeClient
) -> None:
    meter = stripe_client.v1.billing.meters.create(
        params={
            "display_name": "API calls",
            "event_name": "api_call",
            "default_aggregation": {"formula": "sum"},
        }
    )
    base = _monthly_price(stripe_client, 1000)
    overage = stripe_client.v1.prices.create(
        params={
            "product_data": {"name": "API calls"},
            "currency": "usd",
            "billing_scheme": "tiered",
            "tiers_mode": "graduated",
            "tiers": [{"up_to": 1000, "unit_amount": 0}, {"up_to": "inf", "unit_amount": 2}],
            "recurring": {"interval": "month", "usage_type": "metered", "meter": meter.id},
        }
    )
    customer = _customer(stripe_client)
    subscription = stripe_client.v1.subscriptions.create(
        params={"customer": customer.id, "items": [{"price": base.id}, {"price": overage.id}]}
    )
    for batch in range(3):
        stripe_client.v1.billing.meter_events.create(
            params={
                "event_name": "api_call",
                "payload": {"stripe_customer_id": customer.id, "value": "500"},
                "identifier": f"usage-{batch}",
            }
        )

    stripe_emulator.advance(32 * DAY_SECONDS)
    renewal = stripe_client.v1.invoices.list(params={"subscription": subscription.id}).data[0]

    metered_line = next(
        line for line in renewal.lines.data if line.pricing.price_details.price == overage.id
    )
    base_line = next(
        line for line in renewal.lines.data if line.pricing.price_details.price == base.id
    )
    assert subscription["items"].data[1].quantity is None
    assert metered_line.quantity == 1500
    assert metered_line.amount == 1000
    assert base_line.amount == 1000
    assert renewal.amount_paid == 2000
    assert renewal.status == "paid"
    assert metered_line.period.end == base_line.period.start


def test_volume_tiers_price_every_unit_at_the_reached_tier(
    stripe_emulator: EmulatorServer, stripe_client: stripe.StripeClient
) -> None:
    meter = stripe_client.v1.billing.meters.create(
        params={
            "display_name": "Seats",
            "event_name": "seats",
            "default_aggregation": {"formula": "last"},
        }
    )
    price = stripe_client.v1.prices.create(
        params={
            "product_data": {"name": "Seats"},
            "currency": "usd",
            "billing_scheme": "tiered",
            "tiers_mode": "volume",
            "tiers": [
                {"up_to": 10, "unit_amount": 500},
                {"up_to": "inf", "unit_amount": 400, "flat_amount": 1000},
            ],
            "recurring": {"interval": "month", "usage_type": "metered", "meter": meter.id},
        }
    )
    customer = _customer(stripe_client)
    subscription = stripe_client.v1.subscriptions.create(
        params={"customer": customer.id, "items": [{"price": price.id}]}
    )
    for value in ("3", "12"):
        stripe_client.v1.billing.meter_events.create(
            params={
                "event_name": "seats",
                "payload": {"stripe_customer_id": customer.id, "value": value},
            }
        )

    stripe_emulator.advance(32 * DAY_SECONDS)
    renewal = stripe_client.v1.invoices.list(params={"subscription": subscription.id}).data[0]

    assert renewal.lines.data[0].quantity == 12
    assert renewal.amount_due == 12 * 400 + 1000


def test_subscription_items_can_be_listed_added_and_removed(
    stripe_client: stripe.StripeClient,
) -> None:
    first = _monthly_price(stripe_client, 1000)
    second = _monthly_price(stripe_client, 500)
    customer = _customer(stripe_client)
    subscription = stripe_client.v1.subscriptions.create(
        params={"customer": customer.id, "items": [{"price": first.id}]}
    )

    added = stripe_client.v1.subscription_items.create(
        params={"subscription": subscription.id, "price": second.id, "quantity": 3}
    )
    listed = stripe_client.v1.subscription_items.list(params={"subscription": subscription.id})
    removed = stripe_client.v1.subscription_items.delete(added.id)
    by_price = stripe_client.v1.subscriptions.list(params={"price": first.id})

    assert [item.price.id for item in listed.data] == [first.id, second.id]
    assert removed.deleted is True
    assert [item.id for item in by_price.data] == [subscription.id]


def test_invoice_void_and_mark_uncollectible(
    stripe_client: stripe.StripeClient,
) -> None:
    price = _monthly_price(stripe_client)
    customer = _customer(stripe_client, "pm_card_chargeCustomerFail")
    first = stripe_client.v1.subscriptions.create(
        params={"customer": customer.id, "items": [{"price": price.id}]}
    )
    second = stripe_client.v1.subscriptions.create(
        params={"customer": customer.id, "items": [{"price": _monthly_price(stripe_client).id}]}
    )

    voided = stripe_client.v1.invoices.void_invoice(first.latest_invoice)
    uncollectible = stripe_client.v1.invoices.mark_uncollectible(second.latest_invoice)

    assert voided.status == "void"
    assert uncollectible.status == "uncollectible"
    assert stripe_client.v1.invoices.list(params={"status": "void"}).data[0].id == voided.id


def test_a_change_from_monthly_to_yearly_restarts_the_billing_cycle_and_invoices_at_once(
    stripe_emulator: EmulatorServer, stripe_client: stripe.StripeClient
) -> None:
    monthly = _monthly_price(stripe_client, 3000)
    yearly = stripe_client.v1.prices.create(
        params={
            "product_data": {"name": "Pro yearly"},
            "currency": "usd",
            "unit_amount": 30000,
            "recurring": {"interval": "year"},
        }
    )
    customer = _customer(stripe_client)
    subscription = stripe_client.v1.subscriptions.create(
        params={"customer": customer.id, "items": [{"price": monthly.id}]}
    )
    started = subscription["items"].data[0].current_period_start
    month_end = subscription["items"].data[0].current_period_end
    stripe_emulator.advance(10 * DAY_SECONDS)
    changed_at = stripe_emulator.now()

    updated = stripe_client.v1.subscriptions.update(
        subscription.id,
        params={
            "items": [{"id": subscription["items"].data[0].id, "price": yearly.id}],
            "proration_behavior": "create_prorations",
            "expand": ["latest_invoice"],
        },
    )
    item = updated["items"].data[0]
    invoice = updated.latest_invoice
    lines = stripe_client.v1.invoices.line_items.list(invoice.id).data
    # The emulator's clock runs with the wall clock: the change happened a moment after it was
    # read, and the cycle restarts at that moment.
    changed = updated.billing_cycle_anchor
    unused = -round(3000 * (month_end - changed) / (month_end - started))

    assert 0 <= changed - changed_at <= 30
    assert item.current_period_start == changed
    assert item.current_period_end - changed in (365 * DAY_SECONDS, 366 * DAY_SECONDS)
    assert invoice.billing_reason == "subscription_update"
    assert invoice.status == "paid"
    assert sorted(line.amount for line in lines) == [unused, 30000]
    assert invoice.amount_paid == 30000 + unused
    # The next invoice is a year from the change, not at the old month's end.
    stripe_emulator.advance(month_end - changed_at + DAY_SECONDS)
    assert stripe_client.v1.invoices.list(params={"subscription": subscription.id}).data[0].id == (
        invoice.id
    )


def test_an_interval_change_without_prorations_bills_the_new_period_in_full(
    stripe_emulator: EmulatorServer, stripe_client: stripe.StripeClient
) -> None:
    monthly = _monthly_price(stripe_client, 3000)
    quarterly = stripe_client.v1.prices.create(
        params={
            "product_data": {"name": "Pro quarterly"},
            "currency": "usd",
            "unit_amount": 8000,
            "recurring": {"interval": "month", "interval_count": 3},
        }
    )
    customer = _customer(stripe_client)
    subscription = stripe_client.v1.subscriptions.create(
        params={"customer": customer.id, "items": [{"price": monthly.id}]}
    )
    stripe_emulator.advance(5 * DAY_SECONDS)

    updated = stripe_client.v1.subscriptions.update(
        subscription.id,
        params={
            "items": [{"id": subscription["items"].data[0].id, "price": quarterly.id}],
            "proration_behavior": "none",
            "expand": ["latest_invoice"],
        },
    )

    assert updated.latest_invoice.amount_paid == 8000
    # The cycle restarts at the change, a moment before this reads the (wall-driven) clock.
    assert 0 <= stripe_emulator.now() - updated.billing_cycle_anchor <= 30


def test_a_price_change_within_the_same_interval_keeps_the_billing_cycle(
    stripe_emulator: EmulatorServer, stripe_client: stripe.StripeClient
) -> None:
    basic = _monthly_price(stripe_client, 1000)
    premium = _monthly_price(stripe_client, 3000)
    customer = _customer(stripe_client)
    subscription = stripe_client.v1.subscriptions.create(
        params={"customer": customer.id, "items": [{"price": basic.id}]}
    )
    stripe_emulator.advance(5 * DAY_SECONDS)

    updated = stripe_client.v1.subscriptions.update(
        subscription.id,
        params={"items": [{"id": subscription["items"].data[0].id, "price": premium.id}]},
    )

    assert updated.billing_cycle_anchor == subscription.billing_cycle_anchor
    assert updated.latest_invoice == subscription.latest_invoice
