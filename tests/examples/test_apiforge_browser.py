"""APIForge in Chromium: a customer signs up, subscribes to the hybrid plan ($29 a month with
10,000 units, then a fifth of a cent a unit, hard quota 50,000) through the hosted Checkout and
calls the demo's API with the key it shows; every request checks the entitlement, the usage goes
to the service in a batch, a request past the quota is refused, the upcoming invoice shows the
$20 of overage, and after the renewal on the test clock the paid invoice holds it."""

import threading
from collections.abc import Callable
from io import StringIO
from typing import Any

import httpx
from django.core.management import call_command
from payment_service_client import PaymentService, api

from stripe_emulator.server import EmulatorServer
from tests.factories import settle

from .conftest import (
    browser_required,
    card_type,
    clock_advance,
    events_received,
    page_open,
    shot,
    sign_up,
)

pytestmark = browser_required


def _usage_sync() -> None:
    """The service's scheduled job that sends the reported usage to the provider's meters, run
    off Playwright's thread (the ORM refuses a thread with a running event loop)."""
    output = StringIO()
    worker = threading.Thread(
        target=call_command, args=("sync_usage",), kwargs={"stdout": output, "stderr": output}
    )
    worker.start()
    worker.join()
    assert "failed 0" in output.getvalue(), output.getvalue()


def test_metered_calls_are_checked_batched_refused_past_the_quota_and_billed_at_renewal(
    demo: Callable[..., str], browser: Any, service: PaymentService, stripe: EmulatorServer
) -> None:
    # The batch goes when the test asks (the dashboard's button), not on the demo's timer.
    apiforge = demo("apiforge", APIFORGE_USAGE_FLUSH_SECONDS="3600")
    page = page_open(browser)
    sign_up(page, apiforge, "linus")
    page.locator("#plan-forge-hybrid").get_by_role("button", name="Subscribe").click()
    card_type(page, "4242 4242 4242 4242")
    page.get_by_role("button", name="Subscribe").click()
    page.wait_for_url(f"{apiforge}/dashboard/**")
    page.locator("#api-key").wait_for()
    key = page.locator("#api-key").inner_text()
    subscribed = page.locator("#status").inner_text()
    shot(page, "apiforge", "1_dashboard")

    endpoint = f"{apiforge}/api/v1/forge"
    with httpx.Client(headers={"Authorization": f"Bearer {key}"}, timeout=30) as client:
        answered = [client.post(endpoint, json={"units": 5000}).status_code for _ in range(4)]
        stranger = httpx.post(endpoint, json={"units": 1}, headers={"Authorization": "Bearer x"})
        page.reload()
        pending_before = page.locator("#pending").inner_text()
        page.locator("#report").click()  # the batch, now rather than in a few seconds
        page.wait_for_load_state()
        used = page.locator("#used").inner_text()
        pending_after = page.locator("#pending").inner_text()
        over_quota = client.post(endpoint, json={"units": 40_000})
        within = client.post(endpoint, json={"units": 1})
    page.locator("#report").click()
    shot(page, "apiforge", "2_usage")

    # A day on: the usage is past the period's first whole minute, which is when a meter takes
    # it, and the service's scheduled job sends it.
    clock_advance(page, 1)
    _usage_sync()
    page.goto(f"{apiforge}/invoice/")
    metered_line = page.locator(".line-metered").inner_text()
    upcoming_total = page.locator("#total").inner_text()
    shot(page, "apiforge", "3_upcoming_invoice")

    page.goto(f"{apiforge}/dashboard/")
    clock_advance(page, 32)
    settle(stripe)
    page.goto(f"{apiforge}/dashboard/")
    invoices = page.locator(".invoice").all_inner_texts()
    used_after_renewal = page.locator("#used").inner_text()
    shot(page, "apiforge", "4_renewed")

    received = events_received(page, apiforge)

    [subscription] = list(service.iterate(api.v1_subscriptions_list.sync_detailed))
    paid = sorted(
        invoice.amount_paid
        for invoice in service.iterate(api.v1_invoices_list.sync_detailed)
        if str(invoice.status) == "paid"
    )
    assert subscribed == "active"
    assert answered == [200, 200, 200, 200]
    assert stranger.status_code == 401
    assert (pending_before, used, pending_after) == ("20000", "20000", "0")
    assert over_quota.status_code == 429
    assert over_quota.json()["error"] == "quota_exceeded"
    assert within.status_code == 200
    assert "$20.00" in metered_line  # 10,001 units over at $0.002, rounded to the cent
    assert upcoming_total == "$49.00"
    assert str(subscription.status) == "active"
    assert paid == [2900, 4900]
    assert any("paid" in row and "$49.00" in row for row in invoices)
    assert used_after_renewal == "0"
    assert received.count("invoice.paid") == 2
