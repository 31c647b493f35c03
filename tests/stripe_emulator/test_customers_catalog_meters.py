"""Customers, payment methods, products, prices, billing meters and meter events."""

from __future__ import annotations

import pytest
import stripe

from stripe_emulator.server import EmulatorServer
from stripe_emulator.state import DEFAULT_METER_SUMMARY_LAG_SECONDS


def test_customer_create_update_delete_round_trip(stripe_client: stripe.StripeClient) -> None:
    customer = stripe_client.v1.customers.create(
        params={"email": "a@example.com", "name": "Ada", "metadata": {"app_id": "app_1"}}
    )

    updated = stripe_client.v1.customers.update(
        customer.id, params={"name": "Ada L.", "metadata": {"plan": "pro"}}
    )
    by_email = stripe_client.v1.customers.list(params={"email": "a@example.com"})
    deleted = stripe_client.v1.customers.delete(customer.id)
    retrieved_after_delete = stripe_client.v1.customers.retrieve(customer.id)

    assert customer.id.startswith("cus_")
    assert customer.livemode is False
    assert updated.name == "Ada L."
    assert updated.metadata.to_dict() == {"app_id": "app_1", "plan": "pro"}
    assert [c.id for c in by_email.data] == [customer.id]
    assert deleted.deleted is True
    assert retrieved_after_delete.deleted is True


def test_customer_update_emits_previous_attributes(
    stripe_emulator: EmulatorServer, stripe_client: stripe.StripeClient
) -> None:
    customer = stripe_client.v1.customers.create(params={"name": "Old"})

    stripe_client.v1.customers.update(customer.id, params={"name": "New"})

    updated_event = stripe_client.v1.events.list(params={"type": "customer.updated"}).data[0]
    assert updated_event.data.object.name == "New"
    assert updated_event.data.previous_attributes.to_dict() == {"name": "Old"}
    assert updated_event.api_version == "2026-08-26.dahlia"
    assert updated_event["request"]["idempotency_key"] is not None


def test_payment_method_token_on_customer_create_only_attaches(
    stripe_client: stripe.StripeClient,
) -> None:
    customer = stripe_client.v1.customers.create(params={"payment_method": "pm_card_visa"})

    listed = stripe_client.v1.payment_methods.list(params={"customer": customer.id, "type": "card"})

    assert customer.invoice_settings.default_payment_method is None
    assert [method.card.last4 for method in listed.data] == ["4242"]


def test_payment_method_token_named_as_invoice_default_too_becomes_the_default(
    stripe_client: stripe.StripeClient,
) -> None:
    customer = stripe_client.v1.customers.create(
        params={
            "payment_method": "pm_card_visa",
            "invoice_settings": {"default_payment_method": "pm_card_visa"},
        }
    )

    payment_method_id = customer.invoice_settings.default_payment_method
    payment_method = stripe_client.v1.payment_methods.retrieve(payment_method_id)
    listed = stripe_client.v1.payment_methods.list(params={"customer": customer.id, "type": "card"})

    assert payment_method_id.startswith("pm_") and payment_method_id != "pm_card_visa"
    assert payment_method.type == "card"
    assert payment_method.card.brand == "visa"
    assert payment_method.card.last4 == "4242"
    assert payment_method.customer == customer.id
    assert [method.id for method in listed.data] == [payment_method_id]


def test_attaching_a_declining_card_raises_card_declined(
    stripe_client: stripe.StripeClient,
) -> None:
    customer = stripe_client.v1.customers.create()

    with pytest.raises(stripe.CardError) as raised:
        stripe_client.v1.payment_methods.attach(
            "pm_card_chargeDeclined", params={"customer": customer.id}
        )

    assert raised.value.http_status == 402
    assert raised.value.code == "card_declined"
    assert raised.value.json_body["error"]["decline_code"] == "generic_decline"
    assert raised.value.json_body["error"]["type"] == "card_error"


def test_customer_fail_card_attaches_and_detach_clears_the_default(
    stripe_client: stripe.StripeClient,
) -> None:
    customer = stripe_client.v1.customers.create()
    payment_method = stripe_client.v1.payment_methods.attach(
        "pm_card_chargeCustomerFail", params={"customer": customer.id}
    )
    stripe_client.v1.customers.update(
        customer.id, params={"invoice_settings": {"default_payment_method": payment_method.id}}
    )

    detached = stripe_client.v1.payment_methods.detach(payment_method.id)

    assert payment_method.card.last4 == "0341"
    assert detached.customer is None
    customer_after = stripe_client.v1.customers.retrieve(customer.id)
    assert customer_after.invoice_settings.default_payment_method is None


