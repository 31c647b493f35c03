"""What a PayPal app cannot do answers 400 `provider_capability_unsupported`, naming the
capability, before anything is written or sent to PayPal."""

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from audit.models import AuditEvent
from billing.models import Coupon, Customer, Payment
from billing.models import TestClock as Clock
from catalog.models import Metric, Plan
from paypal_emulator.pytest_plugin import TEST_CLIENT_ID, TEST_CLIENT_SECRET
from paypal_emulator.server import PayPalEmulatorServer
from tenants.models import App


@pytest.fixture
def shop(db: Any, settings: Any, paypal_emulator: PayPalEmulatorServer) -> APIClient:
    settings.PAYPAL_CLIENT_ID = TEST_CLIENT_ID
    settings.PAYPAL_CLIENT_SECRET = TEST_CLIENT_SECRET
    settings.PAYPAL_API_BASE = paypal_emulator.url
    output = StringIO()
    call_command("create_app", "PayPal shop", "--provider", "paypal", "--json", stdout=output)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {json.loads(output.getvalue())['api_key']}")
    return client


def _refused(response: Any, capability: str, param: str | None) -> None:
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert (error["code"], error["param"]) == ("provider_capability_unsupported", param)
    assert capability in error["message"] and "paypal" in error["message"]


def _writes(app: App) -> tuple[int, ...]:
    return (
        Plan.objects.for_app(app).count(),
        Metric.objects.for_app(app).count(),
        Clock.objects.for_app(app).count(),
        Payment.objects.for_app(app).count(),
        AuditEvent.objects.for_app(app).count(),
    )


def test_a_metered_plan_on_a_paypal_app_is_refused_and_nothing_is_written(
    shop: APIClient, paypal_emulator: PayPalEmulatorServer
):
    app = App.objects.get(name="PayPal shop")
    before = _writes(app)

    plan = shop.post(
        "/v1/plans",
        {
            "code": "usage",
            "name": "Usage",
            "currency": "usd",
            "metered": [{"metric": "api_calls", "unit_amount": 2}],
        },
        format="json",
    )
    metric = shop.post(
        "/v1/metrics",
        {"code": "api_calls", "name": "API calls", "aggregation": "sum"},
        format="json",
    )

    _refused(plan, "metered_usage", "metered")
    _refused(metric, "metered_usage", None)
    assert _writes(app) == before
    assert paypal_emulator.requests() == []


def test_a_test_clock_checkout_and_a_saved_payment_method_are_refused_on_paypal(
    shop: APIClient, paypal_emulator: PayPalEmulatorServer
):
    app = App.objects.get(name="PayPal shop")
    before = _writes(app)

    clock = shop.post("/v1/test-clocks", {"frozen_time": "2030-01-01T00:00:00Z"}, format="json")
    card = shop.post(
        "/v1/customers", {"external_id": "u", "payment_method": "pm_card_visa"}, format="json"
    )

    checkout = shop.post(
        "/v1/checkout-sessions",
        {
            "mode": "payment",
            "external_id": "u",
            "amount": 500,
            "currency": "usd",
            "success_url": "https://app.example/ok",
        },
        format="json",
    )

    _refused(checkout, "checkout", None)
    _refused(clock, "test_clocks", None)
    _refused(card, "payment_method", "payment_method")
    assert _writes(app) == before
    assert Customer.objects.for_app(app).count() == 0


def test_a_coupon_and_a_promotion_code_are_refused_on_paypal_before_anything_is_written(
    shop: APIClient, paypal_emulator: PayPalEmulatorServer
):
    app = App.objects.get(name="PayPal shop")
    before = _writes(app)

    coupon = shop.post("/v1/coupons", {"percent_off": "10", "duration": "once"}, format="json")
    code = shop.post("/v1/promotion-codes", {"coupon": "cpn_any", "code": "X"}, format="json")

    _refused(coupon, "coupons", None)
    _refused(code, "coupons", None)
    assert _writes(app) == before
    assert Coupon.objects.for_app(app).count() == 0
    assert paypal_emulator.requests() == []


def test_a_paypal_payment_for_a_customer_with_no_saved_payer_needs_a_return_url(
    shop: APIClient, paypal_emulator: PayPalEmulatorServer
):
    app = App.objects.get(name="PayPal shop")
    customer = shop.post("/v1/customers", {"external_id": "u"}, format="json").json()
    before = _writes(app)

    no_redirect = shop.post(
        "/v1/payments",
        {"customer": customer["id"], "amount": 100, "currency": "usd"},
        format="json",
    )
    off_session = shop.post(
        "/v1/payments",
        {"customer": customer["id"], "amount": 100, "currency": "usd", "off_session": True},
        format="json",
    )

    # Nothing to charge without the payer: they approve a first payment (return_url), which
    # saves them for the next ones (tests/billing/test_paypal_saved_payers.py).
    for refused in (no_redirect, off_session):
        assert refused.status_code == 400, refused.content
        error = refused.json()["error"]
        assert (error["code"], error["param"]) == ("payment_method_required", "payment_method")
    assert _writes(app) == before
    assert [r for r in paypal_emulator.requests() if r["path"].startswith("/v2/")] == []
