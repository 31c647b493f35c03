"""A PayPal app's subscriptions, through our API against the PayPal emulator over HTTP, in what
only PayPal does: its fixed-price plans become catalog products and billing plans (a trial as
the plan's TRIAL cycle), a subscription waits for the payer's approval on PayPal's page, a plan
change waits for a revision's approval, and failed cycles in a row suspend it. What both
providers guarantee (idempotent creates, outages, reordered webhooks, grace on a failed
renewal, cancel, cross-app 404) is asserted for both in test_subscription_guarantees.py."""

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from billing.models import Subscription
from grace.models import GracePeriod, GraceReason, GraceStatus
from paypal_emulator.pytest_plugin import TEST_CLIENT_ID, TEST_CLIENT_SECRET
from paypal_emulator.server import PayPalEmulatorServer
from tenants.models import ApiKey, App
from tests.factories import Tenant
from tests.payment_providers import paypal_subscription_approve

RETURN_URL = "https://app.example/subscribed"


@pytest.fixture
def paypal(settings: Any, paypal_emulator: PayPalEmulatorServer) -> PayPalEmulatorServer:
    settings.PAYPAL_CLIENT_ID = TEST_CLIENT_ID
    settings.PAYPAL_CLIENT_SECRET = TEST_CLIENT_SECRET
    settings.PAYPAL_API_BASE = paypal_emulator.url
    settings.PAYPAL_MAX_NETWORK_RETRIES = 2
    return paypal_emulator


@pytest.fixture
def paypal_webhooks(settings: Any, paypal: PayPalEmulatorServer, live_server: Any) -> str:
    """Our endpoint on a live server, registered at the emulator as our webhook listener."""
    settings.PAYPAL_WEBHOOK_ID = paypal.add_webhook(f"{live_server.url}/webhooks/paypal/")
    return str(settings.PAYPAL_WEBHOOK_ID)


@pytest.fixture
def shop(db: Any, paypal: PayPalEmulatorServer) -> Tenant:
    output = StringIO()
    call_command("create_app", "PayPal club", "--provider", "paypal", "--json", stdout=output)
    created = json.loads(output.getvalue())
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {created['api_key']}")
    app = App.objects.get(name="PayPal club")
    return Tenant(
        app=app,
        api_key=ApiKey.objects.all_tenants().get(app=app),
        raw_key=created["api_key"],
        client=client,
    )


def _settle(paypal: PayPalEmulatorServer) -> None:
    assert paypal.wait_for_webhooks(timeout_seconds=30)
    refused = [d for d in paypal.webhook_deliveries() if d["status"] != 200]
    assert refused == [], refused


