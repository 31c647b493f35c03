"""A PayPal payer saved when they approve a first payment (PayPal's vault) is the customer's
saved payment method: later payments charge it at once, with no redirect, through the same
API fields a Stripe app's saved card uses; it is listed, made default and removed through the
customer's payment-methods routes."""

from typing import Any

import pytest

from audit.models import AuditEvent
from billing.models import Customer, Payment
from paypal_emulator.server import PayPalEmulatorServer
from tests.payment_providers import PayPalPayingTenant, paying_tenant_make


@pytest.fixture
def shop(
    db: Any, settings: Any, stripe: Any, paypal_emulator: PayPalEmulatorServer
) -> PayPalPayingTenant:
    made = paying_tenant_make(
        "paypal", name="PayPal shop", settings=settings, stripe=stripe, paypal=paypal_emulator
    )
    assert isinstance(made, PayPalPayingTenant)
    return made


def _created_orders(paypal: PayPalEmulatorServer) -> list[dict[str, Any]]:
    return list(paypal.api.orders.values())


def test_the_payer_approving_a_first_payment_is_saved_as_the_customers_payment_method(
    shop: PayPalPayingTenant, paypal_emulator: PayPalEmulatorServer
):
    customer_id = shop.customer()

    first = shop.paid(customer=customer_id, amount=2500)

    customer = shop.client.get(f"/v1/customers/{customer_id}").json()
    [token] = paypal_emulator.api.payment_tokens.values()
    [order] = _created_orders(paypal_emulator)
    assert first["status"] == "succeeded"
    assert order["_vault"]["vault"]["usage_type"] == "MERCHANT"
    assert customer["default_payment_method"] == token["id"]
    # Our customer's provider reference is PayPal's vault customer from now on.
    assert customer["provider_customer_id"] == token["customer_id"]
    [saved] = AuditEvent.objects.for_app(shop.app).filter(
        action_type="SET_DEFAULT_PAYMENT_METHOD", target_id=customer_id
    )
    assert saved.payload_snapshot["source"] == "payment"
    assert saved.payload_snapshot["payment"] == first["id"]
    assert (saved.payload_snapshot["from"], saved.payload_snapshot["to"]) == ("", token["id"])
    methods = shop.client.get(f"/v1/customers/{customer_id}/payment-methods").json()["data"]
    assert [(m["id"], m["type"], m["brand"], m["default"]) for m in methods] == [
        (token["id"], "paypal", "paypal", True)
    ]


def test_a_saved_payer_is_charged_off_session_at_once_and_the_payment_refunded(
    shop: PayPalPayingTenant, paypal_emulator: PayPalEmulatorServer
):
    customer_id = shop.saved_customer()

    charged = shop.client.post(
        "/v1/payments",
        {"customer": customer_id, "amount": 1200, "currency": "eur", "off_session": True},
        format="json",
    )
    refund = shop.client.post(
        f"/v1/payments/{charged.json()['id']}/refunds", {"amount": 200}, format="json"
    )

    assert charged.status_code == 201, charged.content
    payment = charged.json()
    assert (payment["status"], payment["redirect_url"], payment["off_session"]) == (
        "succeeded",
        None,
        True,
    )
    order = paypal_emulator.api.orders[payment["provider_payment_id"]]
    token = shop.client.get(f"/v1/customers/{customer_id}").json()["default_payment_method"]
    assert order["_vault_token"] == token and order["status"] == "COMPLETED"
    assert order["purchase_units"][0]["amount"] == {"currency_code": "EUR", "value": "12.00"}
    assert (
        Payment.objects.for_app(shop.app).get(pk=payment["id"]).provider_charge_id
        == (order["_captures"][0])
    )
    assert (refund.status_code, refund.json()["status"]) == (201, "succeeded")
    # Only the first payment was approved on PayPal's page; the second needed nobody.
    assert len(paypal_emulator.events("CHECKOUT.ORDER.APPROVED")) == 1
    assert order["_context"] == {}


def test_a_declined_payer_is_not_saved(
    shop: PayPalPayingTenant, paypal_emulator: PayPalEmulatorServer
):
    customer_id = shop.declining_customer()
    created = shop.pay(customer_id)

    failed = shop.complete(created.json())

    assert failed["status"] == "failed"
    assert paypal_emulator.api.payment_tokens == {}
    customer = Customer.objects.for_app(shop.app).get(pk=customer_id)
    assert customer.default_payment_method == ""
    assert customer.provider_customer_id == f"local:{customer_id}"


def test_a_removed_saved_payer_is_deleted_at_paypal_and_charges_nothing_more(
    shop: PayPalPayingTenant, paypal_emulator: PayPalEmulatorServer
):
    customer_id = shop.saved_customer()
    token = shop.client.get(f"/v1/customers/{customer_id}").json()["default_payment_method"]

    removed = shop.client.delete(f"/v1/customers/{customer_id}/payment-methods/{token}")
    charged = shop.client.post(
        "/v1/payments",
        {"customer": customer_id, "amount": 900, "currency": "usd", "off_session": True},
        format="json",
    )

    assert removed.status_code == 200, removed.content
    assert paypal_emulator.api.payment_tokens == {}
    assert shop.client.get(f"/v1/customers/{customer_id}").json()["default_payment_method"] == ""
    assert charged.status_code == 400
    assert charged.json()["error"]["code"] == "payment_method_required"
    assert shop.client.get(f"/v1/customers/{customer_id}/payment-methods").json()["data"] == []


def test_another_customers_saved_payer_is_refused_and_paypal_charges_nothing(
    shop: PayPalPayingTenant, paypal_emulator: PayPalEmulatorServer
):
    owner = shop.saved_customer("owner")
    token = shop.client.get(f"/v1/customers/{owner}").json()["default_payment_method"]
    other = shop.saved_customer("other")
    orders_before = len(paypal_emulator.api.orders)

    charged = shop.client.post(
        "/v1/payments",
        {
            "customer": other,
            "amount": 900,
            "currency": "usd",
            "payment_method": token,
            "off_session": True,
        },
        format="json",
    )
    default = shop.client.post(f"/v1/customers/{other}/payment-methods/{token}/default")

    assert charged.status_code == 400, charged.content
    assert charged.json()["error"]["param"] == "payment_method"
    assert default.status_code == 404
    assert len(paypal_emulator.api.orders) == orders_before


def test_a_paypal_app_still_refuses_a_card_collected_by_the_app(shop: PayPalPayingTenant):
    customer_id = shop.customer()

    setup = shop.client.post(f"/v1/customers/{customer_id}/setup-intents", {}, format="json")
    update = shop.client.patch(
        f"/v1/customers/{customer_id}", {"payment_method": "pm_card_visa"}, format="json"
    )

    for refused in (setup, update):
        assert refused.status_code == 400, refused.content
        assert refused.json()["error"]["code"] == "provider_capability_unsupported"
        assert "payment_method_attach" in refused.json()["error"]["message"]
