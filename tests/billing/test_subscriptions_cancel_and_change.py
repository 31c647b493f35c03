"""Cancelling a subscription and changing its plan, through the API and as Stripe sees it; time
moves on the customer's test clock, through our API."""

from datetime import datetime
from typing import Any

from audit.models import AuditEvent
from notifications.models import AppEvent
from stripe_emulator.server import EmulatorServer
from tests.factories import (
    DAY_SECONDS,
    Clocked,
    Tenant,
    customer_make,
    metric_make,
    plan_make,
    stripe_items,
    subscribe,
)


def _active_subscription(tenant: Tenant, **plan_fields: Any) -> dict[str, Any]:
    plan = plan_make(tenant.client, **plan_fields)
    customer = customer_make(tenant.client)
    subscription = subscribe(tenant.client, customer, plan).json()
    assert subscription["status"] == "active"
    return subscription


def _clocked_subscription(tenant: Tenant, stripe: EmulatorServer) -> tuple[dict[str, Any], Clocked]:
    """An active subscription whose customer lives on a test clock, moved through our API."""
    clocked = Clocked(tenant, stripe)
    plan = plan_make(tenant.client)
    subscription = subscribe(tenant.client, clocked.customer(), plan).json()
    assert subscription["status"] == "active"
    return subscription, clocked


def _invoices(stripe: EmulatorServer, subscription: dict[str, Any]) -> list[dict[str, Any]]:
    """Stripe's invoices of the subscription, oldest first."""
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


def _lines(stripe: EmulatorServer, invoice: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        obj
        for obj in stripe.state.objects.values()
        if obj.get("object") == "line_item" and obj["invoice"] == invoice["id"]
    ]


def _proration_lines(stripe: EmulatorServer, invoice: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        line
        for line in _lines(stripe, invoice)
        if (line["parent"]["invoice_item_details"] or {}).get("proration")
    ]


def _change(tenant: Tenant, subscription: dict[str, Any], plan: dict[str, Any], **fields: Any):
    return tenant.client.post(
        f"/v1/subscriptions/{subscription['id']}/change-plan",
        {"plan": plan["id"], **fields},
        format="json",
    )


