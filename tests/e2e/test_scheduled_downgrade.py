"""A yearly → monthly downgrade scheduled for the period's end, through the public API, the
Stripe emulator's subscription schedules and real webhook delivery. Stripe holds the change, so
it happens at the renewal even while our service is down; the held-back events, delivered
late, twice and newest first, then move our subscription exactly once."""

from datetime import datetime
from typing import Any

from djstripe.models import WebhookEndpoint

from audit.models import AuditEvent
from billing.providers.stripe import stripe_client
from billing.stripe_account import WEBHOOK_EVENTS
from notifications.models import AppEvent
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


def _subscription(tenant: Tenant, subscription_id: str) -> dict[str, Any]:
    response = tenant.client.get(f"/v1/subscriptions/{subscription_id}")
    assert response.status_code == 200, response.content
    body: dict[str, Any] = response.json()
    return body


def _seconds_to(clocked: Clocked, moment: str) -> int:
    return int(datetime.fromisoformat(moment).timestamp()) - clocked.now()


def test_a_downgrade_stripe_applies_while_we_are_down_moves_the_subscription_once(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint, live_server: Any
):
    clocked = Clocked(tenant, stripe)
    yearly = plan_make(tenant.client, "yearly", base={"amount": 24000, "interval": "year"})
    monthly = plan_make(tenant.client, "monthly", base={"amount": 1000, "interval": "month"})
    subscription = subscribe(tenant.client, clocked.customer(), yearly).json()
    scheduled = tenant.client.post(
        f"/v1/subscriptions/{subscription['id']}/change-plan",
        {"plan": monthly["id"]},
        format="json",
    )
    assert scheduled.status_code == 200, scheduled.content
    settle(stripe)
    clocked.advance(30 * DAY_SECONDS)
    a_month_on = _subscription(tenant, subscription["id"])
    stripe_client().v1.webhook_endpoints.update(stripe_webhooks.id, {"disabled": True})
    already_seen = {event["id"] for event in stripe.events()}

    clocked.advance(_seconds_to(clocked, subscription["current_period_end"]) + DAY_SECONDS)
    while_down = _subscription(tenant, subscription["id"])
    held_back = [
        event
        for event in stripe.events()
        if event["id"] not in already_seen and event["type"] in WEBHOOK_EVENTS
    ]
    replies = [
        signed_post(live_server.url, stripe_webhooks, event_body(event)).status_code
        for _ in range(2)
        for event in reversed(held_back)
    ]
    after = _subscription(tenant, subscription["id"])

    assert scheduled.json()["pending_change"]["plan"] == monthly["id"]
    assert a_month_on["plan"] == yearly["id"]
    assert while_down["plan"] == yearly["id"]
    assert while_down["pending_change"] is not None
    assert set(replies) == {200}
    assert after["plan"] == monthly["id"]
    assert after["pending_change"] is None
    assert after["current_period_start"] == subscription["current_period_end"]
    provider_subscription = stripe.state.objects[subscription["provider_subscription_id"]]
    renewal = stripe.state.objects[provider_subscription["latest_invoice"]]
    assert renewal["billing_reason"] == "subscription_cycle"
    assert renewal["amount_paid"] == 1000
    changes = AuditEvent.objects.for_app(tenant.app).filter(
        action_type="CHANGE_PLAN", target_id=subscription["id"]
    )
    assert [(change.actor_type, change.actor_id) for change in changes] == [("stripe", "stripe")]
    assert (
        AppEvent.objects.for_app(tenant.app)
        .filter(event_type="subscription.updated", data__plan=monthly["id"])
        .count()
        == 1
    )


def test_a_monthly_renewal_after_the_change_bills_the_monthly_price_again(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint
):
    clocked = Clocked(tenant, stripe)
    yearly = plan_make(tenant.client, "yearly", base={"amount": 24000, "interval": "year"})
    monthly = plan_make(tenant.client, "monthly", base={"amount": 1000, "interval": "month"})
    subscription = subscribe(tenant.client, clocked.customer(), yearly).json()
    tenant.client.post(
        f"/v1/subscriptions/{subscription['id']}/change-plan",
        {"plan": monthly["id"], "at": "period_end"},
        format="json",
    )

    clocked.advance(_seconds_to(clocked, subscription["current_period_end"]) + DAY_SECONDS)
    first_month = _subscription(tenant, subscription["id"])
    clocked.advance(_seconds_to(clocked, first_month["current_period_end"]) + DAY_SECONDS)
    settle(stripe)

    second_month = _subscription(tenant, subscription["id"])
    provider_subscription = stripe.state.objects[subscription["provider_subscription_id"]]
    schedule = stripe.state.objects[_schedule_of(stripe, subscription)]
    assert second_month["plan"] == monthly["id"]
    assert second_month["current_period_start"] == first_month["current_period_end"]
    assert stripe.state.objects[provider_subscription["latest_invoice"]]["amount_paid"] == 1000
    # After its last phase the schedule lets go of the subscription, which renews on its own.
    assert schedule["status"] == "released"
    assert provider_subscription["schedule"] is None
    assert AuditEvent.objects.for_app(tenant.app).filter(action_type="CHANGE_PLAN").count() == 1


def _schedule_of(stripe: EmulatorServer, subscription: dict[str, Any]) -> str:
    [schedule] = [
        obj["id"]
        for obj in stripe.state.objects.values()
        if obj.get("object") == "subscription_schedule"
        and subscription["provider_subscription_id"]
        in (obj["subscription"], obj["released_subscription"])
    ]
    return schedule
