"""A renewal whose card fails, through the public API, the Stripe emulator on a test clock and
real webhook deliveries both ways: the failed attempt shows on the invoice with its decline
code, reaches the app as `invoice.payment_failed` with the next retry time and opens the grace
period; paying the invoice now with a new card resolves both."""

import urllib.parse
import urllib.request
from typing import Any

from djstripe.models import WebhookEndpoint

from notifications.models import AppEvent
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
from tests.notifications.conftest import (  # noqa: F401 - fixtures
    Receiver,
    private_destinations_allowed,
    receiver,
)


def _app_events(receiver: Receiver, path: str, event_type: str) -> list[dict[str, Any]]:  # noqa: F811 - the fixture's name
    return [
        delivery.json()
        for delivery in receiver.at(path)
        if delivery.json()["type"] == event_type and delivery.signature_error is None
    ]


def test_a_failed_renewal_is_on_the_invoice_reaches_the_app_and_paying_it_resolves_grace(
    tenant: Tenant,
    stripe: EmulatorServer,
    stripe_webhooks: WebhookEndpoint,
    receiver: Receiver,  # noqa: F811
):
    endpoint = endpoint_create(tenant.client, url=receiver.url("/acme"))
    receiver.expect_secret("/acme", endpoint["secret"])
    plan = plan_make(tenant.client, trial_period_days=0, grace_period_days=10)
    clocked = Clocked(tenant, stripe)
    customer = clocked.customer(payment_method="pm_card_visa")
    subscription = subscribe(tenant.client, customer, plan).json()
    settle(stripe)
    # The card on file now fails every charge; the next month's renewal is charged to it.
    changed = tenant.client.patch(
        f"/v1/customers/{customer['id']}",
        {"payment_method": "pm_card_chargeCustomerFail"},
        format="json",
    )
    assert changed.status_code == 200, changed.content

    clocked.advance(31 * DAY_SECONDS)

    [renewal] = tenant.client.get(
        "/v1/invoices", {"customer": customer["id"], "status": "open"}
    ).json()["data"]
    assert renewal["subscription"] == subscription["id"]
    assert renewal["billing_reason"] == "subscription_cycle"
    assert renewal["amount_remaining"] == 2000
    [attempt] = renewal["payment_attempts"]
    assert attempt["status"] == "failed"
    assert attempt["failure_code"] == "card_declined"
    assert attempt["decline_code"] == "generic_decline"
    assert renewal["next_payment_attempt"] is not None
    [failed_event] = _app_events(receiver, "/acme", "invoice.payment_failed")
    assert failed_event["data"]["id"] == renewal["id"]
    assert failed_event["data"]["decline_code"] == "generic_decline"
    assert failed_event["data"]["next_payment_attempt"] == renewal["next_payment_attempt"]
    [grace_period] = tenant.client.get(
        "/v1/grace-periods", {"customer": customer["id"], "status": "active"}
    ).json()["data"]
    assert grace_period["reason"] == "payment_failed"
    assert tenant.client.get(f"/v1/subscriptions/{subscription['id']}").json()["status"] == (
        "past_due"
    )

    paid = tenant.client.post(
        f"/v1/invoices/{renewal['id']}/pay",
        {"payment_method": "pm_card_visa"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="pay-renewal-1",
    )
    settle(stripe)
    replayed = tenant.client.post(
        f"/v1/invoices/{renewal['id']}/pay",
        {"payment_method": "pm_card_visa"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="pay-renewal-1",
    )

    assert paid.status_code == 200, paid.content
    body = paid.json()
    assert body["status"] == "paid"
    assert (body["amount_paid"], body["amount_remaining"]) == (2000, 0)
    assert [item["status"] for item in body["payment_attempts"]] == ["failed", "succeeded"]
    assert replayed.status_code == 200
    assert replayed.headers["Idempotent-Replayed"] == "true"
    assert replayed.json() == body
    resolved = tenant.client.get(f"/v1/grace-periods/{grace_period['id']}").json()
    assert resolved["status"] == "resolved"
    [paid_event] = [
        event
        for event in _app_events(receiver, "/acme", "invoice.paid")
        if event["data"]["id"] == renewal["id"]
    ]
    assert paid_event["data"]["amount_paid"] == 2000
    assert tenant.client.get(f"/v1/subscriptions/{subscription['id']}").json()["status"] == (
        "active"
    )
    stored = stripe.state.objects[renewal["provider_invoice_id"]]
    assert stored["status"] == "paid"
    assert stored["attempt_count"] == 2


def test_a_customer_paying_the_failed_renewal_on_the_hosted_invoice_page_resolves_grace(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint
):
    plan = plan_make(tenant.client, trial_period_days=0, grace_period_days=10)
    clocked = Clocked(tenant, stripe)
    customer = clocked.customer(payment_method="pm_card_visa")
    subscribe(tenant.client, customer, plan)
    settle(stripe)
    tenant.client.patch(
        f"/v1/customers/{customer['id']}",
        {"payment_method": "pm_card_chargeCustomerFail"},
        format="json",
    )
    clocked.advance(31 * DAY_SECONDS)
    [renewal] = tenant.client.get(
        "/v1/invoices", {"customer": customer["id"], "status": "open"}
    ).json()["data"]
    [grace_period] = tenant.client.get(
        "/v1/grace-periods", {"customer": customer["id"], "status": "active"}
    ).json()["data"]

    # The app sends the customer to the invoice's page; they pay it there with a test card.
    with urllib.request.urlopen(renewal["hosted_invoice_url"], timeout=10) as page:  # noqa: S310
        shown = page.read().decode()
    form = urllib.parse.urlencode(
        {"card_number": "4242424242424242", "card_expiry": "12/34", "card_cvc": "123"}
    ).encode()
    with urllib.request.urlopen(renewal["hosted_invoice_url"], data=form, timeout=10) as paid:  # noqa: S310
        after_payment = paid.read().decode()
    settle(stripe)

    assert renewal["number"] in shown and "$20.00" in shown
    assert "paid" in after_payment
    invoice = tenant.client.get(f"/v1/invoices/{renewal['id']}").json()
    assert invoice["status"] == "paid"
    assert [attempt["status"] for attempt in invoice["payment_attempts"]] == [
        "failed",
        "succeeded",
    ]
    resolved = tenant.client.get(f"/v1/grace-periods/{grace_period['id']}").json()
    assert resolved["status"] == "resolved"
    assert (
        AppEvent.objects.for_app(tenant.app)
        .filter(event_type="invoice.paid", data__id=renewal["id"])
        .exists()
    )
