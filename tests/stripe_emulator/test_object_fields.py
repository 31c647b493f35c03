"""Each emulated object has the attributes stripe-python's resource classes declare for the
pinned version, and nothing they do not declare.

A few declared attributes are left out of Stripe's default responses: those sent only when
expanded (``include``-able lists such as ``customer.subscriptions``), only where they apply
(``presentment_details`` for multi-currency, ``account`` on Connect events), and ``deleted``,
which only a deleted object carries. Those are listed below, each as Stripe's published
example objects (stripe/openapi ``fixtures3.json``) show them absent.
"""

from __future__ import annotations

from typing import Any, Literal, get_args, get_origin

import pytest
import stripe
from stripe.billing import Meter

from stripe_emulator.server import EmulatorServer

SENT_ONLY_WHEN_EXPANDED_OR_APPLICABLE: dict[str, set[str]] = {
    "customer": {
        "deleted",
        "cash_balance",
        "invoice_credit_balance",
        "sources",
        "subscriptions",
        "tax",
        "tax_ids",
    },
    "payment_intent": {
        "allowed_payment_method_types",
        "hooks",
        "payment_details",
        "presentment_details",
    },
    "charge": {"authorization_code", "level3", "presentment_details", "refunds", "transfer"},
    "refund": {
        "failure_balance_transaction",
        "failure_reason",
        "instructions_email",
        "next_action",
        "pending_reason",
        "presentment_details",
    },
    "subscription": {"presentment_details"},
    "invoice": {"deleted", "payments"},
    "price": {"deleted", "currency_options", "tiers"},
    "product": {"deleted"},
    "meter": set(),
    "event": {"account", "context"},
    "webhook_endpoint": {"deleted"},
    "card_details": {"capture_before", "description", "iin", "issuer", "moto"},
    "subscription_item": {"deleted", "billed_until"},
    "invoice_line_item": set(),
    "balance_transaction": set(),
    "test_clock": {"deleted"},
}


def _payment_method_types_other_than_card() -> set[str]:
    """A payment method carries the details hash of its own type only (``card``)."""
    declared = stripe.PaymentMethod.__annotations__["type"]
    literals = [hint for hint in get_args(declared) if get_origin(hint) is Literal]
    return {value for hint in literals for value in get_args(hint)} - {"card"}


SENT_ONLY_WHEN_EXPANDED_OR_APPLICABLE["payment_method"] = (
    _payment_method_types_other_than_card() | {"radar_options"}
)

RESOURCE_CLASSES: dict[str, Any] = {
    "customer": stripe.Customer,
    "payment_intent": stripe.PaymentIntent,
    "charge": stripe.Charge,
    "refund": stripe.Refund,
    "subscription": stripe.Subscription,
    "invoice": stripe.Invoice,
    "price": stripe.Price,
    "product": stripe.Product,
    "meter": Meter,
    "event": stripe.Event,
    "webhook_endpoint": stripe.WebhookEndpoint,
    "card_details": stripe.Charge.PaymentMethodDetails.Card,
    "subscription_invoice_settings": stripe.Subscription.InvoiceSettings,
    "payment_method": stripe.PaymentMethod,
    "subscription_item": stripe.SubscriptionItem,
    "invoice_line_item": stripe.InvoiceLineItem,
    "balance_transaction": stripe.BalanceTransaction,
    "test_clock": stripe.test_helpers.TestClock,
    "credit_grant": stripe.billing.CreditGrant,
    "credit_balance_transaction": stripe.billing.CreditBalanceTransaction,
    "credit_balance_summary": stripe.billing.CreditBalanceSummary,
}


def _declared_attributes(resource_class: Any) -> set[str]:
    names: set[str] = set()
    for klass in resource_class.__mro__:
        names |= set(vars(klass).get("__annotations__", {}))
    return {name for name in names if name[0].islower()}