def test_cancel_at_period_end_keeps_it_active_until_then(tenant: Tenant, stripe: EmulatorServer):
    subscription = _active_subscription(tenant)

    response = tenant.client.post(
        f"/v1/subscriptions/{subscription['id']}/cancel", {"at_period_end": True}, format="json"
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "active"
    assert body["cancel_at_period_end"] is True
    at_stripe = stripe.state.objects[subscription["provider_subscription_id"]]
    assert at_stripe["cancel_at_period_end"] is True
    assert at_stripe["status"] == "active"
    assert (
        AppEvent.objects.for_app(tenant.app)
        .filter(event_type="subscription.updated", data__cancel_at_period_end=True)
        .exists()
    )


def test_cancelling_a_canceled_subscription_answers_409(tenant: Tenant):
    subscription = _active_subscription(tenant)
    tenant.client.post(f"/v1/subscriptions/{subscription['id']}/cancel", {}, format="json")

    again = tenant.client.post(f"/v1/subscriptions/{subscription['id']}/cancel", {}, format="json")

    assert again.status_code == 409
    assert again.json()["error"]["code"] == "subscription_canceled"


def test_cancel_with_a_non_boolean_at_period_end_answers_400(tenant: Tenant):
    subscription = _active_subscription(tenant)

    response = tenant.client.post(
        f"/v1/subscriptions/{subscription['id']}/cancel", {"at_period_end": "yes"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["param"] == "at_period_end"


def test_change_plan_with_always_invoice_bills_the_proration_now(
    tenant: Tenant, stripe: EmulatorServer
):
    subscription, clocked = _clocked_subscription(tenant, stripe)
    premium = plan_make(tenant.client, "premium", base={"amount": 5000, "interval": "month"})
    clocked.advance(10 * DAY_SECONDS)

    response = _change(tenant, subscription, premium, proration="always_invoice")

    assert response.status_code == 200, response.content
    changed = response.json()
    assert changed["plan"] == premium["id"]
    assert changed["plan_version"] == 1
    invoice = _invoices(stripe, subscription)[-1]
    assert invoice["billing_reason"] == "subscription_update"
    assert invoice["status"] == "paid"
    prorations = _proration_lines(stripe, invoice)
    assert sorted(line["amount"] > 0 for line in prorations) == [False, True]
    assert any(line["description"].startswith("Unused time") for line in prorations)
    assert any(line["description"].startswith("Remaining time") for line in prorations)
    assert 0 < invoice["amount_due"] < 5000 - 2000
    items = stripe_items(stripe, subscription["provider_subscription_id"])
    assert [item["price"] for item in items] == [premium["base"]["provider_price_id"]]


def test_change_plan_with_create_prorations_puts_them_on_the_next_invoice(
    tenant: Tenant, stripe: EmulatorServer
):
    subscription, clocked = _clocked_subscription(tenant, stripe)
    premium = plan_make(tenant.client, "premium", base={"amount": 5000, "interval": "month"})
    clocked.advance(10 * DAY_SECONDS)
    invoices_before = len(_invoices(stripe, subscription))

    _change(tenant, subscription, premium)
    invoices_after_change = len(_invoices(stripe, subscription))
    clocked.advance(25 * DAY_SECONDS)

    renewal = _invoices(stripe, subscription)[-1]
    assert invoices_after_change == invoices_before
    assert renewal["billing_reason"] == "subscription_cycle"
    assert len(_proration_lines(stripe, renewal)) == 2


def test_change_plan_without_proration_bills_none(tenant: Tenant, stripe: EmulatorServer):
    subscription, clocked = _clocked_subscription(tenant, stripe)
    premium = plan_make(tenant.client, "premium", base={"amount": 5000, "interval": "month"})
    clocked.advance(10 * DAY_SECONDS)

    _change(tenant, subscription, premium, proration="none")
    clocked.advance(25 * DAY_SECONDS)

    renewal = _invoices(stripe, subscription)[-1]
    assert renewal["billing_reason"] == "subscription_cycle"
    assert _proration_lines(stripe, renewal) == []
    assert renewal["amount_due"] == 5000


def test_change_from_monthly_to_yearly_restarts_the_billing_period_and_bills_it_now(
    tenant: Tenant, stripe: EmulatorServer
):
    subscription, clocked = _clocked_subscription(tenant, stripe)  # 2000 a month
    yearly = plan_make(tenant.client, "yearly", base={"amount": 20000, "interval": "year"})
    clocked.advance(10 * DAY_SECONDS)
    changed_at = clocked.now()
    item = stripe_items(stripe, subscription["provider_subscription_id"])[0]
    month_start, month_end = item["current_period_start"], item["current_period_end"]

    response = _change(tenant, subscription, yearly, at="now")

    assert response.status_code == 200, response.content
    changed = response.json()
    invoice = _invoices(stripe, subscription)[-1]
    unused = -round(2000 * (month_end - changed_at) / (month_end - month_start))
    assert invoice["billing_reason"] == "subscription_update"
    assert invoice["status"] == "paid"
    assert sorted(line["amount"] for line in _lines(stripe, invoice)) == [unused, 20000]
    assert invoice["amount_paid"] == 20000 + unused
    assert changed["plan"] == yearly["id"]
    period_start = datetime.fromisoformat(changed["current_period_start"]).timestamp()
    period_end = datetime.fromisoformat(changed["current_period_end"]).timestamp()
    assert period_start == changed_at
    assert period_end - period_start in (365 * DAY_SECONDS, 366 * DAY_SECONDS)


def test_change_plan_records_the_move_and_tells_the_app(tenant: Tenant):
    subscription = _active_subscription(tenant)
    premium = plan_make(tenant.client, "premium", base={"amount": 5000, "interval": "month"})

    _change(tenant, subscription, premium, proration="none")

    audit = AuditEvent.objects.for_app(tenant.app).get(action_type="CHANGE_PLAN")
    assert audit.target_id == subscription["id"]
    assert audit.payload_snapshot["from"] == {"plan": subscription["plan"], "plan_version": 1}
    assert audit.payload_snapshot["to"] == {"plan": premium["id"], "plan_version": 1}
    assert audit.payload_snapshot["proration"] == "none"
    assert (
        AppEvent.objects.for_app(tenant.app)
        .filter(event_type="subscription.updated", data__plan=premium["id"])
        .exists()
    )


def test_change_plan_to_a_new_price_of_the_same_plan_moves_to_its_current_version(
    tenant: Tenant, stripe: EmulatorServer
):
    subscription = _active_subscription(tenant)
    plan = tenant.client.patch(
        f"/v1/plans/{subscription['plan']}",
        {"base": {"amount": 2500, "interval": "month"}},
        format="json",
    ).json()

    response = _change(tenant, subscription, plan, proration="none")

    assert response.status_code == 200, response.content
    assert response.json()["plan_version"] == 2
    items = stripe_items(stripe, subscription["provider_subscription_id"])
    assert [item["price"] for item in items] == [plan["base"]["provider_price_id"]]


def test_change_from_hybrid_to_base_only_removes_the_metered_item(
    tenant: Tenant, stripe: EmulatorServer
):
    metric_make(tenant.client, "api_calls")
    subscription = _active_subscription(tenant, metered=[{"metric": "api_calls", "unit_amount": 1}])
    basic = plan_make(tenant.client, "basic", base={"amount": 1000, "interval": "month"})

    _change(tenant, subscription, basic, proration="none", at="now")

    items = stripe_items(stripe, subscription["provider_subscription_id"])
    assert [item["price"] for item in items] == [basic["base"]["provider_price_id"]]


def test_change_to_the_same_plan_version_or_an_archived_plan_answers_400(tenant: Tenant):
    subscription = _active_subscription(tenant)
    archived = plan_make(tenant.client, "old")
    tenant.client.post(f"/v1/plans/{archived['id']}/archive")

    same = _change(tenant, subscription, {"id": subscription["plan"]})
    to_archived = _change(tenant, subscription, archived)

    assert same.status_code == 400
    assert same.json()["error"]["code"] == "plan_unchanged"
    assert to_archived.status_code == 400
    assert to_archived.json()["error"]["code"] == "plan_archived"


def test_change_plan_with_an_unknown_proration_answers_400(tenant: Tenant):
    subscription = _active_subscription(tenant)
    premium = plan_make(tenant.client, "premium")

    response = _change(tenant, subscription, premium, proration="sometimes")

    assert response.status_code == 400
    assert response.json()["error"]["param"] == "proration"
