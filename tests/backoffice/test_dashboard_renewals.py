"""Failed renewals count as failed payments on the admin overview and the portfolio."""

from django.test import Client
from djstripe.models import WebhookEndpoint

from audit.models import AuditEvent
from backoffice.dashboard import portfolio_overview
from stripe_emulator.server import EmulatorServer
from tests.factories import DAY_SECONDS, Clocked, Tenant, plan_make, settle, subscribe


def test_a_failed_renewal_is_a_recent_failure_of_its_app(
    tenant: Tenant,
    other_tenant: Tenant,
    stripe: EmulatorServer,
    stripe_webhooks: WebhookEndpoint,
    admin_client: Client,
):
    plan = plan_make(tenant.client, trial_period_days=0)
    clocked = Clocked(tenant, stripe)
    customer = clocked.customer()
    subscribe(tenant.client, customer, plan)
    settle(stripe)
    tenant.client.patch(
        f"/v1/customers/{customer['id']}",
        {"payment_method": "pm_card_chargeCustomerFail"},
        format="json",
    )

    clocked.advance(31 * DAY_SECONDS)

    [renewal] = tenant.client.get("/v1/invoices", {"status": "open"}).json()["data"]
    overview = admin_client.get(f"/admin/tenants/app/{tenant.app.pk}/overview/").context["overview"]
    [failure] = overview.failed_payments
    assert (failure.kind, failure.object_id) == ("renewal", renewal["id"])
    assert failure.detail == (
        f"USD 20.00 — user-1 — {renewal['number']} — generic_decline — Your card was declined."
    )
    rows = {row.app.pk: row for row in portfolio_overview()}
    assert rows[tenant.app.pk].recent_failure_count == 1
    assert rows[other_tenant.app.pk].recent_failure_count == 0


def test_a_failed_renewal_is_retried_from_the_overview_and_the_retry_is_audited_as_the_operator(
    tenant: Tenant,
    stripe: EmulatorServer,
    stripe_webhooks: WebhookEndpoint,
    admin_client: Client,
):
    plan = plan_make(tenant.client, trial_period_days=0)
    clocked = Clocked(tenant, stripe)
    customer = clocked.customer()
    subscribe(tenant.client, customer, plan)
    settle(stripe)
    tenant.client.patch(
        f"/v1/customers/{customer['id']}",
        {"payment_method": "pm_card_chargeCustomerFail"},
        format="json",
    )
    clocked.advance(31 * DAY_SECONDS)
    [renewal] = tenant.client.get("/v1/invoices", {"status": "open"}).json()["data"]
    # The customer gives a card that works; the operator retries from the overview.
    tenant.client.patch(
        f"/v1/customers/{customer['id']}", {"payment_method": "pm_card_visa"}, format="json"
    )

    page = admin_client.get(f"/admin/tenants/app/{tenant.app.pk}/overview/").content.decode()
    form = page.split('aria-label="Retry now ' + renewal["id"] + '"')[0].rsplit("<form", 1)[1]
    action_url = form.split('action="')[1].split('"')[0]
    retried = admin_client.post(
        action_url,
        {
            "action": "retry_payment_selected",
            "_selected_action": renewal["id"],
            "index": "0",
            "select_across": "0",
        },
    )
    settle(stripe)

    assert retried.status_code == 302
    assert tenant.client.get(f"/v1/invoices/{renewal['id']}").json()["status"] == "paid"
    [audit] = AuditEvent.objects.for_app(tenant.app).filter(action_type="PAY_INVOICE")
    assert audit.actor_id == "staff:admin"
