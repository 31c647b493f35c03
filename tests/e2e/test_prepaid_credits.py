"""Prepaid credits end to end: a hybrid plan at $0.002 a call over 10,000 included calls, a
customer on a test clock moved through our API, credit grants made through
`POST /v1/customers/{id}/credit-grants` (held at Stripe, the emulator, as billing credit
grants), usage reported and synced to the meter, and the renewal invoice consuming the grants
at finalization before the card is charged, each use and expiry reaching us through Stripe's
webhooks and the clock."""

from io import StringIO
from typing import Any

from django.core.management import call_command
from djstripe.models import WebhookEndpoint

from audit.models import AuditEvent
from stripe_emulator.server import EmulatorServer
from tests.factories import DAY_SECONDS, Clocked, Tenant, metric_make, plan_make, settle, subscribe

HOUR_SECONDS = 3600


def _hybrid(tenant: Tenant) -> dict[str, Any]:
    metric_make(tenant.client)
    return plan_make(
        tenant.client,
        code="hybrid",
        base={"amount": 2000, "interval": "month"},
        metered=[
            {"metric": "api_calls", "unit_amount_decimal": "0.2", "included_quantity": 10_000}
        ],
    )


def _grant(tenant: Tenant, customer: dict, **body: Any) -> dict[str, Any]:
    response = tenant.client.post(
        f"/v1/customers/{customer['id']}/credit-grants", body, format="json"
    )
    assert response.status_code == 201, response.content
    return response.json()


def _use(tenant: Tenant, customer: dict, calls: int) -> None:
    response = tenant.client.post(
        "/v1/usage",
        {"customer": customer["id"], "metric": "api_calls", "quantity": calls, "event_id": "c-1"},
        format="json",
    )
    assert response.status_code == 201, response.content
    call_command("sync_usage", stdout=StringIO())


def _renewal(tenant: Tenant, customer: dict) -> dict[str, Any]:
    invoices = tenant.client.get("/v1/invoices", {"customer": customer["id"]}).json()["data"]
    (renewal,) = [item for item in invoices if item["billing_reason"] == "subscription_cycle"]
    return renewal


def _grant_now(tenant: Tenant, customer: dict, grant: dict) -> dict[str, Any]:
    response = tenant.client.get(f"/v1/customers/{customer['id']}/credit-grants/{grant['id']}")
    assert response.status_code == 200, response.content
    return response.json()


def _iso(epoch_seconds: int) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(epoch_seconds, tz=UTC).isoformat().replace("+00:00", "Z")


def test_a_thousand_units_of_credit_consume_the_first_thousand_units_of_overage(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint
):
    plan = _hybrid(tenant)
    clocked = Clocked(tenant, stripe)
    customer = clocked.customer()
    assert subscribe(tenant.client, customer, plan).json()["status"] == "active"
    settle(stripe)
    clocked.advance(HOUR_SECONDS)

    grant = _grant(tenant, customer, units=1000, metric="api_calls")
    _use(tenant, customer, 13_000)  # 3,000 over the 10,000 included: $6.00 of overage
    clocked.advance(31 * DAY_SECONDS)

    renewal = _renewal(tenant, customer)
    metered = next(line for line in renewal["lines"] if line["kind"] == "metered")
    assert (metered["quantity"], metered["amount"]) == (13_000, 600)
    # The first 1,000 units of overage at $0.002: exactly $2.00, off the overage only.
    assert renewal["credits_applied"] == 200
    assert renewal["credit_grants_applied"] == [
        {"credit_grant": grant["id"], "amount": 200, "units": 1000}
    ]
    assert renewal["subtotal"] == 2600
    assert (renewal["total"], renewal["amount_due"], renewal["amount_paid"]) == (2400, 2400, 2400)
    assert [attempt["amount"] for attempt in renewal["payment_attempts"]] == [2400]
    used = _grant_now(tenant, customer, grant)
    assert (used["kind"], used["units"], used["amount"]) == ("units", 1000, 200)
    assert (used["units_used"], used["units_available"], used["available"]) == (1000, 0, 0)
    assert [(item["kind"], item["invoice"]) for item in used["transactions"]] == [
        ("used", renewal["id"])
    ]


def test_grants_are_consumed_by_priority_an_expired_one_is_not_and_each_move_is_audited(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint
):
    plan = _hybrid(tenant)
    clocked = Clocked(tenant, stripe)
    customer = clocked.customer()
    subscribe(tenant.client, customer, plan)
    settle(stripe)
    clocked.advance(HOUR_SECONDS)

    expiring = _grant(
        tenant,
        customer,
        amount=300,
        currency="usd",
        priority=0,
        expires_at=_iso(clocked.now() + DAY_SECONDS),
    )
    units = _grant(tenant, customer, units=1000, metric="api_calls", priority=10)
    money = _grant(tenant, customer, amount=500, currency="usd", priority=20, name="Goodwill")
    balance_before = tenant.client.get(f"/v1/customers/{customer['id']}/credit-balance").json()
    _use(tenant, customer, 13_000)
    clocked.advance(31 * DAY_SECONDS)
    settle(stripe)

    renewal = _renewal(tenant, customer)
    # $6.00 of overage: the units grant (priority 10) first, $2.00, then $4.00 of the money
    # grant (priority 20); the base price is charged in full, metered prices only take credits.
    assert [
        (item["credit_grant"], item["amount"]) for item in renewal["credit_grants_applied"]
    ] == [
        (units["id"], 200),
        (money["id"], 400),
    ]
    assert (renewal["credits_applied"], renewal["amount_due"]) == (600, 2000)
    assert [attempt["amount"] for attempt in renewal["payment_attempts"]] == [2000]
    expired = _grant_now(tenant, customer, expiring)
    assert (expired["status"], expired["used"], expired["lapsed"]) == ("expired", 0, 300)
    assert [item["kind"] for item in expired["transactions"]] == ["expired"]
    assert balance_before["money"] == [{"currency": "usd", "available": 1000}]
    assert balance_before["units"] == [{"metric": "api_calls", "available": 1000}]
    balance = tenant.client.get(f"/v1/customers/{customer['id']}/credit-balance").json()
    assert balance["object"] == "credit_balance"
    assert balance["money"] == [{"currency": "usd", "available": 100}]
    assert balance["units"] == [{"metric": "api_calls", "available": 0}]
    assert {item["id"] for item in balance["grants"]} == {units["id"], money["id"]}
    audited = AuditEvent.objects.for_app(tenant.app).filter(target_type="credit_grant")
    assert sorted(audited.values_list("action_type", "target_id")) == sorted(
        [
            ("CREATE_CREDIT_GRANT", expiring["id"]),
            ("CREATE_CREDIT_GRANT", units["id"]),
            ("CREATE_CREDIT_GRANT", money["id"]),
            ("EXPIRE_CREDIT_GRANT", expiring["id"]),
            ("USE_CREDIT_GRANT", units["id"]),
            ("USE_CREDIT_GRANT", money["id"]),
        ]
    )
    use = audited.get(action_type="USE_CREDIT_GRANT", target_id=units["id"])
    assert (use.payload_snapshot["amount"], use.payload_snapshot["units"]) == (200, 1000)
    assert use.payload_snapshot["invoice"] == renewal["id"]
