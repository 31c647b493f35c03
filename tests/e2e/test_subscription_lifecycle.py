"""A subscription's life through the public API, the Stripe emulator and real webhook delivery:
trial, first invoice, failed payments and grace periods, recovery, cancellation, plan changes.

Time moves as an app would move it on real Stripe: each customer lives on a test clock, and
the clock is advanced through our API (`POST /v1/test-clocks/{id}/advance`)."""

from typing import Any

from djstripe.models import WebhookEndpoint

from audit.models import AuditEvent
from grace.models import GracePeriod
from notifications.models import AppEvent
from stripe_emulator.server import EmulatorServer
from tests.factories import (
    DAY_SECONDS,
    Clocked,
    Tenant,
    plan_make,
    settle,
    subscribe,
)

HOUR_SECONDS = 3600


def _subscription(tenant: Tenant, subscription_id: str) -> dict[str, Any]:
    response = tenant.client.get(f"/v1/subscriptions/{subscription_id}")
    assert response.status_code == 200
    return response.json()


def _grace_periods(tenant: Tenant, subscription: dict[str, Any]) -> list[dict[str, Any]]:
    """The subscription's grace periods, oldest first."""
    listed = tenant.client.get(
        "/v1/grace-periods", {"customer": subscription["customer"], "limit": 100}
    ).json()["data"]
    return sorted(
        (period for period in listed if period["subscription"] == subscription["id"]),
        key=lambda period: period["created_at"],
    )


def _stripe_invoices(stripe: EmulatorServer, subscription: dict[str, Any]) -> list[dict]:
    return sorted(
        (
            obj
            for obj in stripe.state.objects.values()
            if obj.get("object") == "invoice"
            and obj["parent"]["subscription_details"]["subscription"]
            == subscription["provider_subscription_id"]
        ),
        key=lambda invoice: invoice["_sequence"],
    )


def _advance_to_next_payment_attempt(
    clocked: Clocked, stripe: EmulatorServer, invoice_id: str
) -> None:
    next_attempt = stripe.state.objects[invoice_id]["next_payment_attempt"]
    assert next_attempt is not None, "Stripe has no further attempt planned"
    clocked.advance(next_attempt - clocked.now() + HOUR_SECONDS)


def test_a_trial_subscription_becomes_active_when_its_first_invoice_is_paid(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint
):
    clocked = Clocked(tenant, stripe)
    plan = plan_make(tenant.client, trial_period_days=14)
    customer = clocked.customer()
    created = subscribe(tenant.client, customer, plan).json()
    settle(stripe)
    during_trial = _subscription(tenant, created["id"])

    clocked.advance(15 * DAY_SECONDS)
    settle(stripe)

    assert during_trial["status"] == "trialing"
    after_trial = _subscription(tenant, created["id"])
    assert after_trial["status"] == "active"
    assert after_trial["current_period_start"] == after_trial["trial_end"]
    assert after_trial["current_period_end"] > after_trial["current_period_start"]
    first_bill = _stripe_invoices(stripe, created)[-1]
    assert first_bill["billing_reason"] == "subscription_cycle"
    assert first_bill["status"] == "paid"
    assert first_bill["amount_paid"] == 2000
    synced_by_stripe = AuditEvent.objects.for_app(tenant.app).filter(
        action_type="SYNC_SUBSCRIPTION", actor_id="stripe", target_id=created["id"]
    )
    assert synced_by_stripe.exists()
    assert (
        AppEvent.objects.for_app(tenant.app)
        .filter(event_type="subscription.updated", data__status="active")
        .exists()
    )


def test_a_failing_card_opens_a_grace_period_that_expires_and_a_later_payment_resolves_the_next(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint
):
    clocked = Clocked(tenant, stripe)
    plan = plan_make(
        tenant.client,
        trial_period_days=3,
        grace_period_days=5,
        base={"amount": 900, "interval": "week"},
    )
    customer = clocked.customer(payment_method="pm_card_chargeCustomerFail")
    subscription = subscribe(tenant.client, customer, plan).json()

    # The trial ends and its first invoice fails.
    clocked.advance(3 * DAY_SECONDS + HOUR_SECONDS)
    settle(stripe)
    past_due = _subscription(tenant, subscription["id"])
    [first] = _grace_periods(tenant, subscription)
    first_invoice_status = _stripe_invoices(stripe, subscription)[-1]["status"]

    # Five days on the clock: Stripe retries the first invoice (fails again) and the grace
    # period's end passes, so the clock's advance expires it.
    clocked.advance(5 * DAY_SECONDS)
    expired = tenant.client.get(f"/v1/grace-periods/{first['id']}").json()

    # Two more days: Stripe bills the next week, which fails too and opens a new grace period.
    clocked.advance(2 * DAY_SECONDS)
    periods_after_renewal = _grace_periods(tenant, subscription)

    # The customer gives a working card; Stripe's next attempt at that week's invoice is paid.
    tenant.client.patch(
        f"/v1/customers/{customer['id']}", {"payment_method": "pm_card_visa"}, format="json"
    )
    second_invoice = _stripe_invoices(stripe, subscription)[-1]["id"]
    _advance_to_next_payment_attempt(clocked, stripe, second_invoice)
    settle(stripe)

    assert past_due["status"] == "past_due"
    assert first["status"] == "active"
    assert first["reason"] == "payment_failed"
    assert first_invoice_status == "open"
    assert expired["status"] == "expired"
    assert [period["status"] for period in periods_after_renewal] == ["expired", "active"]
    second = periods_after_renewal[1]
    assert GracePeriod.objects.for_app(tenant.app).get(pk=second["id"]).source_reference == (
        second_invoice
    )
    assert stripe.state.objects[second_invoice]["status"] == "paid"
    final_periods = {period["id"]: period for period in _grace_periods(tenant, subscription)}
    assert final_periods[second["id"]]["status"] == "resolved"
    assert final_periods[second["id"]]["resolved_by"] == "stripe"
    assert final_periods[first["id"]]["status"] == "expired"
    assert _subscription(tenant, subscription["id"])["status"] == "active"
    actors = {
        event.action_type: event.actor_id
        for event in AuditEvent.objects.for_app(tenant.app).filter(target_type="grace_period")
    }
    assert actors == {
        "OPEN_GRACE_PERIOD": "stripe",
        "EXPIRE_GRACE_PERIOD": "system",
        "RESOLVE_GRACE_PERIOD": "stripe",
    }


