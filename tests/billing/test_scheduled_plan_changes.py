"""Plan changes at the period's end (`change-plan` with `at`), held by Stripe's subscription
schedules and applied at the renewal; time moves on the customer's test clock, through our
API."""

from datetime import datetime
from typing import Any

from djstripe.models import WebhookEndpoint

from audit.models import AuditEvent
from notifications.models import AppEvent
from stripe_emulator.server import EmulatorServer
from tests.factories import (
    DAY_SECONDS,
    Clocked,
    Tenant,
    plan_make,
    settle,
    stripe_items,
    subscribe,
)


def _yearly_subscription(
    tenant: Tenant, stripe: EmulatorServer
) -> tuple[dict[str, Any], dict[str, Any], Clocked]:
    clocked = Clocked(tenant, stripe)
    yearly = plan_make(tenant.client, "yearly", base={"amount": 24000, "interval": "year"})
    subscription = subscribe(tenant.client, clocked.customer(), yearly).json()
    assert subscription["status"] == "active"
    return subscription, yearly, clocked


def _change(tenant: Tenant, subscription: dict[str, Any], plan: dict[str, Any], **fields: Any):
    headers = {name: value for name, value in fields.items() if name.startswith("HTTP_")}
    body = {name: value for name, value in fields.items() if name not in headers}
    return tenant.client.post(
        f"/v1/subscriptions/{subscription['id']}/change-plan",
        {"plan": plan["id"], **body},
        format="json",
        **headers,
    )


def _cancel_pending(tenant: Tenant, subscription: dict[str, Any], **headers: Any):
    return tenant.client.post(
        f"/v1/subscriptions/{subscription['id']}/pending-change/cancel",
        {},
        format="json",
        **headers,
    )


def _get(tenant: Tenant, subscription: dict[str, Any]) -> dict[str, Any]:
    response = tenant.client.get(f"/v1/subscriptions/{subscription['id']}")
    assert response.status_code == 200, response.content
    body: dict[str, Any] = response.json()
    return body


def _latest_invoice(stripe: EmulatorServer, subscription: dict[str, Any]) -> dict[str, Any]:
    provider_subscription = stripe.state.objects[subscription["provider_subscription_id"]]
    invoice: dict[str, Any] = stripe.state.objects[provider_subscription["latest_invoice"]]
    return invoice


def _until_renewal(clocked: Clocked, subscription: dict[str, Any]) -> int:
    return int(datetime.fromisoformat(subscription["current_period_end"]).timestamp()) - (
        clocked.now()
    )


def test_a_downgrade_defaults_to_the_period_end_and_shows_as_pending(
    tenant: Tenant, stripe: EmulatorServer
):
    subscription, yearly, _ = _yearly_subscription(tenant, stripe)
    monthly = plan_make(tenant.client, "monthly", base={"amount": 1000, "interval": "month"})

    response = _change(tenant, subscription, monthly)

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["plan"] == yearly["id"]
    assert body["pending_change"] == {
        "plan": monthly["id"],
        "plan_version": 1,
        "at": subscription["current_period_end"],
        "schedule": body["pending_change"]["schedule"],
    }
    schedule = stripe.state.objects[body["pending_change"]["schedule"]]
    assert schedule["object"] == "subscription_schedule"
    assert schedule["phases"][1]["items"][0]["price"] == monthly["base"]["provider_price_id"]
    items = stripe_items(stripe, subscription["provider_subscription_id"])
    assert [item["price"] for item in items] == [yearly["base"]["provider_price_id"]]
    audit = AuditEvent.objects.for_app(tenant.app).get(action_type="SCHEDULE_PLAN_CHANGE")
    assert audit.target_id == subscription["id"]
    assert audit.payload_snapshot["to"] == {"plan": monthly["id"], "plan_version": 1}
    assert (
        AppEvent.objects.for_app(tenant.app)
        .filter(event_type="subscription.updated", data__pending_change__plan=monthly["id"])
        .count()
        == 1
    )
    assert _get(tenant, subscription)["pending_change"] == body["pending_change"]


