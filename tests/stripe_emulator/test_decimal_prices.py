"""Sub-cent prices (`unit_amount_decimal`) as Stripe takes, shows and bills them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
import stripe

from stripe_emulator.server import EmulatorServer

DAY_SECONDS = 86_400


def _meter(client: stripe.StripeClient, event_name: str = "api_call") -> stripe.billing.Meter:
    return client.v1.billing.meters.create(
        params={
            "display_name": "API calls",
            "event_name": event_name,
            "default_aggregation": {"formula": "sum"},
        }
    )


def _metered_price(
    client: stripe.StripeClient, meter: stripe.billing.Meter, **pricing: Any
) -> stripe.Price:
    return client.v1.prices.create(
        params={
            "product_data": {"name": "API calls"},
            "currency": "usd",
            "recurring": {"interval": "month", "usage_type": "metered", "meter": meter.id},
            **pricing,
        }
    )


def _wire(stripe_emulator: EmulatorServer, object_id: str) -> dict[str, Any]:
    """The object as the emulator sends it (the SDK reads decimal strings into Decimal)."""
    return stripe_emulator.state.render(stripe_emulator.state.objects[object_id], ["tiers"])


def _customer(client: stripe.StripeClient, test_clock: str | None = None) -> stripe.Customer:
    params: dict[str, Any] = {
        "payment_method": "pm_card_visa",
        "invoice_settings": {"default_payment_method": "pm_card_visa"},
    }
    if test_clock is not None:
        params["test_clock"] = test_clock
    return client.v1.customers.create(params=params)


def _report(client: stripe.StripeClient, customer: stripe.Customer, value: int, **more: Any) -> Any:
    return client.v1.billing.meter_events.create(
        params={
            "event_name": "api_call",
            "payload": {"stripe_customer_id": customer.id, "value": str(value)},
            **more,
        }
    )


def _renewal_line(
    stripe_emulator: EmulatorServer,
    client: stripe.StripeClient,
    price: stripe.Price,
    customer: stripe.Customer,
    usage: int,
) -> stripe.InvoiceLineItem:
    subscription = client.v1.subscriptions.create(
        params={"customer": customer.id, "items": [{"price": price.id}]}
    )
    _report(client, customer, usage, identifier="usage-1")
    stripe_emulator.advance(32 * DAY_SECONDS)
    renewal = client.v1.invoices.list(params={"subscription": subscription.id}).data[0]
    assert renewal.billing_reason == "subscription_cycle"
    return renewal.lines.data[0]


def test_a_decimal_price_renders_its_decimal_string_and_a_null_unit_amount(
    stripe_emulator: EmulatorServer, stripe_client: stripe.StripeClient
) -> None:
    meter = _meter(stripe_client)
    price = _metered_price(stripe_client, meter, unit_amount_decimal="0.2")
    whole = _metered_price(stripe_client, meter, unit_amount_decimal="5.000")

    fetched = stripe_client.v1.prices.retrieve(price.id)

    assert fetched.unit_amount is None
    assert fetched.unit_amount_decimal == Decimal("0.2")
    assert fetched.billing_scheme == "per_unit"
    assert _wire(stripe_emulator, price.id)["unit_amount_decimal"] == "0.2"
    # A decimal of whole cents is also its integer unit_amount, as Stripe answers it.
    assert whole.unit_amount == 5
    assert _wire(stripe_emulator, whole.id)["unit_amount_decimal"] == "5"


def test_an_integer_price_renders_its_unit_amount_decimal_as_a_string(
    stripe_emulator: EmulatorServer, stripe_client: stripe.StripeClient
) -> None:
    price = _metered_price(stripe_client, _meter(stripe_client), unit_amount=3)

    assert price.unit_amount == 3
    assert _wire(stripe_emulator, price.id)["unit_amount_decimal"] == "3"


def test_tiers_take_decimal_unit_amounts(
    stripe_emulator: EmulatorServer, stripe_client: stripe.StripeClient
) -> None:
    price = _metered_price(
        stripe_client,
        _meter(stripe_client),
        billing_scheme="tiered",
        tiers_mode="graduated",
        tiers=[{"up_to": 10000, "unit_amount": 0}, {"up_to": "inf", "unit_amount_decimal": "0.2"}],
    )

    expanded = stripe_client.v1.prices.retrieve(price.id, params={"expand": ["tiers"]})

    assert [(tier.unit_amount, tier.unit_amount_decimal) for tier in expanded.tiers] == [
        (0, Decimal(0)),
        (None, Decimal("0.2")),
    ]
    assert expanded.unit_amount is None and expanded.unit_amount_decimal is None
    wire_tiers = _wire(stripe_emulator, price.id)["tiers"]
    assert [tier["unit_amount_decimal"] for tier in wire_tiers] == ["0", "0.2"]


def test_unit_amount_and_unit_amount_decimal_together_are_refused(
    stripe_emulator: EmulatorServer, stripe_client: stripe.StripeClient
) -> None:
    meter = _meter(stripe_client)

    with pytest.raises(stripe.InvalidRequestError) as on_price:
        _metered_price(stripe_client, meter, unit_amount=1, unit_amount_decimal="0.2")
    with pytest.raises(stripe.InvalidRequestError) as on_tier:
        _metered_price(
            stripe_client,
            meter,
            billing_scheme="tiered",
            tiers_mode="graduated",
            tiers=[{"up_to": "inf", "unit_amount": 1, "unit_amount_decimal": "0.2"}],
        )

    for raised, param in (
        (on_price, "unit_amount_decimal"),
        (on_tier, "tiers[0][unit_amount_decimal]"),
    ):
        assert raised.value.http_status == 400
        assert raised.value.code == "parameters_exclusive"
        assert raised.value.param == param
        assert "only specify one of these parameters" in str(raised.value.user_message)
    assert stripe_emulator.state.list_objects("price") == []


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("0.1234567890123", "at most 12 decimal places"),
        ("-0.2", "at least 0"),
        ("abc", "Invalid decimal"),
        ("NaN", "Invalid decimal"),
    ],
)
def test_bad_decimals_are_refused_with_their_param(
    stripe_client: stripe.StripeClient, value: str, fragment: str
) -> None:
    meter = _meter(stripe_client)

    with pytest.raises(stripe.InvalidRequestError) as raised:
        _metered_price(stripe_client, meter, unit_amount_decimal=value)

    assert raised.value.http_status == 400
    assert raised.value.param == "unit_amount_decimal"
    assert fragment in str(raised.value.user_message)


def test_twelve_decimal_places_are_taken(
    stripe_emulator: EmulatorServer, stripe_client: stripe.StripeClient
) -> None:
    price = _metered_price(
        stripe_client, _meter(stripe_client), unit_amount_decimal="0.000000000001"
    )

    assert _wire(stripe_emulator, price.id)["unit_amount_decimal"] == "0.000000000001"


@pytest.mark.parametrize(
    ("unit_amount_decimal", "usage", "amount"),
    [
        ("0.2", 50_000, 10_000),
        ("0.2", 3, 1),  # 0.6 rounds half up to 1
        ("0.25", 2, 1),  # exactly 0.5 rounds up
        ("0.25", 1, 0),  # 0.25 rounds down
        ("0.001", 499, 0),
        ("0.001", 500, 1),
    ],
)
def test_a_decimal_metered_line_is_quantity_times_the_decimal_rounded_half_up(
    stripe_emulator: EmulatorServer,
    stripe_client: stripe.StripeClient,
    unit_amount_decimal: str,
    usage: int,
    amount: int,
) -> None:
    price = _metered_price(
        stripe_client, _meter(stripe_client), unit_amount_decimal=unit_amount_decimal
    )

    line = _renewal_line(stripe_emulator, stripe_client, price, _customer(stripe_client), usage)

    assert line.quantity == usage
    assert line.amount == amount
    assert line.pricing.unit_amount_decimal == Decimal(unit_amount_decimal)


def test_graduated_decimal_tiers_bill_only_the_overage(
    stripe_emulator: EmulatorServer, stripe_client: stripe.StripeClient
) -> None:
    price = _metered_price(
        stripe_client,
        _meter(stripe_client),
        billing_scheme="tiered",
        tiers_mode="graduated",
        tiers=[{"up_to": 10000, "unit_amount": 0}, {"up_to": "inf", "unit_amount_decimal": "0.2"}],
    )

    line = _renewal_line(stripe_emulator, stripe_client, price, _customer(stripe_client), 60_000)

    assert line.amount == 10_000


def test_the_upcoming_invoice_preview_bills_what_the_renewal_then_bills(
    stripe_emulator: EmulatorServer, stripe_client: stripe.StripeClient
) -> None:
    price = _metered_price(
        stripe_client,
        _meter(stripe_client),
        billing_scheme="tiered",
        tiers_mode="graduated",
        tiers=[{"up_to": 10000, "unit_amount": 0}, {"up_to": "inf", "unit_amount_decimal": "0.2"}],
    )
    customer = _customer(stripe_client)
    subscription = stripe_client.v1.subscriptions.create(
        params={"customer": customer.id, "items": [{"price": price.id}]}
    )
    _report(stripe_client, customer, 60_000, identifier="usage-1")
    invoices_before = stripe_client.v1.invoices.list(params={"subscription": subscription.id})

    preview = stripe_client.v1.invoices.create_preview(params={"subscription": subscription.id})
    stripe_emulator.advance(32 * DAY_SECONDS)

    renewal = stripe_client.v1.invoices.list(params={"subscription": subscription.id}).data[0]
    assert preview.id.startswith("upcoming_in_")
    assert preview.billing_reason == "upcoming"
    assert [line.amount for line in preview.lines.data] == [10_000]
    assert preview.amount_due == 10_000
    assert [line.amount for line in renewal.lines.data] == [10_000]
    assert renewal.amount_due == preview.amount_due
    # A preview is stored nowhere: not listed, not announced.
    assert len(invoices_before.data) == 1
    assert len(stripe_client.v1.invoices.list(params={"subscription": subscription.id}).data) == 2
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.invoices.retrieve(preview.id)


def test_a_preview_for_a_customer_without_a_subscription_answers_invoice_upcoming_none(
    stripe_client: stripe.StripeClient,
) -> None:
    customer = _customer(stripe_client)

    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe_client.v1.invoices.create_preview(params={"customer": customer.id})

    assert raised.value.http_status == 404
    assert raised.value.code == "invoice_upcoming_none"
