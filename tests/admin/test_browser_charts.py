"""The operator's charts and the failure that matters, in a real browser (Playwright driving
Debian's Chromium at 1,280 × 800, as tests/admin/test_browser.py does): every chart's points are
the figures of its table, and a failed renewal on the app overview is retried from there and
paid. API calls are made with the browser closed (Playwright's event loop and Django's ORM do not
share a thread). Screenshots go to test-output/."""

from typing import Any

from django.contrib.auth.models import User
from djstripe.models import WebhookEndpoint

from audit.models import AuditEvent
from stripe_emulator.server import EmulatorServer
from tests.admin.test_browser import (
    OUTPUT_DIRECTORY,
    PASSWORD,
    USERNAME,
    _chromium,
    _log_in,
    pytestmark,  # noqa: F401 - the same skips when Chromium is missing
)
from tests.factories import DAY_SECONDS, Clocked, Tenant, plan_make, settle, subscribe

# Each chart's points against its table: the table's figure for every point the chart draws.
POINTS_MATCH_TABLES = """() => {
  const mismatches = [];
  let points = 0;
  for (const section of document.querySelectorAll("#mrr-over-time, .activity-chart")) {
    const rows = new Map();
    for (const row of section.querySelectorAll("tbody tr")) {
      const cells = Array.from(row.querySelectorAll("td")).map((cell) => cell.textContent.trim());
      rows.set(row.dataset.label || cells[0], row.dataset.mrr ? [row.dataset.mrr] : cells.slice(1));
    }
    const names = Array.from(section.querySelectorAll("thead th")).map((th) => th.textContent.trim());
    for (const point of section.querySelectorAll(".chart-point")) {
      points += 1;
      const row = rows.get(point.dataset.label);
      const column = section.id === "mrr-over-time" ? 0 : names.indexOf(point.dataset.series) - 1;
      if (!row || row[column] !== point.dataset.value) {
        mismatches.push(`${section.id} ${point.dataset.series} ${point.dataset.label}`);
      }
    }
  }
  return {points, mismatches};
}"""


def test_every_chart_draws_its_table_and_a_failed_renewal_is_retried_from_the_overview(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint, live_server: Any
) -> None:
    User.objects.create_superuser(USERNAME, password=PASSWORD)
    plan = plan_make(tenant.client, trial_period_days=0)
    clocked = Clocked(tenant, stripe)
    customer = clocked.customer()
    subscribe(tenant.client, customer, plan)
    settle(stripe)
    tenant.client.patch(
        f"/v1/customers/{customer['id']}",
        {"payment_method": "pm_card_chargeCustomerFail"},
        format="json",
    )
    clocked.advance(31 * DAY_SECONDS)
    [renewal] = tenant.client.get("/v1/invoices", {"status": "open"}).json()["data"]
    tenant.client.patch(
        f"/v1/customers/{customer['id']}", {"payment_method": "pm_card_visa"}, format="json"
    )
    overview = f"/admin/tenants/app/{tenant.app.pk}/overview/"
    OUTPUT_DIRECTORY.mkdir(exist_ok=True)

    checked = {}
    with _chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.set_default_timeout(20_000)
        _log_in(page, live_server.url, overview)
        for name, path in (
            ("overview_12m", overview),
            ("overview_30d", f"{overview}?period=30d"),
            ("portfolio_12m", "/admin/tenants/app/portfolio/"),
            ("portfolio_30d", "/admin/tenants/app/portfolio/?period=30d"),
        ):
            page.goto(f"{live_server.url}{path}")
            for details in page.locator("details").all():
                details.evaluate("(element) => { element.open = true; }")
            checked[path] = page.evaluate(POINTS_MATCH_TABLES)
            page.screenshot(path=str(OUTPUT_DIRECTORY / f"charts_{name}.png"), full_page=True)
        page.goto(f"{live_server.url}{overview}")
        page.get_by_role("button", name=f"Retry now {renewal['id']}").click()
        page.wait_for_load_state()
        message = page.locator(".messagelist").inner_text()
        page.screenshot(path=str(OUTPUT_DIRECTORY / "charts_renewal_retried.png"), full_page=True)
    settle(stripe)

    for path, result in checked.items():
        assert result["points"] > 0, path
        assert result["mismatches"] == [], path
    assert f"{renewal['id']} is paid".lower() in message.lower()
    assert tenant.client.get(f"/v1/invoices/{renewal['id']}").json()["status"] == "paid"
    [audit] = AuditEvent.objects.for_app(tenant.app).filter(action_type="PAY_INVOICE")
    assert audit.actor_id == f"staff:{USERNAME}"
