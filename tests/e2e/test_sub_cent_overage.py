"""A sub-cent metered price end to end: a hybrid plan at $0.002 a call (`unit_amount_decimal`
"0.2" of a cent) over 10,000 included calls, a customer on a test clock moved through our API,
60,000 calls reported through `POST /v1/usage` and synced to the Stripe meter at the customer's
clock time; the upcoming-invoice preview before the renewal, and the renewal invoice itself,
bill exactly $100.00 of overage."""

from io import StringIO
from typing import Any

import stripe as stripe_sdk
from django.core.management import call_command

from stripe_emulator.pytest_plugin import TEST_API_KEY
from stripe_emulator.server import EmulatorServer
from tests.factories import DAY_SECONDS, Clocked, Tenant, metric_make, plan_make, settle, subscribe
from usage.models import MeterReport, MeterReportStatus

HOUR_SECONDS = 3600


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


def _line_amounts_by_price(stripe: EmulatorServer, invoice: dict) -> dict[str, int]:
    lines = stripe.state.render(invoice, ["lines"])["lines"]["data"]
    return {line["pricing"]["price_details"]["price"]: line["amount"] for line in lines}


def test_sixty_thousand_calls_at_a_fifth_of_a_cent_over_ten_thousand_invoice_100_dollars(
    tenant: Tenant, stripe: EmulatorServer
):
    metric_make(tenant.client)
    plan = plan_make(
        tenant.client,
        code="hybrid",
        base={"amount": 2000, "interval": "month"},
        metered=[
            {"metric": "api_calls", "unit_amount_decimal": "0.2", "included_quantity": 10_000}
        ],
    )
    assert plan["metered"][0]["unit_amount_decimal"] == "0.2"
    clocked = Clocked(tenant, stripe)
    customer = clocked.customer()
    subscription = subscribe(tenant.client, customer, plan).json()
    assert subscription["status"] == "active", subscription
    settle(stripe)
    clocked.advance(HOUR_SECONDS)

    for batch in range(6):
        reported = tenant.client.post(
            "/v1/usage",
            {
                "customer": customer["id"],
                "metric": "api_calls",
                "quantity": 10_000,
                "event_id": f"calls-{batch}",
            },
            format="json",
        )
        assert reported.status_code == 201, reported.content
    call_command("sync_usage", stdout=StringIO())

    reports = MeterReport.objects.for_app(tenant.app)
    assert [report.status for report in reports] == [MeterReportStatus.REPORTED]
    # Stamped at the customer's clock time, inside the period Stripe bills, not real time.
    assert reports.get().meter_timestamp.timestamp() == clocked.now()
    assert reports.get().value == 60_000

    sdk = stripe_sdk.StripeClient(TEST_API_KEY, base_addresses={"api": stripe.url})
    preview = sdk.v1.invoices.create_preview(
        params={"subscription": subscription["provider_subscription_id"]}
    )
    preview_amounts = {line.pricing.price_details.price: line.amount for line in preview.lines.data}
    assert preview_amounts[plan["metered"][0]["provider_price_id"]] == 10_000
    assert preview.amount_due == 12_000

    clocked.advance(31 * DAY_SECONDS)

    renewal = [
        invoice
        for invoice in _stripe_invoices(stripe, subscription)
        if invoice["billing_reason"] == "subscription_cycle"
    ]
    assert len(renewal) == 1
    amounts = _line_amounts_by_price(stripe, renewal[0])
    assert amounts[plan["metered"][0]["provider_price_id"]] == 10_000
    assert amounts[plan["base"]["provider_price_id"]] == 2000
    assert renewal[0]["amount_due"] == 12_000
    assert renewal[0]["status"] == "paid"
