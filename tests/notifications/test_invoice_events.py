"""The invoice events apps hear on their webhook endpoints: `invoice.upcoming` a week before a
renewal (Stripe's default notice), `invoice.paid` when a renewal is paid — each signed with the
app's secret, never sent to another app."""

from typing import Any

from djstripe.models import WebhookEndpoint

from stripe_emulator.server import EmulatorServer
from tests.factories import (
    DAY_SECONDS,
    Clocked,
    Tenant,
    endpoint_create,
    plan_make,
    settle,
    subscribe,
)


def _received(receiver: Any, path: str, event_type: str) -> list[dict[str, Any]]:
    return [
        delivery.json()
        for delivery in receiver.at(path)
        if delivery.json()["type"] == event_type and delivery.signature_error is None
    ]


def test_invoice_upcoming_reaches_the_app_a_week_before_the_renewal_and_invoice_paid_after_it(
    tenant: Tenant,
    other_tenant: Tenant,
    stripe: EmulatorServer,
    stripe_webhooks: WebhookEndpoint,
    receiver: Any,
):
    mine = endpoint_create(tenant.client, url=receiver.url("/acme"))
    receiver.expect_secret("/acme", mine["secret"])
    endpoint_create(other_tenant.client, url=receiver.url("/globex"))
    plan = plan_make(tenant.client, trial_period_days=0)
    clocked = Clocked(tenant, stripe)
    customer = clocked.customer()
    subscription = subscribe(tenant.client, customer, plan).json()
    settle(stripe)
    first_paid = _received(receiver, "/acme", "invoice.paid")

    # January has 31 days: the notice is due on the 25th.
    clocked.advance(23 * DAY_SECONDS)
    before_notice = _received(receiver, "/acme", "invoice.upcoming")
    clocked.advance(2 * DAY_SECONDS)
    [upcoming] = _received(receiver, "/acme", "invoice.upcoming")
    clocked.advance(7 * DAY_SECONDS)
    paid = _received(receiver, "/acme", "invoice.paid")

    assert len(first_paid) == 1
    assert first_paid[0]["data"]["billing_reason"] == "subscription_create"
    assert before_notice == []
    assert upcoming["app_id"] == tenant.app.pk
    assert upcoming["data"]["customer"] == customer["id"]
    assert upcoming["data"]["subscription"] == subscription["id"]
    assert upcoming["data"]["amount_due"] == 2000
    assert upcoming["data"]["period_end"] == subscription["current_period_end"]
    assert [line["kind"] for line in upcoming["data"]["lines"]] == ["base"]
    assert len(_received(receiver, "/acme", "invoice.upcoming")) == 1
    [renewal_paid] = [
        event for event in paid if event["data"]["billing_reason"] == "subscription_cycle"
    ]
    assert renewal_paid["data"]["subscription"] == subscription["id"]
    assert renewal_paid["data"]["amount_paid"] == 2000
    assert renewal_paid["data"]["status"] == "paid"
    assert receiver.at("/globex") == []
