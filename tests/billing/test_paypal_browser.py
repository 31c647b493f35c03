"""A PayPal payment approved in a real browser: Playwright drives Debian's Chromium (as
tests/admin/test_browser.py does) through the emulator's approval page, PayPal sends the
browser back to the app's return_url, and the webhook captures the order.

Playwright's sync API keeps an event loop running in this thread while the browser is open, and
Django refuses ORM calls there; so the payment is made before the browser opens and checked
after it closes."""

from typing import Any

from paypal_emulator.server import PayPalEmulatorServer
from tests.browser import BROWSER_REQUIRED, CHROMIUM, CHROMIUM_ARGUMENTS, sync_playwright
from tests.payment_providers import paypal_app_browsed

pytestmark = BROWSER_REQUIRED


def test_a_paypal_payment_approved_in_a_browser_is_captured_and_succeeds(
    settings: Any, paypal_emulator: PayPalEmulatorServer, live_server: Any
):
    shop = paypal_app_browsed(settings, paypal_emulator, live_server, "Browser shop")
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
