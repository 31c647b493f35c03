from io import StringIO
from typing import Any

import pytest
import stripe as stripe_sdk
from django.core.management import CommandError, call_command

from catalog.models import Plan
from stripe_emulator.pytest_plugin import TEST_API_KEY
from stripe_emulator.server import EmulatorServer
from tests.factories import PRO_PLAN, Tenant


def _sync(*arguments: str) -> str:
    output = StringIO()
    call_command("sync_plans", *arguments, stdout=output)
    return output.getvalue()


def _count(stripe: EmulatorServer, kind: str) -> int:
    return sum(1 for obj in stripe.state.objects.values() if obj.get("object") == kind)


def _dashboard(stripe: EmulatorServer) -> Any:
    """Stripe as an operator's dashboard would use it, outside our service."""
    return stripe_sdk.StripeClient(TEST_API_KEY, base_addresses={"api": stripe.url})


def test_sync_plans_twice_creates_nothing_the_second_time(tenant: Tenant, stripe: EmulatorServer):
    tenant.client.post("/v1/plans", PRO_PLAN, format="json")
    products, prices = _count(stripe, "product"), _count(stripe, "price")

    first = _sync("--app", tenant.app.pk)
    second = _sync("--app", tenant.app.pk)

    assert "created nothing" in first
    assert "created nothing" in second
    assert (_count(stripe, "product"), _count(stripe, "price")) == (products, prices)


def test_sync_plans_remakes_what_stripe_lost(tenant: Tenant, stripe: EmulatorServer):
    plan = tenant.client.post("/v1/plans", PRO_PLAN, format="json").json()
    stripe.reset()

    output = _sync("--app", tenant.app.pk)

    assert f"drift: product {plan['provider_product_id']}" in output
    assert "created product" in output
    assert "created price" in output
    refreshed = Plan.objects.for_app(tenant.app).get(pk=plan["id"])
    assert refreshed.provider_product_id in stripe.state.objects
    assert refreshed.current_version.provider_base_price_id in stripe.state.objects
    assert "created nothing" in _sync("--app", tenant.app.pk)


def test_sync_plans_dry_run_changes_nothing(tenant: Tenant, stripe: EmulatorServer):
    tenant.client.post("/v1/plans", PRO_PLAN, format="json")
    stripe.reset()

    output = _sync("--app", tenant.app.pk, "--dry-run")

    assert "[dry run]" in output
    assert "would create" in output
    assert _count(stripe, "product") == 0


def test_sync_plans_pull_imports_a_dashboard_price_with_our_metadata(
    tenant: Tenant, stripe: EmulatorServer
):
    dashboard = _dashboard(stripe)
    product = dashboard.v1.products.create(
        {"name": "Enterprise", "metadata": {"app_id": tenant.app.pk}}
    )
    dashboard.v1.prices.create(
        {
            "product": product.id,
            "currency": "usd",
            "unit_amount": 99000,
            "recurring": {"interval": "year"},
            "metadata": {"app_id": tenant.app.pk, "plan_code": "enterprise"},
        }
    )
    dashboard.v1.prices.create(
        {
            "product": product.id,
            "currency": "usd",
            "unit_amount": 5,
            "metadata": {"app_id": "app_someone_else"},
        }
    )

    output = _sync("--app", tenant.app.pk, "--pull")

    assert "imported price" in output
    plan = Plan.objects.for_app(tenant.app).get(code="enterprise")
    assert plan.current_version.base_amount == 99000
    assert plan.current_version.interval == "year"
    listed = tenant.client.get("/v1/plans").json()["data"]
    assert [item["code"] for item in listed] == ["enterprise"]


def test_sync_plans_reports_unknown_stripe_prices_without_pull(
    tenant: Tenant, stripe: EmulatorServer
):
    dashboard = _dashboard(stripe)
    product = dashboard.v1.products.create({"name": "Stray", "metadata": {"app_id": tenant.app.pk}})

    output = _sync("--app", tenant.app.pk)

    assert f"drift: product {product.id} at provider is unknown here" in output


def test_sync_plans_for_an_unknown_app_fails(db):
    with pytest.raises(CommandError, match="No such app"):
        _sync("--app", "app_nope")
