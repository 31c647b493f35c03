"""Coupons and promotion codes through the public API, against the Stripe emulator on a test
clock with real webhook deliveries: a repeating coupon discounts the renewals within its months
only, invoices and the upcoming invoice say which coupon took how much off, and a promotion
code's limits answer 400 before anything is redeemed."""

from typing import Any

from djstripe.models import WebhookEndpoint

from stripe_emulator.server import EmulatorServer
from tests.factories import DAY_SECONDS, Clocked, Tenant, plan_make, settle, subscribe


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
