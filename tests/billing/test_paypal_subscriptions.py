"""A PayPal app's subscriptions, through our API against the PayPal emulator over HTTP: its
fixed-price plans become catalog products and billing plans (a trial as the plan's TRIAL
cycle), a subscription waits for the payer's approval on PayPal's page, and PayPal's signed
webhooks (verified, deduplicated, in any order) keep it and its grace periods in sync as the
emulator's clock runs its billing cycles."""

import json
import re
from io import StringIO
from typing import Any

import pytest
import requests
from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient

from billing.models import Subscription
from grace.models import GracePeriod, GraceReason, GraceStatus
from paypal_emulator.api import canonical
from paypal_emulator.pytest_plugin import TEST_CLIENT_ID, TEST_CLIENT_SECRET
from paypal_emulator.server import PayPalEmulatorServer
from tenants.models import ApiKey, App
from tests.factories import Tenant

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


def _approve(approval_url: str, payer: str = "buyer") -> str:
    """The payer's browser on PayPal's page: picks a sandbox payer and agrees."""
    page = requests.get(approval_url, timeout=10)
    assert page.status_code == 200, page.text
    action = re.search(r'<form method="post" action="([^"]+)">', page.text)
    token = re.search(r'name="ba_token" value="([^"]+)"', page.text)
    assert action and token and f'value="{payer}"' in page.text
    base = approval_url.split("/webapps")[0]
    answer = requests.post(
        base + action.group(1),
        data={"ba_token": token.group(1), "payer": payer},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 303
    return str(answer.headers["Location"])


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


def test_a_trial_subscription_activates_on_approval_and_a_failed_cycle_opens_grace_that_a_later_payment_resolves(
    shop: Tenant, paypal: PayPalEmulatorServer, paypal_webhooks: str
):
    plan = _plan(shop)
    created = _subscribe(shop, plan)
    pending = created.json()
    assert created.status_code == 201, created.content
    assert pending["status"] == "incomplete"
    assert pending["approval_url"].startswith(f"{paypal.url}/webapps/billing/subscriptions?")
    assert pending["provider_subscription_id"].startswith("I-")

    back = _approve(pending["approval_url"], payer="declined")
    _settle(paypal)
    trialing = shop.client.get(f"/v1/subscriptions/{pending['id']}").json()
    assert back.startswith(f"{RETURN_URL}?subscription_id={pending['provider_subscription_id']}")
    assert trialing["status"] == "trialing", trialing
    assert trialing["approval_url"] is None
    assert trialing["trial_end"] == trialing["current_period_end"]

    paypal.advance_clock(days=14)
    _settle(paypal)
    past_due = shop.client.get(f"/v1/subscriptions/{pending['id']}").json()
    opened = _grace_periods(shop, pending["id"])
    assert past_due["status"] == "past_due"
    assert [g.status for g in opened] == [GraceStatus.ACTIVE]

    paypal.subscription_payer_set(pending["provider_subscription_id"], "buyer")
    paypal.advance_clock(days=31)
    _settle(paypal)
    active = shop.client.get(f"/v1/subscriptions/{pending['id']}").json()
    resolved = _grace_periods(shop, pending["id"])
    assert active["status"] == "active"
    assert [g.status for g in resolved] == [GraceStatus.RESOLVED]
    assert resolved[0].source_reference == opened[0].source_reference


def test_the_same_events_held_back_then_delivered_backwards_and_twice_end_the_same(
    settings: Any, shop: Tenant, paypal: PayPalEmulatorServer
):
    # A listener PayPal sends none of these events to: they are delivered by hand below.
    webhook_id = paypal.add_webhook("https://elsewhere.example/hook", ["CHECKOUT.ORDER.COMPLETED"])
    settings.PAYPAL_WEBHOOK_ID = webhook_id
    plan = _plan(shop)
    pending = _subscribe(shop, plan).json()
    _approve(pending["approval_url"], payer="declined")
    paypal.advance_clock(days=14)
    paypal.subscription_payer_set(pending["provider_subscription_id"], "buyer")
    paypal.advance_clock(days=31)
    events = [
        event
        for event in paypal.events()
        if event["event_type"].startswith(("BILLING.SUBSCRIPTION.", "PAYMENT.SALE."))
    ]
    assert {"BILLING.SUBSCRIPTION.PAYMENT.FAILED", "PAYMENT.SALE.COMPLETED"} <= {
        event["event_type"] for event in events
    }

    client = Client()
    answers = []
    for event in [*reversed(events), *events]:
        body = canonical(event)
        headers = {
            f"HTTP_{name.upper().replace('-', '_')}": value
            for name, value in paypal.api.signed_headers(webhook_id, body, paypal.url).items()
        }
        response = client.post(
            "/webhooks/paypal/", data=body, content_type="application/json", **headers
        )
        answers.append((response.status_code, response.content.decode()))
    forged = client.post(
        "/webhooks/paypal/",
        data=canonical({**events[0], "id": "WH-FORGED"}),
        content_type="application/json",
        **{
            f"HTTP_{name.upper().replace('-', '_')}": value
            for name, value in paypal.api.signed_headers(
                webhook_id, canonical(events[0]), paypal.url
            ).items()
        },
    )

    subscription = shop.client.get(f"/v1/subscriptions/{pending['id']}").json()
    grace = _grace_periods(shop, pending["id"])
    assert [status for status, _ in answers] == [200] * len(answers)
    assert [text for _, text in answers[len(events) :]] == ["Already processed."] * len(events)
    assert forged.status_code == 400
    assert subscription["status"] == "active"
    assert [g.status for g in grace] == [GraceStatus.RESOLVED]


def test_cancel_ends_the_paypal_subscription_at_once(
    shop: Tenant, paypal: PayPalEmulatorServer, paypal_webhooks: str
):
    plan = _plan(shop)
    pending = _subscribe(shop, plan).json()
    _approve(pending["approval_url"])
    _settle(paypal)

    at_period_end = shop.client.post(
        f"/v1/subscriptions/{pending['id']}/cancel", {"at_period_end": True}, format="json"
    )
    canceled = shop.client.post(f"/v1/subscriptions/{pending['id']}/cancel", {}, format="json")
    _settle(paypal)

    assert at_period_end.status_code == 400
    assert at_period_end.json()["error"]["param"] == "at_period_end"
    assert canceled.status_code == 200, canceled.content
    assert canceled.json()["status"] == "canceled"
    assert paypal.api.subscriptions[pending["provider_subscription_id"]]["status"] == "CANCELLED"
    assert shop.client.get(f"/v1/subscriptions/{pending['id']}").json()["status"] == "canceled"


def test_change_plan_revises_and_moves_once_the_payer_approves(
    shop: Tenant, paypal: PayPalEmulatorServer, paypal_webhooks: str
):
    pro = _plan(shop)
    team = _plan(shop, code="team", amount=5000, trial=0)
    pending = _subscribe(shop, pro).json()
    _approve(pending["approval_url"])
    _settle(paypal)

    changed = shop.client.post(
        f"/v1/subscriptions/{pending['id']}/change-plan",
        {"plan": team["id"], "at": "now"},
        format="json",
    )
    waiting = changed.json()
    _approve(waiting["approval_url"])
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


def test_an_outage_leaves_the_subscription_pending_and_its_retry_makes_one_at_paypal(
    shop: Tenant, paypal: PayPalEmulatorServer
):
    plan = _plan(shop)
    customer = shop.client.post("/v1/customers", {"external_id": "o"}, format="json").json()
    body = {"customer": customer["id"], "plan": plan["id"], "return_url": RETURN_URL}
    paypal.set_faults(status=503, count=3, path_prefix="/v1/billing/subscriptions")

    failed = shop.client.post(
        "/v1/subscriptions", body, format="json", HTTP_IDEMPOTENCY_KEY="sub-once"
    )
    pending = Subscription.objects.for_app(shop.app).get()
    paypal.set_faults(status=500, count=1, path_prefix="/v1/billing/subscriptions")
    retried = shop.client.post(
        "/v1/subscriptions", body, format="json", HTTP_IDEMPOTENCY_KEY="sub-once"
    )

    creates = [
        r
        for r in paypal.requests()
        if (r["method"], r["path"]) == ("POST", "/v1/billing/subscriptions")
    ]
    assert failed.status_code == 502, failed.content
    assert pending.sync_state == "pending"
    assert retried.status_code == 201, retried.content
    assert retried.json()["id"] == pending.pk
    assert retried.json()["approval_url"]
    assert len(paypal.api.subscriptions) == 1
    assert len(creates) == 5
    assert len({r["paypal_request_id"] for r in creates}) == 1
    assert (
        next(iter(paypal.api.subscriptions.values()))["custom_id"] == f"{shop.app.pk}:{pending.pk}"
    )


def test_three_failed_cycles_in_a_row_suspend_it_as_unpaid_with_one_grace_period(
    shop: Tenant, paypal: PayPalEmulatorServer, paypal_webhooks: str
):
    pending = _subscribe(shop, _plan(shop)).json()
    _approve(pending["approval_url"], payer="declined")
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