def test_default_payment_method_must_belong_to_the_customer(
    stripe_client: stripe.StripeClient,
) -> None:
    owner = stripe_client.v1.customers.create(
        params={
            "payment_method": "pm_card_visa",
            "invoice_settings": {"default_payment_method": "pm_card_visa"},
        }
    )
    other = stripe_client.v1.customers.create()

    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe_client.v1.customers.update(
            other.id,
            params={
                "invoice_settings": {
                    "default_payment_method": owner.invoice_settings.default_payment_method
                }
            },
        )

    assert raised.value.param == "invoice_settings[default_payment_method]"


def test_products_and_prices_support_flat_recurring_and_tiered_pricing(
    stripe_client: stripe.StripeClient,
) -> None:
    product = stripe_client.v1.products.create(params={"name": "API", "metadata": {"app": "x"}})

    one_time = stripe_client.v1.prices.create(
        params={"product": product.id, "currency": "usd", "unit_amount": 500}
    )
    monthly = stripe_client.v1.prices.create(
        params={
            "product": product.id,
            "currency": "usd",
            "unit_amount": 2000,
            "recurring": {"interval": "month"},
            "lookup_key": "pro_monthly",
        }
    )
    tiered = stripe_client.v1.prices.create(
        params={
            "product": product.id,
            "currency": "usd",
            "billing_scheme": "tiered",
            "tiers_mode": "volume",
            "tiers": [{"up_to": 10, "unit_amount": 100}, {"up_to": "inf", "unit_amount": 80}],
            "recurring": {"interval": "month"},
        }
    )
    tiered_expanded = stripe_client.v1.prices.retrieve(
        tiered.id, params={"expand": ["tiers", "product"]}
    )
    by_lookup = stripe_client.v1.prices.list(params={"lookup_keys": ["pro_monthly"]})
    recurring_only = stripe_client.v1.prices.list(params={"type": "recurring"})

    assert one_time.type == "one_time" and one_time.recurring is None
    assert monthly.recurring.interval == "month"
    assert monthly.recurring.usage_type == "licensed"
    assert "tiers" not in tiered
    assert tiered_expanded.tiers[1].up_to is None
    assert tiered_expanded.tiers[0].unit_amount == 100
    assert tiered_expanded.product.name == "API"
    assert [price.id for price in by_lookup.data] == [monthly.id]
    assert {price.id for price in recurring_only.data} == {monthly.id, tiered.id}


def test_price_update_only_accepts_mutable_fields(stripe_client: stripe.StripeClient) -> None:
    price = stripe_client.v1.prices.create(
        params={"product_data": {"name": "Seat"}, "currency": "usd", "unit_amount": 100}
    )

    updated = stripe_client.v1.prices.update(
        price.id, params={"active": False, "nickname": "old", "metadata": {"k": "v"}}
    )
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe_client.v1.prices.update(price.id, params={"unit_amount": 200})  # type: ignore[typeddict-unknown-key]  # deliberately not what Stripe accepts

    assert updated.active is False
    assert updated.nickname == "old"
    assert raised.value.code == "parameter_unknown"
    assert stripe_client.v1.prices.list(params={"active": True}).data == []


