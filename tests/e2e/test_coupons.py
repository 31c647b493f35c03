"""Coupons and promotion codes through the public API, against the Stripe emulator on a test
clock with real webhook deliveries: a repeating coupon discounts the renewals within its months
only, invoices and the upcoming invoice say which coupon took how much off, and a promotion
code's limits answer 400 before anything is redeemed."""

from typing import Any

import requests
from djstripe.models import WebhookEndpoint

from stripe_emulator.server import EmulatorServer
from tests.factories import (
    CHECKOUT_SUCCESS_URL,
    DAY_SECONDS,
    Clocked,
    Tenant,
    checkout_page_submit,
    customer_make,
    plan_make,
    settle,
    subscribe,
)


def _coupon(tenant: Tenant, **fields: Any) -> dict[str, Any]:
    response = tenant.client.post("/v1/coupons", fields, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def _promotion_code(tenant: Tenant, coupon: dict[str, Any], **fields: Any) -> dict[str, Any]:
    response = tenant.client.post(
        "/v1/promotion-codes", {"coupon": coupon["id"], **fields}, format="json"
    )
    assert response.status_code == 201, response.content
    return response.json()


def _invoices(tenant: Tenant, customer: dict[str, Any]) -> list[dict[str, Any]]:
    page = tenant.client.get("/v1/invoices", {"customer": customer["id"], "limit": 100}).json()
    return sorted(page["data"], key=lambda invoice: invoice["period_end"] or "")


def test_a_repeating_coupon_for_three_months_shows_on_three_invoices_and_not_the_fourth(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint
):
    plan = plan_make(tenant.client, trial_period_days=0)
    coupon = _coupon(
        tenant, name="Launch", percent_off="20", duration="repeating", duration_in_months=3
    )
    clocked = Clocked(tenant, stripe)
    customer = clocked.customer()

    subscription = subscribe(tenant.client, customer, plan, coupon=coupon["id"])
    assert subscription.status_code == 201, subscription.content
    settle(stripe)
    clocked.advance(31 * DAY_SECONDS)
    upcoming = tenant.client.get(f"/v1/customers/{customer['id']}/upcoming-invoice").json()
    clocked.advance(31 * DAY_SECONDS)
    clocked.advance(31 * DAY_SECONDS)

    invoices = _invoices(tenant, customer)
    assert [invoice["billing_reason"] for invoice in invoices] == [
        "subscription_create",
        "subscription_cycle",
        "subscription_cycle",
        "subscription_cycle",
    ]
    assert [invoice["subtotal"] for invoice in invoices] == [2000] * 4
    assert [invoice["total"] for invoice in invoices] == [1600, 1600, 1600, 2000]
    assert [invoice["amount_paid"] for invoice in invoices] == [1600, 1600, 1600, 2000]
    for invoice in invoices[:3]:
        assert invoice["discounts"] == [
            {"coupon": coupon["id"], "promotion_code": None, "amount": 400}
        ]
    assert invoices[3]["discounts"] == []
    assert upcoming["subtotal"] == 2000 and upcoming["total"] == 1600
    assert upcoming["discounts"] == [
        {"coupon": coupon["id"], "promotion_code": None, "amount": 400}
    ]
    body = subscription.json()
    assert body["discount"]["coupon"] == coupon["id"]
    assert tenant.client.get(f"/v1/coupons/{coupon['id']}").json()["times_redeemed"] == 1
    provider_coupon = stripe.state.objects[coupon["provider_coupon_id"]]
    assert provider_coupon["metadata"] == {"app_id": tenant.app.pk, "coupon_id": coupon["id"]}
    assert provider_coupon["percent_off"] == 20.0 and provider_coupon["duration_in_months"] == 3


def test_a_promotion_code_past_its_max_redemptions_answers_400(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint
):
    plan = plan_make(tenant.client, trial_period_days=0)
    coupon = _coupon(tenant, amount_off=500, currency="usd", duration="once")
    code = _promotion_code(tenant, coupon, code="WELCOME", max_redemptions=1)
    clocked = Clocked(tenant, stripe)
    first = clocked.customer(external_id="first")
    second = clocked.customer(external_id="second")

    redeemed = subscribe(tenant.client, first, plan, promotion_code="welcome")
    refused = subscribe(tenant.client, second, plan, promotion_code="WELCOME")

    assert redeemed.status_code == 201, redeemed.content
    assert redeemed.json()["discount"]["promotion_code"] == code["id"]
    assert refused.status_code == 400, refused.content
    error = refused.json()["error"]
    assert error["type"] == "invalid_request_error"
    assert (error["code"], error["param"]) == (
        "promotion_code_max_redemptions_reached",
        "promotion_code",
    )
    settle(stripe)
    [first_invoice] = _invoices(tenant, first)
    assert first_invoice["total"] == 1500
    assert first_invoice["discounts"] == [
        {"coupon": coupon["id"], "promotion_code": code["id"], "amount": 500}
    ]
    assert _invoices(tenant, second) == []
    listed = tenant.client.get("/v1/subscriptions", {"customer": second["id"]}).json()["data"]
    assert listed == []
    assert tenant.client.get(f"/v1/promotion-codes/{code['id']}").json()["times_redeemed"] == 1
    provider_code = stripe.state.objects[code["provider_promotion_code_id"]]
    assert provider_code["times_redeemed"] == 1
    assert provider_code["metadata"] == {"app_id": tenant.app.pk, "promotion_code_id": code["id"]}


def _checkout(tenant: Tenant, **fields: Any) -> dict[str, Any]:
    response = tenant.client.post(
        "/v1/checkout-sessions",
        {"mode": "subscription", "success_url": CHECKOUT_SUCCESS_URL, **fields},
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_a_promotion_code_typed_on_checkout_discounts_the_subscription_and_is_counted(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint
):
    plan = plan_make(tenant.client, trial_period_days=0)
    coupon = _coupon(tenant, percent_off="50", duration="forever")
    code = _promotion_code(tenant, coupon, code="HALF")
    customer = customer_make(tenant.client, payment_method=None)
    session = _checkout(
        tenant, customer=customer["id"], plan=plan["id"], allow_promotion_codes=True
    )

    page = requests.post(
        session["url"],
        data={
            "card_number": "4242 4242 4242 4242",
            "card_expiry": "12 / 34",
            "card_cvc": "123",
            "promotion_code": "half",
        },
        allow_redirects=False,
        timeout=30,
    )
    settle(stripe)

    assert page.status_code == 303, page.text
    [subscription] = tenant.client.get("/v1/subscriptions", {"customer": customer["id"]}).json()[
        "data"
    ]
    assert subscription["discount"]["coupon"] == coupon["id"]
    assert subscription["discount"]["promotion_code"] == code["id"]
    [invoice] = _invoices(tenant, customer)
    assert invoice["total"] == 1000
    assert invoice["discounts"] == [
        {"coupon": coupon["id"], "promotion_code": code["id"], "amount": 1000}
    ]
    assert tenant.client.get(f"/v1/promotion-codes/{code['id']}").json()["times_redeemed"] == 1
    provider_session = stripe.state.objects[
        tenant.client.get(f"/v1/checkout-sessions/{session['id']}").json()["provider_session_id"]
    ]
    assert provider_session["allow_promotion_codes"] is True


def test_a_checkout_with_a_coupon_applies_it_without_asking_for_a_code(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint
):
    plan = plan_make(tenant.client, trial_period_days=0)
    coupon = _coupon(tenant, amount_off=700, currency="usd", duration="once")
    customer = customer_make(tenant.client, payment_method=None)
    session = _checkout(tenant, customer=customer["id"], plan=plan["id"], coupon=coupon["id"])

    form = requests.get(session["url"], timeout=30)
    page = checkout_page_submit(session["url"], "4242 4242 4242 4242")
    settle(stripe)

    assert "name=promotion_code" not in form.text
    assert page.status_code == 303, page.text
    [invoice] = _invoices(tenant, customer)
    assert invoice["total"] == 1300
    assert invoice["discounts"][0]["coupon"] == coupon["id"]
    assert tenant.client.get(f"/v1/coupons/{coupon['id']}").json()["times_redeemed"] == 1


def test_a_payment_checkout_with_a_coupon_answers_400(tenant: Tenant, stripe: EmulatorServer):
    coupon = _coupon(tenant, percent_off="10", duration="once")
    customer = customer_make(tenant.client, payment_method=None)

    response = tenant.client.post(
        "/v1/checkout-sessions",
        {
            "mode": "payment",
            "customer": customer["id"],
            "amount": 1000,
            "currency": "usd",
            "success_url": CHECKOUT_SUCCESS_URL,
            "coupon": coupon["id"],
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["error"]["param"] == "coupon"
