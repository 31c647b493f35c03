"""Hybrid billing end to end: the base price plus only the overage past the included quantity,
on the invoice Stripe (the emulator) builds from what our usage sync reported."""

from datetime import UTC, datetime
from io import StringIO

import time_machine
from django.core.management import call_command

from stripe_emulator.server import EmulatorServer
from tests.factories import Tenant, customer_make, metric_make, plan_make, subscribe
from usage.models import MeterReport, MeterReportStatus

DAY_SECONDS = 86_400


def _invoices(stripe: EmulatorServer, subscription_reference: str) -> list[dict]:
    return [
        obj
        for obj in stripe.state.objects.values()
        if obj.get("object") == "invoice"
        and (obj.get("parent") or {}).get("subscription_details", {}).get("subscription")
        == subscription_reference
    ]


def _line_amounts_by_price(stripe: EmulatorServer, invoice: dict) -> dict[str, int]:
    lines = stripe.state.render(invoice, ["lines"])["lines"]["data"]
    return {line["pricing"]["price_details"]["price"]: line["amount"] for line in lines}


def test_a_hybrid_invoice_bills_the_base_and_only_the_overage(
    tenant: Tenant, stripe: EmulatorServer
):
    metric_make(tenant.client)
    plan = plan_make(
        tenant.client,
        code="hybrid",
        metered=[{"metric": "api_calls", "unit_amount": 2, "included_quantity": 1000}],
    )
    customer = customer_make(tenant.client)
    subscription = subscribe(tenant.client, customer, plan).json()
    assert subscription["status"] == "active"
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

    stripe.advance(31 * DAY_SECONDS)

    renewal = [
        invoice
        for invoice in _invoices(stripe, subscription["provider_subscription_id"])
        if invoice["billing_reason"] == "subscription_cycle"
    ]
    assert len(renewal) == 1
    amounts = _line_amounts_by_price(stripe, renewal[0])
    assert amounts[plan["base"]["provider_price_id"]] == 2000
    assert amounts[plan["metered"][0]["provider_price_id"]] == 500 * 2
    assert renewal[0]["amount_due"] == 2000 + 1000
    assert renewal[0]["status"] == "paid"


def test_usage_in_a_periods_first_minute_waits_for_the_next_sync_instead_of_failing(
    tenant: Tenant, stripe: EmulatorServer
):
    metric_make(tenant.client)
    plan = plan_make(
        tenant.client,
        code="metered",
        base=None,
        metered=[{"metric": "api_calls", "unit_amount": 1}],
    )
    customer = customer_make(tenant.client)
    subscribe(tenant.client, customer, plan)
    started = datetime.fromtimestamp(stripe.now(), tz=UTC)
    with time_machine.travel(started, tick=False):
        tenant.client.post(
            "/v1/usage",
            {"customer": customer["id"], "metric": "api_calls", "quantity": 7, "event_id": "early"},
            format="json",
        )
        call_command("sync_usage", stdout=StringIO())
    deferred = list(MeterReport.objects.for_app(tenant.app).values_list("status", flat=True))

    stripe.advance(120)
    with time_machine.travel(datetime.fromtimestamp(stripe.now(), tz=UTC), tick=False):
        call_command("sync_usage", stdout=StringIO())

    assert deferred == []
    reports = list(MeterReport.objects.for_app(tenant.app))
    assert [(report.value, report.status) for report in reports] == [
        (7, MeterReportStatus.REPORTED)
    ]
    assert [r for r in stripe.requests() if r["path"] == "/v1/billing/meter_events"] != []
