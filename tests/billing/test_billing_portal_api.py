"""The billing portal: a session for a customer, the portal configured from the app's catalog,
and what the customer does there (plan switched, cancelled, card replaced) reaching our rows
through Stripe's webhooks, as plain HTTP submits the portal's forms."""

import re
from typing import Any

import requests
from djstripe.models import WebhookEndpoint

from audit.models import AuditEvent
from billing.models import PortalConfiguration
from stripe_emulator.server import EmulatorServer
from tests.factories import Tenant, customer_make, plan_make, settle, subscribe

RETURN_URL = "https://crm.example/account"


def _session(tenant: Tenant, customer: dict[str, Any], **body: Any) -> Any:
    return tenant.client.post(
        f"/v1/customers/{customer['id']}/portal-sessions",
        {"return_url": RETURN_URL, **body},
        format="json",
    )


def _subscribed(tenant: Tenant) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """A customer on the `basic` plan, and the app's `pro` plan to switch to."""
    basic = plan_make(tenant.client, "basic", base={"amount": 1000, "interval": "month"})
    pro = plan_make(tenant.client, "pro", base={"amount": 3000, "interval": "month"})
    customer = customer_make(tenant.client, payment_method="pm_card_visa")
    subscription = subscribe(tenant.client, customer, basic).json()
    assert subscription["status"] == "active", subscription
    return customer, subscription, pro


def _portal_form(url: str, label: str) -> str:
    """The absolute action of the portal form whose button says `label`."""
    page = requests.get(url, timeout=10)
    assert page.status_code == 200, page.text
    base = re.match(r"^(http://[^/]+)", url)
    assert base is not None
    for action, inner in re.findall(r"<form method=post action='([^']+)'>(.*?)</form>", page.text):
        if label in inner:
            return base.group(1) + action
    raise AssertionError(f"no form with {label!r} on the portal page")


def test_a_portal_session_answers_the_portal_url_which_opens(
    tenant: Tenant, stripe: EmulatorServer
):
    customer, _, _ = _subscribed(tenant)

    response = _session(tenant, customer)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["object"] == "portal_session"
    assert body["id"].startswith("bps_")
    assert body["customer"] == customer["id"]
    assert body["return_url"] == RETURN_URL
    page = requests.get(body["url"], timeout=10)
    assert page.status_code == 200
    assert "Billing portal" in page.text and "Acme CRM" in page.text
    audited = AuditEvent.objects.for_app(tenant.app).get(action_type="CREATE_PORTAL_SESSION")
    assert audited.target_id == customer["id"]
    assert "url" not in audited.payload_snapshot


def test_the_portal_is_configured_from_the_catalog_once_and_again_when_it_changes(
    tenant: Tenant, stripe: EmulatorServer
):
    customer, _, _ = _subscribed(tenant)
    prices = {plan["id"]: plan for plan in tenant.client.get("/v1/plans").json()["data"]}

    _session(tenant, customer)
    _session(tenant, customer)
    [configuration] = PortalConfiguration.objects.for_app(tenant.app)
    at_provider = stripe.state.objects[configuration.provider_configuration_id]
    offered_before = at_provider["features"]["subscription_update"]["products"]
    plan_make(tenant.client, "team", base={"amount": 9000, "interval": "month"})
    _session(tenant, customer)

    assert len(prices) == 2
    assert sum(len(product["prices"]) for product in offered_before) == 2
    configurations = [
        item
        for item in stripe.state.objects.values()
        if item.get("object") == "billing_portal.configuration"
    ]
    assert len(configurations) == 1
    offered_after = configurations[0]["features"]["subscription_update"]["products"]
    assert sum(len(product["prices"]) for product in offered_after) == 3
    assert configurations[0]["features"]["subscription_cancel"]["mode"] == "at_period_end"
    assert configurations[0]["metadata"]["app_id"] == tenant.app.pk
    assert (
        AuditEvent.objects.for_app(tenant.app)
        .filter(action_type="SYNC_PORTAL_CONFIGURATION")
        .count()
        == 2
    )


