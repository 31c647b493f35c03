"""A PayPal subscription approved in a real browser: Playwright drives Debian's Chromium
through the emulator's subscription approval page, PayPal sends the browser back to the app's
return_url, and BILLING.SUBSCRIPTION.ACTIVATED starts the plan's trial.

As in tests/billing/test_paypal_browser.py, ORM calls happen only while the browser is closed
(Playwright's sync API runs an event loop in this thread, where Django refuses them)."""

from typing import Any

from paypal_emulator.server import PayPalEmulatorServer
from tests.browser import BROWSER_REQUIRED, CHROMIUM, CHROMIUM_ARGUMENTS, sync_playwright
from tests.payment_providers import paypal_app_browsed

pytestmark = BROWSER_REQUIRED


def test_a_paypal_subscription_approved_in_a_browser_starts_its_trial(
    settings: Any, paypal_emulator: PayPalEmulatorServer, live_server: Any
):
    shop = paypal_app_browsed(settings, paypal_emulator, live_server, "Browser club")
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