def test_cancel_at_period_end_ends_the_subscription_when_the_period_ends(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint
):
    clocked = Clocked(tenant, stripe)
    plan = plan_make(tenant.client)
    customer = clocked.customer()
    subscription = subscribe(tenant.client, customer, plan).json()
    tenant.client.post(
        f"/v1/subscriptions/{subscription['id']}/cancel", {"at_period_end": True}, format="json"
    )
    settle(stripe)
    before_period_end = _subscription(tenant, subscription["id"])

    clocked.advance(32 * DAY_SECONDS)
    settle(stripe)

    assert before_period_end["status"] == "active"
    assert before_period_end["cancel_at_period_end"] is True
    ended = _subscription(tenant, subscription["id"])
    assert ended["status"] == "canceled"
    assert (
        AppEvent.objects.for_app(tenant.app)
        .filter(event_type="subscription.canceled", data__id=subscription["id"])
        .exists()
    )


def test_cancel_now_is_not_undone_or_repeated_by_stripes_webhooks(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint
):
    clocked = Clocked(tenant, stripe)
    plan = plan_make(tenant.client)
    customer = clocked.customer()
    subscription = subscribe(tenant.client, customer, plan).json()

    tenant.client.post(f"/v1/subscriptions/{subscription['id']}/cancel", {}, format="json")
    settle(stripe)

    assert _subscription(tenant, subscription["id"])["status"] == "canceled"
    canceled_events = AppEvent.objects.for_app(tenant.app).filter(
        event_type="subscription.canceled"
    )
    assert canceled_events.count() == 1


def test_a_plan_change_with_prorations_is_invoiced_and_survives_the_webhooks(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint
):
    clocked = Clocked(tenant, stripe)
    plan = plan_make(tenant.client)
    premium = plan_make(tenant.client, "premium", base={"amount": 5000, "interval": "month"})
    customer = clocked.customer()
    subscription = subscribe(tenant.client, customer, plan).json()
    clocked.advance(10 * DAY_SECONDS)

    response = tenant.client.post(
        f"/v1/subscriptions/{subscription['id']}/change-plan",
        {"plan": premium["id"], "proration": "always_invoice"},
        format="json",
    )
    settle(stripe)

    assert response.status_code == 200, response.content
    invoice = _stripe_invoices(stripe, subscription)[-1]
    proration_lines = [
        obj
        for obj in stripe.state.objects.values()
        if obj.get("object") == "line_item"
        and obj["invoice"] == invoice["id"]
        and (obj["parent"]["invoice_item_details"] or {}).get("proration")
    ]
    assert len(proration_lines) == 2
    assert invoice["status"] == "paid"
    after = _subscription(tenant, subscription["id"])
    assert after["plan"] == premium["id"]
    assert after["status"] == "active"


def test_list_filters_see_the_states_webhooks_brought(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint
):
    clocked = Clocked(tenant, stripe)
    trial_plan = plan_make(tenant.client, "trial", trial_period_days=3)
    failing = clocked.customer(payment_method="pm_card_chargeCustomerFail", external_id="failing")
    paying = clocked.customer(external_id="paying")
    failing_subscription = subscribe(tenant.client, failing, trial_plan).json()
    paying_subscription = subscribe(tenant.client, paying, trial_plan).json()

    clocked.advance(4 * DAY_SECONDS)
    settle(stripe)

    past_due = tenant.client.get("/v1/subscriptions", {"status": "past_due"}).json()["data"]
    active = tenant.client.get("/v1/subscriptions", {"status": "active"}).json()["data"]
    payings = tenant.client.get("/v1/subscriptions", {"customer": paying["id"]}).json()["data"]
    assert [item["id"] for item in past_due] == [failing_subscription["id"]]
    assert [item["id"] for item in active] == [paying_subscription["id"]]
    assert [item["id"] for item in payings] == [paying_subscription["id"]]