@pytest.fixture
def emulated_objects(stripe_client: stripe.StripeClient) -> dict[str, dict[str, Any]]:
    """One of each object, made through the SDK as the service makes them."""
    customer = stripe_client.v1.customers.create(params={"payment_method": "pm_card_visa"})
    payment_method = stripe_client.v1.customers.payment_methods.list(customer.id).data[0]
    intent = stripe_client.v1.payment_intents.create(
        params={
            "amount": 1000,
            "currency": "usd",
            "customer": customer.id,
            "payment_method": payment_method.id,
            "confirm": True,
            "off_session": True,
        }
    )
    assert isinstance(intent.latest_charge, str)
    charge = stripe_client.v1.charges.retrieve(intent.latest_charge)
    refund = stripe_client.v1.refunds.create(params={"payment_intent": intent.id, "amount": 100})
    product = stripe_client.v1.products.create(params={"name": "Pro"})
    price = stripe_client.v1.prices.create(
        params={
            "product": product.id,
            "currency": "usd",
            "unit_amount": 500,
            "recurring": {"interval": "month"},
        }
    )
    subscription = stripe_client.v1.subscriptions.create(
        params={
            "customer": customer.id,
            "items": [{"price": price.id}],
            "default_payment_method": payment_method.id,
        }
    )
    assert isinstance(subscription.latest_invoice, str)
    invoice = stripe_client.v1.invoices.retrieve(subscription.latest_invoice)
    meter = stripe_client.v1.billing.meters.create(
        params={
            "display_name": "API calls",
            "event_name": "api_call",
            "default_aggregation": {"formula": "sum"},
        }
    )
    event = stripe_client.v1.events.list().data[0]
    endpoint = stripe_client.v1.webhook_endpoints.create(
        params={"url": "https://example.com/hooks", "enabled_events": ["*"]}
    )
    objects = {
        "customer": customer,
        "payment_intent": intent,
        "charge": charge,
        "refund": refund,
        "subscription": subscription,
        "invoice": invoice,
        "price": price,
        "product": product,
        "meter": meter,
        "event": event,
        "webhook_endpoint": endpoint,
    }
    objects["payment_method"] = payment_method
    objects["subscription_item"] = subscription["items"].data[0]
    objects["invoice_line_item"] = stripe_client.v1.invoices.line_items.list(invoice.id).data[0]
    objects["balance_transaction"] = stripe_client.v1.balance_transactions.list().data[0]
    objects["test_clock"] = stripe_client.v1.test_helpers.test_clocks.create(
        params={"frozen_time": 1_893_456_000}
    )
    objects["credit_grant"] = stripe_client.v1.billing.credit_grants.create(
        params={
            "customer": customer.id,
            "amount": {"type": "monetary", "monetary": {"currency": "usd", "value": 100}},
            "applicability_config": {"scope": {"price_type": "metered"}},
        }
    )
    objects["credit_balance_transaction"] = (
        stripe_client.v1.billing.credit_balance_transactions.list(
            params={"customer": customer.id}
        ).data[0]
    )
    objects["credit_balance_summary"] = stripe_client.v1.billing.credit_balance_summary.retrieve(
        params={
            "customer": customer.id,
            "filter": {"type": "credit_grant", "credit_grant": objects["credit_grant"].id},
        }
    )
    rendered = {name: found.to_dict() for name, found in objects.items()}
    rendered["card_details"] = rendered["charge"]["payment_method_details"]["card"]
    rendered["subscription_invoice_settings"] = rendered["subscription"]["invoice_settings"]
    return rendered


@pytest.mark.parametrize("name", sorted(RESOURCE_CLASSES))
def test_emulated_objects_have_every_declared_attribute_and_no_other(
    emulated_objects: dict[str, dict[str, Any]], name: str
) -> None:
    declared = _declared_attributes(RESOURCE_CLASSES[name])
    optional = SENT_ONLY_WHEN_EXPANDED_OR_APPLICABLE.get(name, set())
    keys = set(emulated_objects[name])

    assert optional <= declared, "an exception for an attribute the SDK does not declare"
    assert declared - optional - keys == set(), f"{name} lacks declared attributes"
    assert keys - declared == set(), f"{name} has attributes Stripe does not declare"


def test_a_refund_names_the_customer_and_payment_method_of_its_charge(
    emulated_objects: dict[str, dict[str, Any]],
) -> None:
    refund, charge = emulated_objects["refund"], emulated_objects["charge"]

    assert refund["customer"] == charge["customer"] is not None
    assert refund["payment_method"] == charge["payment_method"] is not None


def test_a_charge_carries_the_cards_details(
    emulated_objects: dict[str, dict[str, Any]], stripe_emulator: EmulatorServer
) -> None:
    card = emulated_objects["card_details"]

    assert (card["brand"], card["last4"], card["funding"], card["country"]) == (
        "visa",
        "4242",
        "credit",
        "US",
    )
    assert isinstance(card["exp_month"], int) and isinstance(card["exp_year"], int)
    assert card["checks"]["cvc_check"] == "pass"
