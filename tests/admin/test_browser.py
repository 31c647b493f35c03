"""A real browser through the operator dashboard: Playwright drives Debian's Chromium (installed
by .ci/run with apt, never downloaded by Playwright) against the live server.

Playwright's sync API keeps an event loop running in this thread while the browser is open, and
Django refuses ORM calls there; so the state is made before the browser opens and checked in the
database after it closes."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission, User

from audit.models import AuditEvent
from backoffice.services import app_create
from billing.models import SubscriptionStatus
from billing.services import customer_create
from catalog.metrics import metric_create
from grace.models import GracePeriod, GraceReason, GraceStatus
from grace.services import grace_period_open
from tenants.actors import Actor, ActorType
from tests.factories import plan_record, subscription_record

try:
    from playwright.sync_api import Browser, Page, expect, sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None

CHROMIUM = Path("/usr/bin/chromium")
OUTPUT_DIRECTORY = Path(settings.BASE_DIR) / "test-output"
CHROMIUM_ARGUMENTS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
USERNAME = "operator"
PASSWORD = "correct horse battery staple 9"
NOTE = "Paid by bank transfer, see ticket 4711."

pytestmark = [
    pytest.mark.skipif(
        sync_playwright is None,
        reason="the playwright package is not installed (pip install -r requirements.lock)",
    ),
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason=f"{CHROMIUM} is missing (apt-get install -y chromium; .ci/run does it)",
    ),
]


@contextmanager
def _chromium() -> Iterator["Browser"]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGUMENTS
        )
        try:
            yield browser
        finally:
            browser.close()


def _operator() -> User:
    user = User.objects.create_user(USERNAME, password=PASSWORD, is_staff=True)
    for app_label, codename in (
        ("tenants", "view_app"),
        ("grace", "view_graceperiod"),
        ("grace", "change_graceperiod"),
    ):
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user


def _log_in(page: "Page", base_url: str, next_path: str) -> None:
    page.goto(f"{base_url}/admin/login/?next={next_path}")
    page.fill("#id_username", USERNAME)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")


def test_an_operator_logs_in_and_resolves_a_grace_period_from_the_app_overview(
    transactional_db: Any, live_server: Any
):
    _operator()
    setup_actor = Actor.staff("setup")
    app, _, _ = app_create(name="Acme CRM", actor=setup_actor)
    customer = customer_create(
        app=app, actor=setup_actor, external_id="user-42", email="ada@example.com"
    )
    plan = plan_record(app, "pro", amount=4900)
    subscription = subscription_record(app, customer, plan, SubscriptionStatus.PAST_DUE)
    metric_create(app=app, actor=setup_actor, code="api_calls", name="API calls", unit="call")
    grace_period, _ = grace_period_open(
        app=app,
        actor=setup_actor,
        customer=customer,
        reason=GraceReason.PAYMENT_FAILED,
        subscription=subscription,
    )
    overview_path = f"/admin/tenants/app/{app.pk}/overview/"
    OUTPUT_DIRECTORY.mkdir(exist_ok=True)
    screenshot = OUTPUT_DIRECTORY / "admin_overview.png"
    screenshot.unlink(missing_ok=True)
    with _chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(20_000)

        _log_in(page, live_server.url, overview_path)
        expect(page).to_have_url(f"{live_server.url}{overview_path}")
        expect(page.locator("h1")).to_contain_text("Acme CRM — overview")
        expect(page.locator("#customer-count")).to_have_text("1")
        expect(page.locator("#mrr")).to_have_text("USD 49.00")
        row = page.locator(f"tr.grace-period[data-id='{grace_period.pk}']")
        expect(row).to_contain_text("Payment failed")
        page.screenshot(path=str(screenshot), full_page=True)
        row.get_by_role("button", name=f"Resolve {grace_period.pk}").click()
        expect(page.locator("h1")).to_have_text("Resolve grace periods")
        page.fill("textarea[name=note]", NOTE)
        page.click("input[name=apply]")
        expect(page.locator("ul.messagelist")).to_contain_text("Resolved 1 grace period(s).")
        page.goto(f"{live_server.url}{overview_path}")
        expect(page.locator("#grace-periods")).to_contain_text("No open grace periods.")
        expect(page.locator("#open-grace-count")).to_have_text("0")
        page.screenshot(path=str(OUTPUT_DIRECTORY / "admin_overview_resolved.png"), full_page=True)
        page.close()

    resolved = GracePeriod.objects.for_app(app).get(pk=grace_period.pk)
    assert resolved.status == GraceStatus.RESOLVED
    assert resolved.resolved_by == f"staff:{USERNAME}"
    assert resolved.note == NOTE
    audit = AuditEvent.objects.for_app(app).get(
        action_type="RESOLVE_GRACE_PERIOD", target_id=grace_period.pk
    )
    assert audit.actor_type == ActorType.STAFF
    assert audit.actor_id == f"staff:{USERNAME}"
    assert audit.payload_snapshot["note"] == NOTE
    assert screenshot.stat().st_size > 10_000


LIST_PAGES = (
    "/admin/",
    "/admin/tenants/app/",
    "/admin/tenants/apikey/",
    "/admin/billing/customer/",
    "/admin/billing/subscription/",
    "/admin/billing/payment/",
    "/admin/billing/refund/",
    "/admin/billing/invoice/",
    "/admin/catalog/plan/",
    "/admin/grace/graceperiod/",
    "/admin/audit/auditevent/",
    "/admin/notifications/webhookendpoint/",
    "/admin/notifications/appevent/",
    "/admin/notifications/webhookdelivery/",
    "/admin/tenants/app/portfolio/",
)


# A chart's shapes are clipped to its <svg> box (which is measured), so they are left out.
OVERFLOW_SCRIPT = """() => Math.max(
  document.documentElement.scrollWidth,
  ...Array.from(document.querySelectorAll("#content *:not(svg *)")).map(
    (box) => box.getBoundingClientRect().left + box.scrollWidth
  )
)"""


def test_every_list_page_fits_a_1280_pixel_screen(transactional_db: Any, live_server: Any):
    User.objects.create_superuser(USERNAME, password=PASSWORD)
    setup_actor = Actor.staff("setup")
    app, _, _ = app_create(name="Acme Customer Relationship Management", actor=setup_actor)
    customer = customer_create(
        app=app,
        actor=setup_actor,
        external_id="user-with-a-rather-long-external-identifier-42",
        email="ada.lovelace@analytical-engines.example.com",
        name="Augusta Ada King, Countess of Lovelace",
    )
    plan = plan_record(app, "professional-yearly", amount=49_900, interval="year")
    subscription = subscription_record(app, customer, plan, SubscriptionStatus.PAST_DUE)
    grace_period_open(
        app=app,
        actor=setup_actor,
        customer=customer,
        reason=GraceReason.PAYMENT_FAILED,
        subscription=subscription,
    )
    OUTPUT_DIRECTORY.mkdir(exist_ok=True)
    overflowing = {}
    with _chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.set_default_timeout(20_000)
        _log_in(page, live_server.url, "/admin/")
        expect(page.locator("#site-name")).to_be_visible()
        for path in (*LIST_PAGES, f"/admin/tenants/app/{app.pk}/overview/"):
            page.goto(f"{live_server.url}{path}")
            # The page itself, and any box that scrolls sideways inside it (the admin wraps
            # its result tables in one): what does not fit is hidden past the right edge.
            width = page.evaluate(OVERFLOW_SCRIPT)
            if width > 1280:
                overflowing[path] = width
            name = path.strip("/").replace("/", "_") or "index"
            page.screenshot(path=str(OUTPUT_DIRECTORY / f"admin_1280_{name}.png"))
        page.close()

    assert overflowing == {}
