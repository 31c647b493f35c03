"""An end customer in a real browser (Playwright driving Debian's Chromium, as the admin test
does): subscribes through the hosted Checkout with a trial, is charged at the trial's end (the
test clock moved through our API), opens the paid invoice's hosted page, then switches plan and
cancels in the billing portal; a second customer pays a one-time Checkout with the card that
asks for authentication. What the app then reads through our API says exactly that.

Playwright's sync API keeps an event loop running in this thread while the browser is open, and
Django refuses ORM calls there; so every call to our API is made with the browser closed, and
each browser step opens its own. Screenshots go to test-output/."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from djstripe.models import WebhookEndpoint

from audit.models import AuditEvent
from stripe_emulator.server import EmulatorServer
from tests.factories import DAY_SECONDS, Clocked, Tenant, plan_make, settle

try:
    from playwright.sync_api import Page, sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGUMENTS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]
OUTPUT_DIRECTORY = Path(settings.BASE_DIR) / "test-output"

pytestmark = [
    pytest.mark.skipif(sync_playwright is None, reason="the playwright package is not installed"),
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason=f"{CHROMIUM} is missing (apt-get install -y chromium; .ci/run does it)",
    ),
]


@contextmanager
def _page() -> Iterator["Page"]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGUMENTS
        )
        try:
            page = browser.new_page(viewport={"width": 1024, "height": 800})
            page.set_default_timeout(20_000)
            yield page
        finally:
            browser.close()


def _shot(page: "Page", name: str) -> None:
    OUTPUT_DIRECTORY.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT_DIRECTORY / f"customer_{name}.png"), full_page=True)


def _type_card(page: "Page", number: str) -> None:
    page.get_by_label("Card number").fill(number)
    page.get_by_label("Expiry (MM / YY)").fill("12 / 34")
    page.get_by_label("CVC").fill("123")


def _get(tenant: Tenant, path: str) -> Any:
    response = tenant.client.get(path)
    assert response.status_code == 200, response.content
    return response.json()


def _post(tenant: Tenant, path: str, body: dict[str, Any]) -> Any:
    response = tenant.client.post(path, body, format="json")
    assert response.status_code in (200, 201), response.content
    return response.json()


def test_a_customer_subscribes_through_checkout_pays_at_trial_end_and_switches_and_cancels_in_the_portal(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint, live_server: Any
) -> None:
    starter = plan_make(
        tenant.client,
        "starter",
        base={"amount": 2000, "interval": "month"},
        trial_period_days=14,
    )
    pro = plan_make(tenant.client, "pro", base={"amount": 5000, "interval": "month"})
    clocked = Clocked(tenant, stripe)
    customer = _post(
        tenant,
        "/v1/customers",
        {"external_id": "ada", "email": "ada@example.com", "test_clock": clocked.clock["id"]},
    )
    back_to_app = f"{live_server.url}/healthz"
    session = _post(
        tenant,
        "/v1/checkout-sessions",
        {
            "mode": "subscription",
            "customer": customer["id"],
            "plan": starter["id"],
            "success_url": back_to_app + "?checkout={CHECKOUT_SESSION_ID}",
            "cancel_url": back_to_app,
        },
    )

    with _page() as page:
        page.goto(session["url"])
        _type_card(page, "4242 4242 4242 4242")
        _shot(page, "1_checkout")
        page.get_by_role("button", name="Subscribe").click()
        page.wait_for_url(f"{back_to_app}?checkout=*")
        landed = page.url
    settle(stripe)
    [subscription] = _get(tenant, f"/v1/subscriptions?customer={customer['id']}")["data"]
    trialing = subscription["status"]

    clocked.advance(15 * DAY_SECONDS)
    paid = [
        invoice
        for invoice in _get(tenant, f"/v1/invoices?customer={customer['id']}")["data"]
        if invoice["status"] == "paid" and invoice["amount_paid"] > 0
    ]
    active = _get(tenant, f"/v1/subscriptions/{subscription['id']}")["status"]

    with _page() as page:
        page.goto(paid[0]["hosted_invoice_url"])
        invoice_page = page.content()
        _shot(page, "2_hosted_invoice")
    portal = _post(
        tenant, f"/v1/customers/{customer['id']}/portal-sessions", {"return_url": back_to_app}
    )
    with _page() as page:
        page.goto(portal["url"])
        _shot(page, "3_portal")
        page.get_by_role("button", name="Update plan").click()
        page.get_by_role("button", name="Cancel plan").click()
        _shot(page, "4_portal_switched_and_cancelled")
        page.locator("#return").click()
        page.wait_for_url(f"{back_to_app}*")
    settle(stripe)
    after = _get(tenant, f"/v1/subscriptions/{subscription['id']}")
    audited = list(
        AuditEvent.objects.for_app(tenant.app)
        .filter(target_id=subscription["id"], actor_id="stripe")
        .values_list("payload_snapshot", flat=True)
    )

    assert landed == f"{back_to_app}?checkout={session['provider_session_id']}"
    assert trialing == "trialing"
    assert _get(tenant, f"/v1/checkout-sessions/{session['id']}")["status"] == "complete"
    assert len(_get(tenant, f"/v1/subscriptions?customer={customer['id']}")["data"]) == 1
    assert [invoice["amount_paid"] for invoice in paid] == [2000]
    assert active == "active"
    assert paid[0]["number"] in invoice_page
    assert after["plan"] == pro["id"]
    assert after["cancel_at_period_end"] is True
    assert after["status"] == "active"
    assert any(
        (snapshot.get("subscription") or snapshot).get("plan") == pro["id"] for snapshot in audited
    )
    assert any(
        (snapshot.get("subscription") or snapshot).get("cancel_at_period_end") is True
        for snapshot in audited
    )


def test_a_one_time_checkout_with_the_authentication_card_is_paid_after_the_challenge(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint, live_server: Any
) -> None:
    back_to_app = f"{live_server.url}/healthz"
    session = _post(
        tenant,
        "/v1/checkout-sessions",
        {
            "mode": "payment",
            "external_id": "grace",
            "email": "grace@example.com",
            "amount": 4900,
            "currency": "usd",
            "description": "Annual report",
            "success_url": back_to_app + "?paid=1",
            "cancel_url": back_to_app,
        },
    )

    with _page() as page:
        page.goto(session["url"])
        _type_card(page, "4000 0025 0000 3155")
        page.get_by_role("button", name="Pay").click()
        _shot(page, "5_checkout_authentication")
        page.get_by_role("button", name="Complete authentication").click()
        page.wait_for_url(f"{back_to_app}?paid=1")
    settle(stripe)
    completed = _get(tenant, f"/v1/checkout-sessions/{session['id']}")
    payments = _get(tenant, f"/v1/payments?customer={completed['customer']}")["data"]

    assert completed["status"] == "complete"
    assert [(payment["amount"], payment["status"]) for payment in payments] == [(4900, "succeeded")]