def test_a_yearly_to_monthly_downgrade_applies_at_the_renewal_only(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint
):
    subscription, yearly, clocked = _yearly_subscription(tenant, stripe)
    monthly = plan_make(tenant.client, "monthly", base={"amount": 1000, "interval": "month"})
    assert _change(tenant, subscription, monthly, at="period_end").status_code == 200
    settle(stripe)  # the first invoice's events are the app's before the month passes
    events_before = AppEvent.objects.for_app(tenant.app).count()

    clocked.advance(31 * DAY_SECONDS)
    settle(stripe)
    a_month_on = _get(tenant, subscription)
    events_a_month_on = AppEvent.objects.for_app(tenant.app).count()
    clocked.advance(_until_renewal(clocked, subscription) + DAY_SECONDS)
    settle(stripe)
    renewed = _get(tenant, subscription)

    assert a_month_on["plan"] == yearly["id"]
    assert a_month_on["pending_change"] is not None
    assert renewed["plan"] == monthly["id"]
    assert renewed["pending_change"] is None
    assert renewed["current_period_start"] == subscription["current_period_end"]
    period = datetime.fromisoformat(renewed["current_period_end"]) - datetime.fromisoformat(
        renewed["current_period_start"]
    )
    assert 28 <= period.days <= 31
    invoice = _latest_invoice(stripe, subscription)
    assert invoice["billing_reason"] == "subscription_cycle"
    assert invoice["amount_paid"] == 1000
    changes = AuditEvent.objects.for_app(tenant.app).filter(
        action_type="CHANGE_PLAN", target_id=subscription["id"]
    )
    assert changes.count() == 1
    assert (changes.get().actor_type, changes.get().actor_id) == ("stripe", "stripe")
    assert changes.get().payload_snapshot["to"] == {"plan": monthly["id"], "plan_version": 1}
    moved = AppEvent.objects.for_app(tenant.app).filter(
        event_type="subscription.updated", data__plan=monthly["id"]
    )
    assert moved.count() == 1
    assert events_a_month_on == events_before
    assert (
        AuditEvent.objects.for_app(tenant.app).filter(action_type="SYNC_SUBSCRIPTION").count() == 0
    )


def test_a_cancelled_pending_change_leaves_the_yearly_plan_after_the_renewal(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint
):
    subscription, yearly, clocked = _yearly_subscription(tenant, stripe)
    monthly = plan_make(tenant.client, "monthly", base={"amount": 1000, "interval": "month"})
    scheduled = _change(tenant, subscription, monthly).json()

    response = _cancel_pending(tenant, subscription)
    clocked.advance(_until_renewal(clocked, subscription) + DAY_SECONDS)

    assert response.status_code == 200, response.content
    assert response.json()["pending_change"] is None
    schedule = stripe.state.objects[scheduled["pending_change"]["schedule"]]
    assert schedule["status"] == "released"
    renewed = _get(tenant, subscription)
    assert renewed["plan"] == yearly["id"]
    assert _latest_invoice(stripe, subscription)["amount_paid"] == 24000
    assert AuditEvent.objects.for_app(tenant.app).filter(action_type="CHANGE_PLAN").count() == 0
    cancel = AuditEvent.objects.for_app(tenant.app).get(action_type="CANCEL_PLAN_CHANGE")
    assert cancel.payload_snapshot["canceled"]["plan"] == monthly["id"]


def test_cancelling_when_nothing_is_pending_answers_409(tenant: Tenant, stripe: EmulatorServer):
    subscription, _, _ = _yearly_subscription(tenant, stripe)

    response = _cancel_pending(tenant, subscription)

    assert response.status_code == 409, response.content
    assert response.json()["error"]["code"] == "no_pending_change"


def test_an_upgrade_defaults_to_now(tenant: Tenant, stripe: EmulatorServer):
    subscription, _, _ = _yearly_subscription(tenant, stripe)
    bigger = plan_make(tenant.client, "bigger", base={"amount": 48000, "interval": "year"})

    response = _change(tenant, subscription, bigger)

    assert response.status_code == 200, response.content
    assert response.json()["plan"] == bigger["id"]
    assert response.json()["pending_change"] is None
    items = stripe_items(stripe, subscription["provider_subscription_id"])
    assert [item["price"] for item in items] == [bigger["base"]["provider_price_id"]]


def test_at_overrides_the_default_either_way(tenant: Tenant, stripe: EmulatorServer):
    subscription, _, _ = _yearly_subscription(tenant, stripe)
    bigger = plan_make(tenant.client, "bigger", base={"amount": 48000, "interval": "year"})
    smaller = plan_make(tenant.client, "smaller", base={"amount": 12000, "interval": "year"})

    upgrade_later = _change(tenant, subscription, bigger, at="period_end").json()
    downgrade_now = _change(tenant, subscription, smaller, at="now", proration="none").json()

    assert upgrade_later["plan"] == subscription["plan"]
    assert upgrade_later["pending_change"]["plan"] == bigger["id"]
    assert downgrade_now["plan"] == smaller["id"]
    # The change now drops the scheduled one, at Stripe too.
    assert downgrade_now["pending_change"] is None
    schedule = stripe.state.objects[upgrade_later["pending_change"]["schedule"]]
    assert schedule["status"] == "released"


def test_a_bad_at_answers_400_with_its_param(tenant: Tenant, stripe: EmulatorServer):
    subscription, _, _ = _yearly_subscription(tenant, stripe)
    monthly = plan_make(tenant.client, "monthly", base={"amount": 1000, "interval": "month"})

    response = _change(tenant, subscription, monthly, at="tomorrow")

    assert response.status_code == 400, response.content
    assert response.json()["error"]["param"] == "at"
    assert _get(tenant, subscription)["pending_change"] is None


