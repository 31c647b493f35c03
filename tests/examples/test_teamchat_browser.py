"""TeamChat in Chromium: a customer signs up, starts Team's 14-day trial through the hosted
Checkout (with the card that is accepted then declined), chats, upgrades to Business at once and
schedules the downgrade back to Team; when their test clock passes the trial's end the renewal is
on Team, its payment fails, and every page shows the grace banner with the way to the billing
portal, which opens."""

from collections.abc import Callable
from typing import Any

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


def test_a_trial_upgrade_renewal_scheduled_downgrade_and_failed_renewal_show_the_grace_banner(
    demo: Callable[..., str], browser: Any, service: PaymentService, stripe: EmulatorServer
) -> None:
    teamchat = demo("teamchat")
    page = page_open(browser)
    sign_up(page, teamchat, "grace")
    shot(page, "teamchat", "1_pricing")
    page.locator("#plan-team-monthly").get_by_role("button", name="Start free trial").click()
    card_type(page, "4242 4242 4242 4242")
    shot(page, "teamchat", "2_checkout")
    page.get_by_role("button", name="Subscribe").click()
    page.wait_for_url(f"{teamchat}/billing/**")
    page.locator("#subscription").wait_for()
    trial = (page.locator("#current-plan").inner_text(), page.locator("#status").inner_text())

    page.goto(f"{teamchat}/chat/")
    page.get_by_label("Message").fill("Hello, team!")
    page.get_by_role("button", name="Send").click()
    said = page.locator(".chat-message").inner_text()
    features_on_team = page.locator("#features").inner_text()
    shot(page, "teamchat", "3_chat")

    page.goto(f"{teamchat}/billing/")
    page.get_by_role("button", name="Switch now to Business (monthly)").click()
    upgraded = page.locator("#current-plan").inner_text()
    clock_advance(page, 15)  # past the trial's end: Business's first payment
    settle(stripe)
    page.goto(f"{teamchat}/billing/")
    renewed = (page.locator("#current-plan").inner_text(), page.locator("#status").inner_text())
    first_invoice = page.locator(".invoice").first.inner_text()
    page.get_by_role("button", name="Downgrade at period end to Team (monthly)").click()
    pending = page.locator("#pending-change").inner_text()
    shot(page, "teamchat", "4_downgrade_scheduled")

    page.locator("#portal").click()
    page.wait_for_url(f"{stripe.url}/**")
    card_type(page, "4000 0000 0000 0341")  # the new default card: every charge is declined
    page.get_by_role("button", name="Add payment method").click()
    shot(page, "teamchat", "5_portal")
    page.locator("#return").click()
    page.wait_for_url(f"{teamchat}/billing/")
    settle(stripe)
    page.reload()
    clock_advance(page, 32)  # the renewal, on Team now, is declined
    settle(stripe)
    page.goto(f"{teamchat}/billing/")
    banner = page.locator("#banner").inner_text()
    declined = (page.locator("#current-plan").inner_text(), page.locator("#status").inner_text())
    shot(page, "teamchat", "6_grace_banner")
    page.goto(f"{teamchat}/chat/")
    banner_on_chat = page.locator("#banner").is_visible()
    page.locator("#banner").get_by_role("link", name="update your card").click()
    page.wait_for_url(f"{stripe.url}/**")

    received = events_received(page, teamchat)

    [subscription] = list(service.iterate(api.v1_subscriptions_list.sync_detailed))
    plans = {plan.id: plan.code for plan in service.iterate(api.v1_plans_list.sync_detailed)}
    [grace] = service.call(api.v1_grace_periods_list.sync_detailed).data
    paid = sorted(
        invoice.amount_paid
        for invoice in service.iterate(api.v1_invoices_list.sync_detailed)
        if str(invoice.status) == "paid"
    )
    assert trial == ("Team (monthly)", "trialing")
    assert "Hello, team!" in said
    assert "Single sign-on: no" in features_on_team
    assert upgraded == "Business (monthly)"
    assert renewed == ("Business (monthly)", "active")
    assert "paid" in first_invoice
    assert "switches to Team (monthly)" in pending
    assert declined == ("Team (monthly)", "past_due")
    assert "Your last payment failed" in banner
    assert banner_on_chat
    assert plans[subscription.plan] == "team-monthly"
    assert str(subscription.status) == "past_due"
    assert 2000 in paid
    assert (grace.subscription, str(grace.status)) == (subscription.id, "active")
    assert f"{grace.ends_at:%Y-%m-%d}" in banner
    assert {"subscription.created", "invoice.paid", "invoice.payment_failed"} <= set(received)
    assert "grace_period.opened" in received
