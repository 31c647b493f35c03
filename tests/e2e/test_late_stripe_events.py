"""Attack: a Stripe event that arrives late, after its object moved on. An invoice's
`invoice.payment_failed` handled after the invoice was paid must leave the history the same
events leave on time (a payment_failed grace period, opened and resolved, audited), while the
current state still follows Stripe's latest."""

from typing import Any

from djstripe.models import WebhookEndpoint

from audit.models import AuditEvent
from billing.providers.stripe import stripe_client
from billing.stripe_account import WEBHOOK_EVENTS
from stripe_emulator.server import EmulatorServer
from tests.factories import (
    DAY_SECONDS,
    Clocked,
    Tenant,
    event_body,
    plan_make,
    settle,
    signed_post,
    subscribe,
)


def _history(tenant: Tenant, subscription_id: str) -> dict[str, Any]:
    subscription = tenant.client.get(f"/v1/subscriptions/{subscription_id}").json()
    grace_periods = tenant.client.get(
        "/v1/grace-periods", {"customer": subscription["customer"]}
    ).json()["data"]
    audited = AuditEvent.objects.for_app(tenant.app).filter(
        target_id__in=[period["id"] for period in grace_periods]
    )
    return {
        "status": subscription["status"],
        "grace_periods": sorted(
            (period["reason"], period["status"], period["note"]) for period in grace_periods
        ),
        "grace_audit": sorted(audited.values_list("action_type", flat=True)),
    }


def _fail_then_pay(
    tenant: Tenant, stripe: EmulatorServer, plan: dict[str, Any], external_id: str
) -> tuple[str, str]:
    """A trial whose first charge fails, and whose invoice the customer then pays by card."""
    clocked = Clocked(tenant, stripe)
    customer = clocked.customer(
        payment_method="pm_card_chargeCustomerFail", external_id=external_id
    )
    subscription = subscribe(tenant.client, customer, plan).json()
    clocked.advance(4 * DAY_SECONDS)
    [failed] = [
        event["data"]["object"]
        for event in stripe.events("invoice.payment_failed")
        if event["data"]["object"]["customer"] == customer["provider_customer_id"]
    ]
    paid = stripe_client().v1.invoices.pay(failed["id"], {"payment_method": "pm_card_visa"})
    assert paid["status"] == "paid"
    return subscription["id"], failed["id"]


def test_a_payment_failure_delivered_after_the_invoice_was_paid_leaves_the_on_time_history(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint, live_server: Any
):
    plan = plan_make(tenant.client, trial_period_days=3)

    on_time_id, _ = _fail_then_pay(tenant, stripe, plan, "on-time")
    settle(stripe)
    on_time = _history(tenant, on_time_id)

    # The same story with deliveries held back, then delivered in order: each event is handled
    # when its invoice is already paid at Stripe.
    stripe_client().v1.webhook_endpoints.update(stripe_webhooks.id, {"disabled": True})
    already_seen = {event["id"] for event in stripe.events()}
    late_id, late_invoice = _fail_then_pay(tenant, stripe, plan, "late")
    held_back = [
        event
        for event in stripe.events()
        if event["id"] not in already_seen and event["type"] in WEBHOOK_EVENTS
    ]
    in_order = [
        signed_post(live_server.url, stripe_webhooks, event_body(event)).status_code
        for event in held_back
    ]
    late = _history(tenant, late_id)
    # Delivered again, newest first: nothing new.
    again = [
        signed_post(live_server.url, stripe_webhooks, event_body(event)).status_code
        for event in reversed(held_back)
    ]

    assert on_time == {
        "status": "active",
        "grace_periods": [
            ("payment_failed", "resolved", on_time["grace_periods"][0][2]),
        ],
        "grace_audit": ["OPEN_GRACE_PERIOD", "RESOLVE_GRACE_PERIOD"],
    }
    assert on_time["grace_periods"][0][2].endswith("was paid.")
    assert {"invoice.payment_failed", "invoice.paid"} <= {event["type"] for event in held_back}
    assert set(in_order) == {200}
    assert set(again) == {200}
    assert late["status"] == on_time["status"]
    assert late["grace_audit"] == on_time["grace_audit"]
    assert late["grace_periods"] == [
        ("payment_failed", "resolved", f"Invoice {late_invoice} was paid."),
    ]
    assert _history(tenant, late_id) == late


def test_a_change_plan_event_delivered_after_the_cancellation_does_not_revive_the_subscription(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint, live_server: Any
):
    clocked = Clocked(tenant, stripe)
    monthly = plan_make(tenant.client, base={"amount": 2000, "interval": "month"})
    cheaper = plan_make(tenant.client, "cheaper", base={"amount": 500, "interval": "month"})
    customer = clocked.customer()
    subscription = subscribe(tenant.client, customer, monthly).json()
    settle(stripe)

    # The change's events are held back until the subscription was cancelled.
    stripe_client().v1.webhook_endpoints.update(stripe_webhooks.id, {"disabled": True})
    already_seen = {event["id"] for event in stripe.events()}
    changed = tenant.client.post(
        f"/v1/subscriptions/{subscription['id']}/change-plan",
        {"plan": cheaper["id"], "at": "now"},
        format="json",
    )
    canceled = tenant.client.post(
        f"/v1/subscriptions/{subscription['id']}/cancel", {}, format="json"
    )
    held_back = [
        event
        for event in stripe.events()
        if event["id"] not in already_seen and event["type"] in WEBHOOK_EVENTS
    ]
    live_updates = [
        event
        for event in held_back
        if event["type"] == "customer.subscription.updated"
        and event["data"]["object"]["status"] == "active"
    ]
    delivered = [
        signed_post(live_server.url, stripe_webhooks, event_body(event)).status_code
        for event in live_updates
    ]
    after = tenant.client.get(f"/v1/subscriptions/{subscription['id']}").json()

    assert changed.status_code == 200, changed.content
    assert canceled.json()["status"] == "canceled"
    assert live_updates, "the change made at Stripe announced the subscription as active"
    assert set(delivered) == {200}
    assert after["status"] == "canceled"
    entitlements = tenant.client.get(f"/v1/customers/{customer['id']}/entitlements").json()
    assert all(not item["allowed"] for item in entitlements["features"])
