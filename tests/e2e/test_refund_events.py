"""Each refund is tracked by its own Stripe events (`refund.created`, `refund.updated`,
`refund.failed`) delivered over HTTP: Stripe's charge carries no list of refunds. A refund that
fails after it was accepted (`pm_card_refundFail`) shows `failed`, the payment's
`amount_refunded` goes back down, and the app is told."""

from typing import Any

from djstripe.models import WebhookEndpoint

from audit.models import AuditEvent
from notifications.models import AppEvent
from stripe_emulator.payments import REFUND_FAILS_AFTER_SECONDS
from stripe_emulator.server import EmulatorServer
from tests.factories import Tenant, customer_make, settle


def _pay(tenant: Tenant, card: str, amount: int = 3000) -> dict[str, Any]:
    customer = customer_make(tenant.client, payment_method=card)
    response = tenant.client.post(
        "/v1/payments",
        {"customer": customer["id"], "amount": amount, "currency": "usd", "off_session": True},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "succeeded"
    return response.json()


def test_a_refund_that_fails_after_it_was_accepted_shows_failed_and_gives_the_amount_back(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint
):
    payment = _pay(tenant, "pm_card_refundFail")
    created = tenant.client.post(
        f"/v1/payments/{payment['id']}/refunds", {"amount": 1200}, format="json"
    )
    settle(stripe)
    accepted = tenant.client.get(f"/v1/payments/{payment['id']}").json()

    stripe.advance(REFUND_FAILS_AFTER_SECONDS)
    settle(stripe)

    refund = tenant.client.get(f"/v1/refunds/{created.json()['id']}").json()
    after = tenant.client.get(f"/v1/payments/{payment['id']}").json()
    assert created.status_code == 201, created.content
    assert created.json()["status"] == "succeeded"
    assert accepted["amount_refunded"] == 1200
    assert refund["status"] == "failed"
    assert refund["failure_reason"] == "expired_or_canceled_card"
    assert after["amount_refunded"] == 0
    [told] = AppEvent.objects.for_app(tenant.app).filter(event_type="refund.failed")
    assert told.data["id"] == refund["id"]
    audited = AuditEvent.objects.for_app(tenant.app).filter(
        action_type="UPDATE_REFUND_STATUS", target_id=refund["id"]
    )
    assert [event.payload_snapshot["to"] for event in audited.order_by("created_at")] == [
        "succeeded",
        "failed",
    ]
    # Refundable again, in full, now that the money came back.
    again = tenant.client.post(f"/v1/payments/{payment['id']}/refunds", {}, format="json")
    settle(stripe)
    assert again.status_code == 201, again.content
    assert again.json()["amount"] == 3000