def _plan(shop: Tenant, code: str = "pro", amount: int = 2000, trial: int = 14) -> dict[str, Any]:
    response = shop.client.post(
        "/v1/plans",
        {
            "code": code,
            "name": code.title(),
            "currency": "usd",
            "base": {"amount": amount, "interval": "month"},
            "trial_period_days": trial,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    return dict(response.json())


def _subscribe(shop: Tenant, plan: dict[str, Any], **extra: Any) -> Any:
    customer = shop.client.post("/v1/customers", {"external_id": "payer"}, format="json")
    assert customer.status_code == 201, customer.content
    return shop.client.post(
        "/v1/subscriptions",
        {"customer": customer.json()["id"], "plan": plan["id"], "return_url": RETURN_URL, **extra},
        format="json",
    )


def _grace_periods(shop: Tenant, subscription_id: str) -> list[GracePeriod]:
    return list(
        GracePeriod.objects.for_app(shop.app)
        .filter(subscription_id=subscription_id, reason=GraceReason.PAYMENT_FAILED)
        .order_by("created_at")
    )


def test_plan_sync_makes_a_catalog_product_and_a_billing_plan_with_its_trial_cycle(
    shop: Tenant, paypal: PayPalEmulatorServer
):
    plan = _plan(shop)

    stored = paypal.api.plans[plan["base"]["provider_price_id"]]
    product = paypal.api.products[plan["provider_product_id"]]
    output = StringIO()
    call_command("sync_plans", "--app", shop.app.pk, stdout=output)
    again = output.getvalue()

    assert [c["tenure_type"] for c in stored["billing_cycles"]] == ["TRIAL", "REGULAR"]
    assert stored["billing_cycles"][0]["frequency"] == {
        "interval_unit": "DAY",
        "interval_count": 14,
    }
    assert stored["billing_cycles"][1]["pricing_scheme"]["fixed_price"] == {
        "currency_code": "USD",
        "value": "20.00",
    }
    assert stored["product_id"] == product["id"]
    assert product["name"] == "Pro"
    assert len(paypal.api.plans) == 1 and len(paypal.api.products) == 1
    assert "drift" not in again, again
    assert "created nothing" in again, again


def test_a_metered_or_hybrid_plan_is_still_refused_on_paypal(
    shop: Tenant, paypal: PayPalEmulatorServer
):
    hybrid = shop.client.post(
        "/v1/plans",
        {
            "code": "hybrid",
            "name": "Hybrid",
            "currency": "usd",
            "base": {"amount": 1000, "interval": "month"},
            "metered": [{"metric": "api_calls", "unit_amount": 1}],
        },
        format="json",
    )

    assert hybrid.status_code == 400
    assert hybrid.json()["error"]["code"] == "provider_capability_unsupported"
    assert paypal.api.plans == {}


def test_a_subscription_without_a_return_url_is_refused_before_it_is_written(
    shop: Tenant, paypal: PayPalEmulatorServer
):
    plan = _plan(shop)
    customer = shop.client.post("/v1/customers", {"external_id": "x"}, format="json").json()

    refused = shop.client.post(
        "/v1/subscriptions", {"customer": customer["id"], "plan": plan["id"]}, format="json"
    )

    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "provider_capability_unsupported"
    assert refused.json()["error"]["param"] == "return_url"
    assert "subscriptions_without_approval" in refused.json()["error"]["message"]
    assert Subscription.objects.for_app(shop.app).count() == 0


def test_a_trial_subscription_waits_for_the_payers_approval_and_sends_them_back_to_the_app(
    shop: Tenant, paypal: PayPalEmulatorServer, paypal_webhooks: str
):
    plan = _plan(shop)
    created = _subscribe(shop, plan)
    pending = created.json()
    assert created.status_code == 201, created.content
    assert pending["status"] == "incomplete"
    assert pending["approval_url"].startswith(f"{paypal.url}/webapps/billing/subscriptions?")
    assert pending["provider_subscription_id"].startswith("I-")

    back = paypal_subscription_approve(pending["approval_url"])
    _settle(paypal)

    trialing = shop.client.get(f"/v1/subscriptions/{pending['id']}").json()
    assert back.startswith(f"{RETURN_URL}?subscription_id={pending['provider_subscription_id']}")
    assert trialing["status"] == "trialing", trialing
    assert trialing["approval_url"] is None


def test_cancel_at_period_end_is_refused_on_paypal(shop: Tenant, paypal: PayPalEmulatorServer):
    pending = _subscribe(shop, _plan(shop)).json()
    paypal_subscription_approve(pending["approval_url"])

    at_period_end = shop.client.post(
        f"/v1/subscriptions/{pending['id']}/cancel", {"at_period_end": True}, format="json"
    )

    assert at_period_end.status_code == 400
    assert at_period_end.json()["error"]["param"] == "at_period_end"
    assert paypal.api.subscriptions[pending["provider_subscription_id"]]["status"] == "ACTIVE"
    assert shop.client.get(f"/v1/subscriptions/{pending['id']}").json()["status"] != "canceled"


def test_change_plan_revises_and_moves_once_the_payer_approves(
    shop: Tenant, paypal: PayPalEmulatorServer, paypal_webhooks: str
):
    pro = _plan(shop)
    team = _plan(shop, code="team", amount=5000, trial=0)
    pending = _subscribe(shop, pro).json()
    paypal_subscription_approve(pending["approval_url"])
    _settle(paypal)

    changed = shop.client.post(
        f"/v1/subscriptions/{pending['id']}/change-plan",
        {"plan": team["id"], "at": "now"},
        format="json",
    )
    waiting = changed.json()
    paypal_subscription_approve(waiting["approval_url"])
    _settle(paypal)
    moved = shop.client.get(f"/v1/subscriptions/{pending['id']}").json()

    assert changed.status_code == 200, changed.content
    assert waiting["plan"] == pro["id"]
    assert waiting["approval_url"].startswith(f"{paypal.url}/webapps/billing/subscriptions?")
    assert moved["plan"] == team["id"]
    assert (
        paypal.api.subscriptions[pending["provider_subscription_id"]]["plan_id"]
        == team["base"]["provider_price_id"]
    )


def test_three_failed_cycles_in_a_row_suspend_it_as_unpaid_with_one_grace_period(
    shop: Tenant, paypal: PayPalEmulatorServer, paypal_webhooks: str
):
    pending = _subscribe(shop, _plan(shop)).json()
    paypal_subscription_approve(pending["approval_url"], payer="declined")
    for days in (14, 31, 31):
        paypal.advance_clock(days=days)
    _settle(paypal)

    subscription = shop.client.get(f"/v1/subscriptions/{pending['id']}").json()
    grace = _grace_periods(shop, pending["id"])
    assert len(paypal.events("BILLING.SUBSCRIPTION.PAYMENT.FAILED")) == 3
    assert paypal.api.subscriptions[pending["provider_subscription_id"]]["status"] == "SUSPENDED"
    assert subscription["status"] == "unpaid"
    assert [g.status for g in grace] == [GraceStatus.ACTIVE]


def test_a_subscription_never_approved_can_be_canceled_so_the_customer_can_subscribe_again(
    shop: Tenant, paypal: PayPalEmulatorServer
):
    plan = _plan(shop)
    pending = _subscribe(shop, plan).json()

    canceled = shop.client.post(f"/v1/subscriptions/{pending['id']}/cancel", {}, format="json")
    again = shop.client.post(
        "/v1/subscriptions",
        {"customer": pending["customer"], "plan": plan["id"], "return_url": RETURN_URL},
        format="json",
    )

    assert canceled.status_code == 200, canceled.content
    assert canceled.json()["status"] == "canceled"
    assert canceled.json()["approval_url"] is None
    assert again.status_code == 201, again.content
    assert again.json()["status"] == "incomplete"
