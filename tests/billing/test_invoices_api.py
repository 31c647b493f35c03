"""Invoices through the public API: mirrored from Stripe's webhooks (each re-read at Stripe, so
duplicates and late deliveries change nothing), listed and filtered, with their lines and
payment attempts, scoped to the app."""

from datetime import UTC, datetime
from io import StringIO
from typing import Any

import time_machine
from django.core.management import call_command
from djstripe.models import WebhookEndpoint

from audit.models import AuditEvent
from notifications.models import AppEvent
from stripe_emulator.server import EmulatorServer
from tests.factories import (
    DAY_SECONDS,
    Tenant,
    customer_make,
    deliver,
    metric_make,
    plan_make,
    settle,
    subscribe,
)


def _subscribed(tenant: Tenant, stripe: EmulatorServer, **plan: Any) -> dict[str, Any]:
    plan_created = plan_make(tenant.client, trial_period_days=0, **plan)
    customer = customer_make(tenant.client)
    subscription = subscribe(tenant.client, customer, plan_created).json()
    settle(stripe)
    return subscription


def _invoices(tenant: Tenant, **query: str) -> list[dict[str, Any]]:
    response = tenant.client.get("/v1/invoices", query)
    assert response.status_code == 200, response.content
    return response.json()["data"]


def test_a_subscriptions_first_invoice_is_mirrored_paid_with_its_line_and_attempt(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint
):
    subscription = _subscribed(tenant, stripe)

    [invoice] = _invoices(tenant, customer=subscription["customer"])

    assert invoice["id"].startswith("inv_")
    assert invoice["object"] == "invoice"
    assert invoice["subscription"] == subscription["id"]
    assert invoice["status"] == "paid"
    assert invoice["billing_reason"] == "subscription_create"
    assert invoice["number"]
    assert (invoice["amount_due"], invoice["amount_paid"], invoice["amount_remaining"]) == (
        2000,
        2000,
        0,
    )
    assert invoice["currency"] == "usd"
    assert invoice["period_start"] and invoice["period_end"]
    [line] = invoice["lines"]
    assert (line["kind"], line["amount"], line["quantity"]) == ("base", 2000, 1)
    [attempt] = invoice["payment_attempts"]
    assert attempt["status"] == "succeeded"
    assert attempt["amount"] == 2000
    assert attempt["decline_code"] == ""
    assert invoice["hosted_invoice_url"] == (
        f"{stripe.url}/pages/invoice/{invoice['provider_invoice_id']}"
    )
    assert invoice["invoice_pdf"] == invoice["hosted_invoice_url"] + "/pdf"
    assert tenant.client.get(f"/v1/invoices/{invoice['id']}").json() == invoice


def test_invoices_filter_by_customer_subscription_and_status(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint
):
    subscription = _subscribed(tenant, stripe)

    by_subscription = _invoices(tenant, subscription=subscription["id"])
    paid = _invoices(tenant, status="paid")
    open_ones = _invoices(tenant, status="open")
    someone_else = _invoices(tenant, customer="cus_nobody")
    bad_status = tenant.client.get("/v1/invoices", {"status": "settled"})

    assert len(by_subscription) == 1
    assert [invoice["id"] for invoice in paid] == [by_subscription[0]["id"]]
    assert open_ones == []
    assert someone_else == []
    assert bad_status.status_code == 400
    assert bad_status.json()["error"]["param"] == "status"


def test_a_late_or_repeated_invoice_event_leaves_the_paid_invoice_as_it_is(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint
):
    subscription = _subscribed(tenant, stripe)
    [invoice] = _invoices(tenant, subscription=subscription["id"])
    audited = AuditEvent.objects.for_app(tenant.app).filter(
        action_type="SYNC_INVOICE", target_id=invoice["id"]
    )
    audits_before = audited.count()
    [created] = [
        event
        for event in stripe.events("invoice.created")
        if event["data"]["object"]["id"] == invoice["provider_invoice_id"]
    ]
    [paid] = [
        event
        for event in stripe.events("invoice.paid")
        if event["data"]["object"]["id"] == invoice["provider_invoice_id"]
    ]

    # The draft's creation arrives again, under a new event id (a replay), after the payment.
    late = {**created, "id": created["id"] + "late"}
    again = {**paid, "id": paid["id"] + "again"}
    assert deliver(stripe_webhooks, late).status_code == 200
    assert deliver(stripe_webhooks, again).status_code == 200

    after = tenant.client.get(f"/v1/invoices/{invoice['id']}").json()
    assert after["status"] == "paid"
    assert after == invoice
    assert audited.count() == audits_before
    assert (
        AppEvent.objects.for_app(tenant.app)
        .filter(event_type="invoice.paid", data__id=invoice["id"])
        .count()
        == 1
    )


