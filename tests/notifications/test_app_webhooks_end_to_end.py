"""End to end: a customer's payment fails at Stripe (the emulator), Stripe tells us by webhook,
we open a grace period, and the app hears of it on its own endpoint — signed with its secret —
while another app's endpoint hears nothing."""

from typing import Any

from djstripe.models import WebhookEndpoint

from notifications.signatures import verify_signature
from stripe_emulator.server import EmulatorServer
from tests.factories import (
    DAY_SECONDS,
    Clocked,
    Tenant,
    endpoint_create,
    plan_make,
    subscribe,
)

HOUR_SECONDS = 3600


def test_a_failed_payment_reaches_the_apps_endpoint_as_a_signed_grace_period_opened(
    tenant: Tenant,
    other_tenant: Tenant,
    stripe: EmulatorServer,
    stripe_webhooks: WebhookEndpoint,
    receiver: Any,
):
    mine = endpoint_create(tenant.client, url=receiver.url("/acme"))
    endpoint_create(other_tenant.client, url=receiver.url("/globex"))
    plan = plan_make(tenant.client, trial_period_days=1, base={"amount": 900, "interval": "month"})
    clocked = Clocked(tenant, stripe)
    customer = clocked.customer(payment_method="pm_card_chargeCustomerFail")
    subscription = subscribe(tenant.client, customer, plan).json()

    clocked.advance(DAY_SECONDS + HOUR_SECONDS)

    delivered = receiver.at("/acme")
    opened = [item for item in delivered if item.json()["type"] == "grace_period.opened"]
    assert len(opened) == 1
    body = opened[0].json()
    assert body["app_id"] == tenant.app.pk
    assert body["data"]["subscription"] == subscription["id"]
    assert body["data"]["reason"] == "payment_failed"
    verify_signature(
        secret=mine["secret"],
        header=opened[0].headers["Payment-Service-Signature"],
        body=opened[0].body,
    )
    assert receiver.at("/globex") == []
