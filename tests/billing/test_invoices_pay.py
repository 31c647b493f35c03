"""Paying an invoice now through the public API: a decline answers 402 with its decline code
and shows on the invoice, each retry is a new attempt at the provider, a new card pays it, an
outage answers 502 and the retry with the same Idempotency-Key completes it, and void invoices
cannot be paid."""

from typing import Any

from djstripe.models import WebhookEndpoint

from audit.models import AuditEvent
from billing.providers.stripe import stripe_client
from stripe_emulator.server import EmulatorServer
from tests.factories import Tenant, customer_make, plan_make, settle, subscribe


def _open_invoice(tenant: Tenant, stripe: EmulatorServer) -> dict[str, Any]:
    """A subscription whose first invoice the card on file could not pay."""
    plan = plan_make(tenant.client, trial_period_days=0)
    customer = customer_make(tenant.client, payment_method="pm_card_chargeCustomerFail")
    subscription = subscribe(tenant.client, customer, plan).json()
    settle(stripe)
    [invoice] = tenant.client.get("/v1/invoices", {"subscription": subscription["id"]}).json()[
        "data"
    ]
    assert invoice["status"] == "open"
    return invoice


def _pay(tenant: Tenant, invoice: dict[str, Any], key: str | None = None, **body: Any) -> Any:
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return tenant.client.post(f"/v1/invoices/{invoice['id']}/pay", body, format="json", **headers)


def test_a_declined_payment_answers_402_and_each_try_is_a_new_attempt_until_a_card_pays(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint
):
    invoice = _open_invoice(tenant, stripe)

    with_failing_card = _pay(tenant, invoice, payment_method="pm_card_chargeCustomerFail")
    with_default_card = _pay(tenant, invoice)
    settle(stripe)
    still_open = tenant.client.get(f"/v1/invoices/{invoice['id']}").json()
    with_working_card = _pay(tenant, invoice, payment_method="pm_card_visa")
    settle(stripe)

    assert with_failing_card.status_code == 402
    error = with_failing_card.json()["error"]
    assert (error["type"], error["code"]) == ("card_error", "card_declined")
    assert error["decline_code"] == "generic_decline"
    assert with_default_card.status_code == 402
    assert still_open["status"] == "open"
    assert [attempt["status"] for attempt in still_open["payment_attempts"]] == ["failed"] * 3
    assert {attempt["decline_code"] for attempt in still_open["payment_attempts"]} == {
        "generic_decline"
    }
    assert with_working_card.status_code == 200, with_working_card.content
    paid = with_working_card.json()
    assert paid["status"] == "paid"
    assert paid["attempt_count"] == 4
    assert paid["payment_attempts"][-1]["status"] == "succeeded"
    assert tenant.client.get(f"/v1/subscriptions/{paid['subscription']}").json()["status"] == (
        "active"
    )
    assert (
        AuditEvent.objects.for_app(tenant.app)
        .filter(action_type="PAY_INVOICE", target_id=invoice["id"])
        .count()
        == 3
    )


def test_an_outage_answers_502_and_the_retry_with_the_same_key_pays_once(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint
):
    invoice = _open_invoice(tenant, stripe)
    stripe.set_faults(
        status=500, count=10, path_prefix=f"/v1/invoices/{invoice['provider_invoice_id']}/pay"
    )

    during_outage = _pay(tenant, invoice, key="pay-1", payment_method="pm_card_visa")
    stripe.clear_faults()
    retried = _pay(tenant, invoice, key="pay-1", payment_method="pm_card_visa")
    settle(stripe)

    assert during_outage.status_code == 502
    assert during_outage.json()["error"]["type"] == "provider_error"
    assert retried.status_code == 200, retried.content
    assert retried.json()["status"] == "paid"
    charges = stripe_client().v1.charges.list({"customer": invoice_customer(stripe, invoice)})
    assert [charge.status for charge in charges.data].count("succeeded") == 1


def invoice_customer(stripe: EmulatorServer, invoice: dict[str, Any]) -> str:
    return str(stripe.state.objects[invoice["provider_invoice_id"]]["customer"])


def test_a_voided_invoice_is_mirrored_and_cannot_be_paid(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint
):
    invoice = _open_invoice(tenant, stripe)

    stripe_client().v1.invoices.void_invoice(invoice["provider_invoice_id"])
    settle(stripe)
    voided = tenant.client.get(f"/v1/invoices/{invoice['id']}").json()
    response = _pay(tenant, invoice, payment_method="pm_card_visa")

    assert voided["status"] == "void"
    assert voided["voided_at"] is not None
    assert voided["next_payment_attempt"] is None
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "invoice_not_payable"


def test_an_uncollectible_invoice_is_mirrored_and_can_still_be_paid(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint
):
    invoice = _open_invoice(tenant, stripe)

    stripe_client().v1.invoices.mark_uncollectible(invoice["provider_invoice_id"])
    settle(stripe)
    uncollectible = tenant.client.get(f"/v1/invoices/{invoice['id']}").json()
    response = _pay(tenant, invoice, payment_method="pm_card_visa")
    settle(stripe)

    assert uncollectible["status"] == "uncollectible"
    assert uncollectible["marked_uncollectible_at"] is not None
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "paid"


def test_an_invoice_paid_at_the_provider_before_its_webhook_answers_409_and_is_refreshed(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint
):
    invoice = _open_invoice(tenant, stripe)
    stripe_client().v1.webhook_endpoints.update(stripe_webhooks.id, {"disabled": True})
    stripe_client().v1.invoices.pay(
        invoice["provider_invoice_id"], {"payment_method": "pm_card_visa"}
    )

    response = _pay(tenant, invoice, payment_method="pm_card_visa")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "invoice_already_paid"
    assert tenant.client.get(f"/v1/invoices/{invoice['id']}").json()["status"] == "paid"


def test_a_plan_change_invoiced_at_once_shows_its_proration_lines(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint
):
    pro = plan_make(tenant.client, trial_period_days=0)
    team = plan_make(
        tenant.client, code="team", trial_period_days=0, base={"amount": 5000, "interval": "month"}
    )
    customer = customer_make(tenant.client)
    subscription = subscribe(tenant.client, customer, pro).json()
    settle(stripe)

    changed = tenant.client.post(
        f"/v1/subscriptions/{subscription['id']}/change-plan",
        {"plan": team["id"], "proration": "always_invoice"},
        format="json",
    )
    settle(stripe)

    assert changed.status_code == 200, changed.content
    [change, _first] = tenant.client.get(
        "/v1/invoices", {"subscription": subscription["id"]}
    ).json()["data"]
    assert change["billing_reason"] == "subscription_update"
    kinds = sorted(line["kind"] for line in change["lines"])
    assert kinds == ["proration", "proration"]
    amounts = sorted(line["amount"] for line in change["lines"])
    assert amounts[0] < 0 < amounts[1]
    assert change["total"] == sum(amounts)
