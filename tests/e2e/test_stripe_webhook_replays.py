"""Stripe delivers webhooks at least once and in no particular order. The same events delivered
three times and out of order must leave what one in-order delivery leaves; and our endpoint
refuses what Stripe did not sign, over real HTTP. Each story's customer lives on its own test
clock, moved through our API."""

import time
from typing import Any

from djstripe.models import Event, WebhookEndpoint, WebhookEventTrigger

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


def _final_state(tenant: Tenant, subscription_id: str) -> dict[str, Any]:
    """What an app sees of the subscription, without ids and instants that differ per run."""
    subscription = tenant.client.get(f"/v1/subscriptions/{subscription_id}").json()
    grace_periods = tenant.client.get(
        "/v1/grace-periods", {"customer": subscription["customer"]}
    ).json()["data"]
    return {
        "status": subscription["status"],
        "sync_state": subscription["sync_state"],
        "cancel_at_period_end": subscription["cancel_at_period_end"],
        "on_trial": subscription["trial_end"] == subscription["current_period_end"],
        "grace_periods": sorted((period["reason"], period["status"]) for period in grace_periods),
    }


def _audit_count(tenant: Tenant) -> int:
    return AuditEvent.objects.for_app(tenant.app).count()


def test_events_delivered_three_times_and_out_of_order_leave_the_in_order_state(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint, live_server: Any
):
    plan = plan_make(tenant.client, trial_period_days=3)

    # Once, in order: the emulator delivers each event as it happens.
    in_order_clock = Clocked(tenant, stripe)
    in_order = in_order_clock.customer(
        payment_method="pm_card_chargeCustomerFail", external_id="in-order"
    )
    first = subscribe(tenant.client, in_order, plan).json()
    in_order_clock.advance(4 * DAY_SECONDS)
    settle(stripe)
    state_in_order = _final_state(tenant, first["id"])

    # The bodies dj-stripe stored, delivered again three times, newest first: nothing changes.
    stored_bodies = [
        trigger.body.encode() for trigger in WebhookEventTrigger.objects.order_by("created")
    ]
    audit_before_duplicates = _audit_count(tenant)
    duplicates = [
        signed_post(live_server.url, stripe_webhooks, body).status_code
        for _ in range(3)
        for body in reversed(stored_bodies)
    ]
    state_after_duplicates = _final_state(tenant, first["id"])

    # The same story again with deliveries held back, then each event three times, newest first.
    stripe_client().v1.webhook_endpoints.update(stripe_webhooks.id, {"disabled": True})
    already_seen = {event["id"] for event in stripe.events()}
    out_of_order_clock = Clocked(tenant, stripe)
    out_of_order = out_of_order_clock.customer(
        payment_method="pm_card_chargeCustomerFail", external_id="out-of-order"
    )
    second = subscribe(tenant.client, out_of_order, plan).json()
    out_of_order_clock.advance(4 * DAY_SECONDS)
    held_back = [
        event
        for event in stripe.events()
        if event["id"] not in already_seen and event["type"] in WEBHOOK_EVENTS
    ]
    replies = [
        signed_post(live_server.url, stripe_webhooks, event_body(event)).status_code
        for _ in range(3)
        for event in reversed(held_back)
    ]
    state_out_of_order = _final_state(tenant, second["id"])

    assert state_in_order == {
        "status": "past_due",
        "sync_state": "synced",
        "cancel_at_period_end": False,
        "on_trial": False,
        "grace_periods": [("payment_failed", "active")],
    }
    assert len(stored_bodies) >= 5
    assert set(duplicates) == {200}
    assert state_after_duplicates == state_in_order
    assert _audit_count(tenant) > audit_before_duplicates  # the second story's own events
    assert {event["type"] for event in held_back} >= {
        "customer.subscription.updated",
        "invoice.payment_failed",
    }
    assert set(replies) == {200}
    assert state_out_of_order == state_in_order
    assert Event.objects.filter(id__in=[event["id"] for event in held_back]).count() == len(
        held_back
    )
    opened = AuditEvent.objects.for_app(tenant.app).filter(action_type="OPEN_GRACE_PERIOD")
    assert opened.count() == 2  # one per story, however often its failure was delivered


def test_duplicates_of_stored_events_write_nothing(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint, live_server: Any
):
    plan = plan_make(tenant.client, trial_period_days=3)
    clocked = Clocked(tenant, stripe)
    customer = clocked.customer(payment_method="pm_card_chargeCustomerFail")
    subscribe(tenant.client, customer, plan)
    clocked.advance(4 * DAY_SECONDS)
    settle(stripe)
    audit_before = _audit_count(tenant)
    triggers_before = WebhookEventTrigger.objects.count()
    bodies = [trigger.body.encode() for trigger in WebhookEventTrigger.objects.all()]

    replies = [
        signed_post(live_server.url, stripe_webhooks, body).status_code
        for _ in range(3)
        for body in bodies
    ]

    assert set(replies) == {200}
    assert _audit_count(tenant) == audit_before
    assert WebhookEventTrigger.objects.count() == triggers_before + 3 * len(bodies)
    assert Event.objects.count() == triggers_before


def test_a_bad_signature_or_a_stale_timestamp_answers_400_over_http(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint, live_server: Any
):
    plan = plan_make(tenant.client, trial_period_days=3)
    clocked = Clocked(tenant, stripe)
    customer = clocked.customer()
    stripe_webhooks_disabled = stripe_client().v1.webhook_endpoints.update(
        stripe_webhooks.id, {"disabled": True}
    )
    subscription = subscribe(tenant.client, customer, plan).json()
    clocked.advance(4 * DAY_SECONDS)
    [trial_over] = [
        event
        for event in stripe.events("customer.subscription.updated")
        if event["data"]["object"]["id"] == subscription["provider_subscription_id"]
    ]
    body = event_body(trial_over)

    forged = signed_post(live_server.url, stripe_webhooks, body, secret="whsec_forged")
    stale = signed_post(
        live_server.url, stripe_webhooks, body, timestamp=int(time.time()) - 10 * 60
    )
    genuine = signed_post(live_server.url, stripe_webhooks, body)

    assert stripe_webhooks_disabled["status"] == "disabled"
    assert forged.status_code == 400
    assert stale.status_code == 400
    assert genuine.status_code == 200
    assert tenant.client.get(f"/v1/subscriptions/{subscription['id']}").json()["status"] == (
        "active"
    )


def test_an_event_for_another_systems_subscription_answers_200_over_http(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint
):
    plan = plan_make(tenant.client, trial_period_days=3)
    clocked = Clocked(tenant, stripe)
    customer = clocked.customer()

    stripe_client().v1.subscriptions.create(
        {
            "customer": customer["provider_customer_id"],
            "items": [{"price": plan["base"]["provider_price_id"]}],
            "trial_period_days": 3,
        }
    )
    clocked.advance(4 * DAY_SECONDS)

    assert tenant.client.get("/v1/subscriptions").json()["data"] == []
    delivered = {delivery["type"] for delivery in stripe.webhook_deliveries()}
    assert {"customer.subscription.created", "customer.subscription.updated"} <= delivered
