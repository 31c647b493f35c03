"""The admin made for operators: the index puts the billing objects first and the provider's
mirror tables in one collapsed section; each app's page links to its records; a customer's page
tells its whole story."""

import re

from django.contrib.admin.utils import quote
from django.test import Client

from billing.invoices import invoice_sync_from_provider
from billing.models import Customer
from billing.providers.stripe import stripe_client
from tests.factories import (
    Tenant,
    customer_make,
    event,
    metric_make,
    payment_failed_open,
    subscription_make,
)


def _index_sections(html: str) -> list[str]:
    """The app sections of the index's main list, in the order shown."""
    main = html.split('id="provider-mirrors"')[0]
    return re.findall(r'<div class="app-([a-z_]+) module', main)


def test_the_index_lists_the_billing_objects_first_and_the_mirrors_last_collapsed(
    db, admin_client: Client
):
    html = admin_client.get("/admin/").content.decode()
    sections = _index_sections(html)

    # usage has no admin pages of its own: its figures are on the overviews and customer pages.
    ours = ["tenants", "billing", "catalog", "grace", "notifications", "audit"]
    assert sections[: len(ours)] == ours
    assert "djstripe" not in sections
    mirrors = html.split('<details class="module" id="provider-mirrors">')[1].split("</details>")[0]
    assert 'class="app-djstripe"' in mirrors
    assert "/admin/djstripe/customer/" in mirrors
    assert len(re.findall(r'<tr class="model-', mirrors)) > 30


def test_the_mirrors_own_page_still_lists_them(db, admin_client: Client):
    response = admin_client.get("/admin/djstripe/")

    assert response.status_code == 200
    assert "/admin/djstripe/customer/" in response.content.decode()


def test_an_app_page_links_to_each_of_its_records_filtered_to_it(
    tenant: Tenant, other_tenant: Tenant, admin_client: Client
):
    ours = customer_make(tenant.client, external_id="ours")
    theirs = customer_make(other_tenant.client, external_id="theirs")
    page = admin_client.get(f"/admin/tenants/app/{quote(tenant.app.pk)}/change/").content.decode()

    links = dict(
        (label, url.replace("&amp;", "&"))
        for url, label in re.findall(
            r'<a href="(/admin/[^"]+\?app__id__exact=[^"]+)">([^<]+)</a>', page
        )
    )
    assert set(links) == {
        "Customers",
        "Subscriptions",
        "Invoices",
        "Payments",
        "Plans",
        "Grace periods",
        "Audit events",
        "Webhook deliveries",
    }
    for url in links.values():
        assert admin_client.get(url).status_code == 200, url
    customers = admin_client.get(links["Customers"]).content.decode()
    assert ours["id"] in customers
    assert theirs["id"] not in customers


def test_a_customer_page_tells_the_customer_s_whole_story(
    tenant: Tenant, other_tenant: Tenant, admin_client: Client
):
    metric_make(tenant.client, "api_calls")
    customer = customer_make(tenant.client, external_id="ada")
    subscription = subscription_make(tenant.client, customer, quotas={"api_calls": 5})
    payment = tenant.client.post(
        "/v1/payments",
        {"customer": customer["id"], "amount": 1500, "currency": "usd"},
        format="json",
    ).json()
    assert (
        tenant.client.post(
            "/v1/usage", event("e-1", customer="ada", quantity=3), format="json"
        ).status_code
        == 201
    )
    model = Customer.objects.for_app(tenant.app).get(pk=customer["id"])
    [stripe_invoice] = (
        stripe_client()
        .v1.invoices.list({"subscription": subscription.provider_subscription_id})
        .data
    )
    # Mirrored as its invoice.* webhook would mirror it.
    invoice = invoice_sync_from_provider(
        invoice_object={"id": stripe_invoice.id, "customer": stripe_invoice.customer}
    )
    payment_grace, _ = payment_failed_open(tenant.app, subscription)
    other_customer = customer_make(other_tenant.client, external_id="ada")
    other_payment = other_tenant.client.post(
        "/v1/payments",
        {"customer": other_customer["id"], "amount": 700, "currency": "usd"},
        format="json",
    ).json()

    page = admin_client.get(
        f"/admin/billing/customer/{quote(customer['id'])}/change/"
    ).content.decode()

    def section(name: str) -> str:
        return page.split(f'id="story-{name}"')[1].split('<div class="module"')[0]

    assert subscription.pk in section("subscriptions")
    assert invoice is not None and (invoice.number or invoice.pk) in section("invoices")
    assert payment["id"] in section("payments")
    assert "1500 USD" in section("payments")
    assert other_payment["id"] not in page
    usage = section("usage")
    assert "api_calls" in usage
    assert re.search(r"<td>api_calls</td><td>3</td>", usage)
    assert payment_grace.pk in section("grace-periods")
    audit = section("audit")
    assert "CREATE_CUSTOMER" in audit
    assert "CREATE_SUBSCRIPTION" in audit
    assert "OPEN_GRACE_PERIOD" in audit
    assert model.pk in audit
