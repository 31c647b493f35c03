"""A PayPal payment approved in a real browser: Playwright drives Debian's Chromium (as
tests/admin/test_browser.py does) through the emulator's approval page, PayPal sends the
browser back to the app's return_url, and the webhook captures the order.

Playwright's sync API keeps an event loop running in this thread while the browser is open, and
Django refuses ORM calls there; so the payment is made before the browser opens and checked
after it closes."""

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


def test_a_paypal_payment_approved_in_a_browser_is_captured_and_succeeds(
    settings: Any, paypal_emulator: PayPalEmulatorServer, live_server: Any
):
    settings.PAYPAL_CLIENT_ID = TEST_CLIENT_ID
    settings.PAYPAL_CLIENT_SECRET = TEST_CLIENT_SECRET
    settings.PAYPAL_API_BASE = paypal_emulator.url
    settings.PAYPAL_WEBHOOK_ID = paypal_emulator.add_webhook(f"{live_server.url}/webhooks/paypal/")
    output = StringIO()
    call_command("create_app", "Browser shop", "--provider", "paypal", "--json", stdout=output)
    shop = APIClient()
    shop.credentials(HTTP_AUTHORIZATION=f"Bearer {json.loads(output.getvalue())['api_key']}")
    customer = shop.post("/v1/customers", {"external_id": "u"}, format="json").json()
    return_url = f"{live_server.url}/healthz"
    payment = shop.post(
        "/v1/payments",
        {"customer": customer["id"], "amount": 4200, "currency": "usd", "return_url": return_url},
        format="json",
    ).json()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGUMENTS
        )
        try:
            page = browser.new_page()
            page.goto(payment["redirect_url"])
            amount = page.locator("strong").inner_text()
            page.get_by_role("button", name="Pay as buyer@example.com").click()
            page.wait_for_url(f"{return_url}?*")
            back = page.url
        finally:
            browser.close()
    assert paypal_emulator.wait_for_webhooks(timeout_seconds=30)

    assert payment["status"] == "requires_action"
    assert amount == "42.00 USD"
    assert back.startswith(f"{return_url}?token={payment['provider_payment_id']}&PayerID=")
    after = shop.get(f"/v1/payments/{payment['id']}").json()
    assert after["status"] == "succeeded"