def test_metered_price_needs_a_meter(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe_client.v1.prices.create(
            params={
                "product_data": {"name": "Calls"},
                "currency": "usd",
                "unit_amount": 1,
                "recurring": {"interval": "month", "usage_type": "metered"},
            }
        )

    assert raised.value.param == "recurring[meter]"


def _meter(client: stripe.StripeClient, event_name: str = "api_call") -> stripe.billing.Meter:
    return client.v1.billing.meters.create(
        params={
            "display_name": "API calls",
            "event_name": event_name,
            "default_aggregation": {"formula": "sum"},
            "customer_mapping": {"event_payload_key": "stripe_customer_id", "type": "by_id"},
            "value_settings": {"event_payload_key": "value"},
        }
    )


def test_meter_lifecycle_create_update_deactivate_reactivate(
    stripe_client: stripe.StripeClient,
) -> None:
    meter = _meter(stripe_client)

    renamed = stripe_client.v1.billing.meters.update(meter.id, params={"display_name": "Calls"})
    deactivated = stripe_client.v1.billing.meters.deactivate(meter.id)
    inactive = stripe_client.v1.billing.meters.list(params={"status": "inactive"})
    reactivated = stripe_client.v1.billing.meters.reactivate(meter.id)

    assert meter.id.startswith("mtr_")
    assert meter.object == "billing.meter"
    assert meter.default_aggregation.formula == "sum"
    assert renamed.display_name == "Calls"
    assert deactivated.status == "inactive"
    assert [item.id for item in inactive.data] == [meter.id]
    assert reactivated.status == "active"
    event_types = [event.type for event in stripe_client.v1.events.list().data]
    assert "billing.meter.created" in event_types and "billing.meter.deactivated" in event_types


def test_meter_events_dedupe_identifiers_and_summarise(
    stripe_emulator: EmulatorServer, stripe_client: stripe.StripeClient
) -> None:
    meter = _meter(stripe_client)
    customer = stripe_client.v1.customers.create()
    now = stripe_emulator.now()
    start = now - now % 3600 - 3600

    for identifier, value in (("evt-1", "5"), ("evt-2", "7")):
        stripe_client.v1.billing.meter_events.create(
            params={
                "event_name": "api_call",
                "payload": {"stripe_customer_id": customer.id, "value": value},
                "identifier": identifier,
                "timestamp": start + 10,
            }
        )
    with pytest.raises(stripe.InvalidRequestError) as duplicate:
        stripe_client.v1.billing.meter_events.create(
            params={
                "event_name": "api_call",
                "payload": {"stripe_customer_id": customer.id, "value": "100"},
                "identifier": "evt-1",
            }
        )
    lagging = stripe_client.v1.billing.meters.event_summaries.list(
        meter.id,
        params={"customer": customer.id, "start_time": start, "end_time": start + 7200},
    )
    stripe_emulator.advance(DEFAULT_METER_SUMMARY_LAG_SECONDS)
    summary = stripe_client.v1.billing.meters.event_summaries.list(
        meter.id,
        params={"customer": customer.id, "start_time": start, "end_time": start + 7200},
    )
    hourly = stripe_client.v1.billing.meters.event_summaries.list(
        meter.id,
        params={
            "customer": customer.id,
            "start_time": start,
            "end_time": start + 7200,
            "value_grouping_window": "hour",
        },
    )

    assert duplicate.value.http_status == 400
    assert duplicate.value.param == "identifier"
    # Stripe aggregates asynchronously: the events show in summaries only after a while.
    assert lagging.data[0].aggregated_value == 0
    assert summary.data[0].aggregated_value == 12
    assert summary.data[0].object == "billing.meter_event_summary"
    assert [window.aggregated_value for window in hourly.data] == [12, 0]


def test_meter_events_outside_the_accepted_time_window_are_rejected(
    stripe_emulator: EmulatorServer, stripe_client: stripe.StripeClient
) -> None:
    _meter(stripe_client)
    customer = stripe_client.v1.customers.create()
    now = stripe_emulator.now()

    for timestamp in (now - 36 * 86400, now + 600):
        with pytest.raises(stripe.InvalidRequestError) as raised:
            stripe_client.v1.billing.meter_events.create(
                params={
                    "event_name": "api_call",
                    "payload": {"stripe_customer_id": customer.id, "value": "1"},
                    "timestamp": timestamp,
                }
            )
        assert raised.value.param == "timestamp"


def test_meter_event_for_an_unknown_event_name_is_rejected(
    stripe_client: stripe.StripeClient,
) -> None:
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe_client.v1.billing.meter_events.create(
            params={"event_name": "nope", "payload": {"stripe_customer_id": "cus_x", "value": "1"}}
        )

    assert raised.value.param == "event_name"


def test_v2_meter_event_stream_accepts_batches_with_a_session_token(
    stripe_emulator: EmulatorServer, stripe_client: stripe.StripeClient
) -> None:
    meter = _meter(stripe_client, "tokens")
    customer = stripe_client.v1.customers.create()
    session = stripe_client.v2.billing.meter_event_session.create()
    stream_client = stripe.StripeClient(
        session.authentication_token,
        base_addresses={"api": stripe_emulator.url, "meter_events": stripe_emulator.url},
    )
    events = [
        {
            "event_name": "tokens",
            "identifier": f"stream-{n}",
            "payload": {"stripe_customer_id": customer.id, "value": "10"},
        }
        for n in range(100)
    ]

    stream_client.v2.billing.meter_event_stream.create(params={"events": events})
    stream_client.v2.billing.meter_event_stream.create(params={"events": events[:3]})
    with pytest.raises(stripe.InvalidRequestError):
        stream_client.v2.billing.meter_event_stream.create(params={"events": events + events[:1]})
    now = stripe_emulator.now()
    stripe_emulator.advance(DEFAULT_METER_SUMMARY_LAG_SECONDS)
    summary = stripe_client.v1.billing.meters.event_summaries.list(
        meter.id,
        params={
            "customer": customer.id,
            "start_time": now - now % 60 - 60,
            "end_time": now - now % 60 + 120,
        },
    )

    assert session.object == "v2.billing.meter_event_session"
    assert summary.data[0].aggregated_value == 1000


def test_v2_meter_event_stream_rejects_an_expired_session(
    stripe_emulator: EmulatorServer, stripe_client: stripe.StripeClient
) -> None:
    _meter(stripe_client, "tokens")
    session = stripe_client.v2.billing.meter_event_session.create()
    stream_client = stripe.StripeClient(
        session.authentication_token, base_addresses={"meter_events": stripe_emulator.url}
    )
    stripe_emulator.advance(16 * 60)

    with pytest.raises(stripe.TemporarySessionExpiredError):
        stream_client.v2.billing.meter_event_stream.create(
            params={"events": [{"event_name": "tokens", "payload": {"value": "1"}}]}
        )