def test_a_second_scheduled_change_replaces_the_first(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint
):
    subscription, _, clocked = _yearly_subscription(tenant, stripe)
    monthly = plan_make(tenant.client, "monthly", base={"amount": 1000, "interval": "month"})
    basic = plan_make(tenant.client, "basic", base={"amount": 500, "interval": "month"})
    first = _change(tenant, subscription, monthly).json()

    second = _change(tenant, subscription, basic).json()
    clocked.advance(_until_renewal(clocked, subscription) + DAY_SECONDS)

    assert second["pending_change"]["plan"] == basic["id"]
    assert second["pending_change"]["schedule"] == first["pending_change"]["schedule"]
    schedule = stripe.state.objects[second["pending_change"]["schedule"]]
    assert len(schedule["phases"]) == 2
    renewed = _get(tenant, subscription)
    assert renewed["plan"] == basic["id"]
    assert _latest_invoice(stripe, subscription)["amount_paid"] == 500


def test_a_trialing_subscription_cannot_schedule_a_change(tenant: Tenant, stripe: EmulatorServer):
    clocked = Clocked(tenant, stripe)
    yearly = plan_make(
        tenant.client, "yearly", base={"amount": 24000, "interval": "year"}, trial_period_days=14
    )
    monthly = plan_make(tenant.client, "monthly", base={"amount": 1000, "interval": "month"})
    subscription = subscribe(tenant.client, clocked.customer(), yearly).json()
    assert subscription["status"] == "trialing"

    response = _change(tenant, subscription, monthly, at="period_end")

    assert response.status_code == 400, response.content
    assert response.json()["error"]["param"] == "at"


def test_cancelling_the_pending_change_with_an_idempotency_key_replays(
    tenant: Tenant, stripe: EmulatorServer
):
    subscription, _, _ = _yearly_subscription(tenant, stripe)
    monthly = plan_make(tenant.client, "monthly", base={"amount": 1000, "interval": "month"})
    _change(tenant, subscription, monthly)

    first = _cancel_pending(tenant, subscription, HTTP_IDEMPOTENCY_KEY="cancel-pending-1")
    again = _cancel_pending(tenant, subscription, HTTP_IDEMPOTENCY_KEY="cancel-pending-1")

    assert first.status_code == 200, first.content
    assert again.status_code == 200, again.content
    assert again.json() == first.json()
    assert (
        AuditEvent.objects.for_app(tenant.app).filter(action_type="CANCEL_PLAN_CHANGE").count() == 1
    )


def test_cancelling_at_the_period_end_drops_the_pending_change(
    tenant: Tenant, stripe: EmulatorServer
):
    subscription, yearly, _ = _yearly_subscription(tenant, stripe)
    monthly = plan_make(tenant.client, "monthly", base={"amount": 1000, "interval": "month"})
    scheduled = _change(tenant, subscription, monthly).json()

    response = tenant.client.post(
        f"/v1/subscriptions/{subscription['id']}/cancel", {"at_period_end": True}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["cancel_at_period_end"] is True
    assert response.json()["pending_change"] is None
    assert response.json()["plan"] == yearly["id"]
    schedule = stripe.state.objects[scheduled["pending_change"]["schedule"]]
    assert schedule["status"] == "released"
    audit = AuditEvent.objects.for_app(tenant.app).get(action_type="CANCEL_SUBSCRIPTION")
    assert audit.payload_snapshot["dropped_pending_change"]["plan"] == monthly["id"]


def test_cancelling_now_drops_the_pending_change(tenant: Tenant, stripe: EmulatorServer):
    subscription, _, _ = _yearly_subscription(tenant, stripe)
    monthly = plan_make(tenant.client, "monthly", base={"amount": 1000, "interval": "month"})
    _change(tenant, subscription, monthly)

    response = tenant.client.post(
        f"/v1/subscriptions/{subscription['id']}/cancel", {}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "canceled"
    assert response.json()["pending_change"] is None


def test_a_stripe_outage_while_scheduling_answers_502_and_a_retry_schedules_once(
    tenant: Tenant, stripe: EmulatorServer
):
    subscription, _, _ = _yearly_subscription(tenant, stripe)
    monthly = plan_make(tenant.client, "monthly", base={"amount": 1000, "interval": "month"})
    # The SDK retries twice; every attempt at the schedule's phases fails.
    stripe.set_faults(status=500, count=3, path_prefix="/v1/subscription_schedules/")

    failed = _change(tenant, subscription, monthly, HTTP_IDEMPOTENCY_KEY="downgrade-1")
    stripe.clear_faults()
    retried = _change(tenant, subscription, monthly, HTTP_IDEMPOTENCY_KEY="downgrade-1")

    assert failed.status_code == 502, failed.content
    assert retried.status_code == 200, retried.content
    assert retried.json()["pending_change"]["plan"] == monthly["id"]
    schedules = [
        obj for obj in stripe.state.objects.values() if obj.get("object") == "subscription_schedule"
    ]
    assert len(schedules) == 1
    assert len(schedules[0]["phases"]) == 2
    assert (
        AuditEvent.objects.for_app(tenant.app).filter(action_type="SCHEDULE_PLAN_CHANGE").count()
        == 1
    )