def test_a_plan_switched_in_the_portal_moves_the_subscription_to_that_plan(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint
):
    customer, subscription, pro = _subscribed(tenant)
    settle(stripe)
    url = _session(tenant, customer).json()["url"]
    pro_price = stripe_price_of(stripe, pro)

    switched = requests.post(
        _portal_form(url, "Update plan"),
        data={"price": pro_price},
        allow_redirects=False,
        timeout=10,
    )
    settle(stripe)

    assert switched.status_code == 303
    after = tenant.client.get(f"/v1/subscriptions/{subscription['id']}").json()
    assert after["plan"] == pro["id"]
    assert after["plan_version"] == 1
    synced = AuditEvent.objects.for_app(tenant.app).filter(
        action_type="SYNC_SUBSCRIPTION", target_id=subscription["id"], actor_type="stripe"
    )
    assert any(event.payload_snapshot["subscription"]["plan"] == pro["id"] for event in synced)


def test_a_cancellation_in_the_portal_shows_as_cancel_at_period_end(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint
):
    customer, subscription, _ = _subscribed(tenant)
    settle(stripe)
    url = _session(tenant, customer).json()["url"]

    requests.post(_portal_form(url, "Cancel plan"), allow_redirects=False, timeout=10)
    settle(stripe)

    after = tenant.client.get(f"/v1/subscriptions/{subscription['id']}").json()
    assert after["cancel_at_period_end"] is True
    assert after["status"] == "active"
    assert (
        AuditEvent.objects.for_app(tenant.app)
        .filter(
            action_type="SYNC_SUBSCRIPTION",
            target_id=subscription["id"],
            actor_type="stripe",
            payload_snapshot__subscription__cancel_at_period_end=True,
        )
        .exists()
    )


def test_a_card_replaced_in_the_portal_becomes_the_customers_default(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint
):
    customer, _, _ = _subscribed(tenant)
    settle(stripe)
    url = _session(tenant, customer).json()["url"]

    replaced = requests.post(
        _portal_form(url, "Add payment method"),
        data={"card_number": "5555 5555 5555 4444", "card_expiry": "12/40", "card_cvc": "123"},
        allow_redirects=False,
        timeout=10,
    )
    settle(stripe)

    assert replaced.status_code == 303
    cards = tenant.client.get(f"/v1/customers/{customer['id']}/payment-methods").json()["data"]
    [default] = [card for card in cards if card["default"]]
    assert default["last4"] == "4444"
    after = tenant.client.get(f"/v1/customers/{customer['id']}").json()
    assert after["default_payment_method"] == default["id"]
    audited = AuditEvent.objects.for_app(tenant.app).get(action_type="SET_DEFAULT_PAYMENT_METHOD")
    assert audited.actor_type == "stripe"
    assert audited.payload_snapshot["to"] == default["id"]


def test_a_return_url_that_is_not_http_or_is_missing_answers_400(tenant: Tenant):
    customer = customer_make(tenant.client)

    for body in ({"return_url": "javascript:alert(1)"}, {"return_url": "ftp://x.example"}, {}):
        response = tenant.client.post(
            f"/v1/customers/{customer['id']}/portal-sessions", body, format="json"
        )

        assert response.status_code == 400, body
        assert response.json()["error"]["param"] == "return_url"


def test_another_apps_customer_answers_404(tenant: Tenant, other_tenant: Tenant):
    theirs = customer_make(other_tenant.client)

    response = _session(tenant, theirs)

    assert response.status_code == 404
    assert response.json()["error"]["type"] == "not_found"


def stripe_price_of(stripe: EmulatorServer, plan: dict[str, Any]) -> str:
    """The provider price of the plan's base, as the catalog sync made it."""
    [price] = [
        item["id"]
        for item in stripe.state.objects.values()
        if item.get("object") == "price" and item["metadata"].get("plan_id") == plan["id"]
    ]
    return str(price)
