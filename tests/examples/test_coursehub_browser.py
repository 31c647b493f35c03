"""CourseHub in Chromium: a customer signs up, buys a course through the hosted Checkout and
opens its lessons; the demo's admin refunds part, then the rest, from its own page; the customer
sees each state the service holds, and still after a month on their test clock."""

from collections.abc import Callable
from typing import Any

import httpx
from payment_service_client import PaymentService, api

from stripe_emulator.server import EmulatorServer
from tests.factories import settle

from .conftest import (
    browser_required,
    card_type,
    clock_advance,
    events_received,
    log_in,
    page_open,
    shot,
    sign_up,
)

pytestmark = browser_required


def test_a_course_is_bought_through_checkout_and_refunded_in_part_then_in_full(
    demo: Callable[..., str], browser: Any, service: PaymentService, stripe: EmulatorServer
) -> None:
    coursehub = demo("coursehub")
    page = page_open(browser)
    sign_up(page, coursehub, "ada")
    shot(page, "coursehub", "1_catalog")
    page.locator("#course-django-basics").get_by_role("button", name="Buy for $49").click()
    card_type(page, "4242 4242 4242 4242")
    shot(page, "coursehub", "2_checkout")
    page.get_by_role("button", name="Pay").click()
    page.wait_for_url(f"{coursehub}/courses/django-basics/", timeout=5000)
    paid_state = page.locator("#purchase-state").inner_text()
    page.get_by_role("link", name="Models and migrations").click()
    lesson = page.locator("#lesson").inner_text()
    shot(page, "coursehub", "3_course")

    admin = page_open(browser)
    log_in(admin, coursehub, "admin", "admin")
    admin.goto(f"{coursehub}/admin-panel/")
    admin.get_by_label("Refund $").fill("10")
    admin.get_by_role("button", name="Refund").click()
    settle(stripe)
    page.reload()
    partial_state = page.locator("#purchase-state").inner_text()
    admin.get_by_role("button", name="Refund").click()  # the rest
    admin.wait_for_load_state()
    settle(stripe)
    admin.reload()
    refunded_cell = admin.locator(".payment .refunded").inner_text()
    refund_rows = admin.locator(".refund").count()
    shot(admin, "coursehub", "4_admin_refunds")

    page.reload()
    clock_advance(page, 32)
    full_state = page.locator("#purchase-state").inner_text()
    closed = page.locator("#no-access").is_visible()
    shot(page, "coursehub", "5_refunded")

    received = events_received(admin, coursehub)
    forged = httpx.post(
        f"{coursehub}/webhooks/payment-service/",
        content=b'{"id": "aevt_forged", "type": "refund.created", "data": {}}',
        headers={"Payment-Service-Signature": "t=1700000000,v1=" + "0" * 64},
    )

    [payment] = list(service.iterate(api.v1_payments_list.sync_detailed))
    refunds = sorted(
        refund.amount
        for refund in service.iterate(api.v1_refunds_list.sync_detailed, payment=payment.id)
    )
    assert paid_state == "succeeded"
    assert "lesson 2" in lesson
    assert partial_state == "partially refunded"
    assert (payment.amount, payment.amount_refunded) == (4900, 4900)
    assert refunds == [1000, 3900]
    assert (refunded_cell, refund_rows) == ("$49.00", 2)
    assert full_state == "refunded"
    assert closed
    assert received.count("refund.created") == 2
    assert "payment.succeeded" in received
    assert forged.status_code == 400
