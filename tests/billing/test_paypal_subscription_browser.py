"""A PayPal subscription approved in a real browser: Playwright drives Debian's Chromium
through the emulator's subscription approval page, PayPal sends the browser back to the app's
return_url, and BILLING.SUBSCRIPTION.ACTIVATED starts the plan's trial.

As in tests/billing/test_paypal_browser.py, ORM calls happen only while the browser is closed
(Playwright's sync API runs an event loop in this thread, where Django refuses them)."""

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from paypal_emulator.pytest_plugin import TEST_CLIENT_ID, TEST_CLIENT_SECRET
from paypal_emulator.server import PayPalEmulatorServer

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGUMENTS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]

pytestmark = [
    pytest.mark.skipif(sync_playwright is None, reason="the playwright package is not installed"),
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason=f"{CHROMIUM} is missing (apt-get install -y chromium; .ci/run does it)",
    ),
]


def test_a_paypal_subscription_approved_in_a_browser_starts_its_trial(
    settings: Any, paypal_emulator: PayPalEmulatorServer, live_server: Any
):
    settings.PAYPAL_CLIENT_ID = TEST_CLIENT_ID
    settings.PAYPAL_CLIENT_SECRET = TEST_CLIENT_SECRET
    settings.PAYPAL_API_BASE = paypal_emulator.url
    settings.PAYPAL_WEBHOOK_ID = paypal_emulator.add_webhook(f"{live_server.url}/webhooks/paypal/")
    output = StringIO()
    call_command("create_app", "Browser club", "--provider", "paypal", "--json", stdout=output)
    shop = APIClient()
    shop.credentials(HTTP_AUTHORIZATION=f"Bearer {json.loads(output.getvalue())['api_key']}")
    plan = shop.post(
        "/v1/plans",
        {
            "code": "pro",
            "name": "Pro",
            "currency": "usd",
            "base": {"amount": 1500, "interval": "month"},
            "trial_period_days": 14,
        },
        format="json",
    ).json()
    customer = shop.post("/v1/customers", {"external_id": "u"}, format="json").json()
    return_url = f"{live_server.url}/healthz"
    subscription = shop.post(
        "/v1/subscriptions",
        {"customer": customer["id"], "plan": plan["id"], "return_url": return_url},
        format="json",
    ).json()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGUMENTS
        )
        try:
            page = browser.new_page()
            page.goto(subscription["approval_url"])
            terms = page.locator("li").all_inner_texts()
            page.get_by_role("button", name="Agree as buyer@example.com").click()
            page.wait_for_url(f"{return_url}?*")
            back = page.url
        finally:
            browser.close()
    assert paypal_emulator.wait_for_webhooks(timeout_seconds=30)

    assert subscription["status"] == "incomplete"
    assert terms == [
        "trial: free every 14 day(s), 1 time(s)",
        "regular: 15.00 USD every 1 month(s), until cancelled",
    ]
    assert back.startswith(
        f"{return_url}?subscription_id={subscription['provider_subscription_id']}&ba_token=BA-"
    )
    after = shop.get(f"/v1/subscriptions/{subscription['id']}").json()
    assert after["status"] == "trialing"
    assert after["approval_url"] is None