def test_paying_a_paid_invoice_answers_409(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint
):
    subscription = _subscribed(tenant, stripe)
    [invoice] = _invoices(tenant, subscription=subscription["id"])

    response = tenant.client.post(f"/v1/invoices/{invoice['id']}/pay", {}, format="json")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "invoice_already_paid"


def test_pay_refuses_a_payment_method_that_is_not_a_string(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint
):
    subscription = _subscribed(tenant, stripe)
    [invoice] = _invoices(tenant, subscription=subscription["id"])

    response = tenant.client.post(
        f"/v1/invoices/{invoice['id']}/pay", {"payment_method": 42}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["param"] == "payment_method"


def test_another_apps_customer_has_no_upcoming_invoice_here(tenant: Tenant, other_tenant: Tenant):
    theirs = customer_make(other_tenant.client)

    response = tenant.client.get(f"/v1/customers/{theirs['id']}/upcoming-invoice")

    assert response.status_code == 404


def test_the_upcoming_invoice_previews_the_next_renewal_with_this_periods_usage(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint
):
    metric_make(tenant.client)
    subscription = _subscribed(
        tenant,
        stripe,
        metered=[{"metric": "api_calls", "unit_amount": 2, "included_quantity": 100}],
    )
    invoices_before = _invoices(tenant)

    response = tenant.client.get(f"/v1/customers/{subscription['customer']}/upcoming-invoice")

    assert response.status_code == 200, response.content
    preview = response.json()
    assert preview["object"] == "upcoming_invoice"
    assert preview["subscription"] == subscription["id"]
    assert preview["currency"] == "usd"
    assert preview["period_end"] == subscription["current_period_end"]
    kinds = {line["kind"]: line for line in preview["lines"]}
    assert kinds["base"]["amount"] == 2000
    assert kinds["metered"]["included_quantity"] == 100
    assert kinds["metered"]["quantity"] == 0
    assert preview["amount_due"] == 2000
    assert _invoices(tenant) == invoices_before


def test_a_customer_without_a_subscription_has_an_empty_upcoming_invoice(tenant: Tenant):
    customer = customer_make(tenant.client)

    preview = tenant.client.get(f"/v1/customers/{customer['id']}/upcoming-invoice").json()

    assert preview["subscription"] is None
    assert preview["lines"] == []
    assert preview["amount_due"] == 0


def test_a_hybrid_renewal_shows_its_metered_line_with_the_included_quantity_and_the_preview_the_usage(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint
):
    metric_make(tenant.client)
    plan = plan_make(
        tenant.client,
        code="hybrid",
        trial_period_days=0,
        metered=[{"metric": "api_calls", "unit_amount": 2, "included_quantity": 1000}],
    )
    customer = customer_make(tenant.client)
    subscription = subscribe(tenant.client, customer, plan).json()
    settle(stripe)
    stripe.advance(3600)
    an_hour_in = datetime.fromtimestamp(stripe.now(), tz=UTC)
    with time_machine.travel(an_hour_in, tick=False):
        reported = tenant.client.post(
            "/v1/usage",
            {
                "customer": customer["id"],
                "metric": "api_calls",
                "quantity": 1500,
                "event_id": "e1",
                "timestamp": an_hour_in.isoformat(),
            },
            format="json",
        )
        call_command("sync_usage", stdout=StringIO())
    assert reported.status_code == 201, reported.content
    stripe.advance(120)

    preview = tenant.client.get(f"/v1/customers/{customer['id']}/upcoming-invoice").json()
    stripe.advance(31 * DAY_SECONDS)
    settle(stripe)

    [previewed_usage] = [line for line in preview["lines"] if line["kind"] == "metered"]
    assert (previewed_usage["quantity"], previewed_usage["amount"]) == (1500, 1000)
    assert preview["amount_due"] == 3000
    renewal = _invoices(tenant, subscription=subscription["id"], status="paid")[0]  # newest
    assert renewal["billing_reason"] == "subscription_cycle"
    lines = {line["kind"]: line for line in renewal["lines"]}
    assert lines["base"]["amount"] == 2000
    assert (
        lines["metered"]["quantity"],
        lines["metered"]["included_quantity"],
        lines["metered"]["amount"],
    ) == (1500, 1000, 1000)
    assert lines["metered"]["provider_price_id"] == plan["metered"][0]["provider_price_id"]
    assert renewal["amount_paid"] == 3000
