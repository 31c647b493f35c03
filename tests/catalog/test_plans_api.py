"""Plans through the API, and as they appear in Stripe (the emulator)."""

from typing import Any

import pytest
from rest_framework.test import APIClient

from audit.models import AuditEvent
from billing.providers.base import MeterRequest
from billing.providers.registry import provider_for
from catalog.models import Metric, Plan
from stripe_emulator.server import EmulatorServer
from tests.factories import PRO_PLAN, Tenant


def metric_with_meter(tenant: Tenant, code: str = "api_calls") -> Metric:
    """A metric and its Stripe meter, made the way the metrics service makes them."""
    meter = provider_for(app=tenant.app).meter_create(
        MeterRequest(
            idempotency_key=f"test-meter-{tenant.app.pk}-{code}",
            app_id=tenant.app.pk,
            metric_code=code,
            event_name=f"ps_{tenant.app.pk}_{code}".lower(),
            display_name=code,
            aggregation="sum",
        )
    )
    return Metric.objects.create(
        app=tenant.app,
        code=code,
        name=code,
        meter_event_name=f"ps_{tenant.app.pk}_{code}".lower(),
        provider_meter_id=meter.provider_reference,
        sync_state="synced",
    )


def _stripe_objects(stripe: EmulatorServer, kind: str) -> list[dict[str, Any]]:
    return [obj for obj in stripe.state.objects.values() if obj.get("object") == kind]


def test_plan_create_makes_the_stripe_product_and_price_with_our_metadata(
    tenant: Tenant, stripe: EmulatorServer
):
    response = tenant.client.post("/v1/plans", PRO_PLAN, format="json")

    assert response.status_code == 201, response.content
    plan = response.json()
    assert plan["id"].startswith("plan_")
    assert plan["version"] == 1
    assert plan["sync_state"] == "synced"
    product = stripe.state.objects[plan["provider_product_id"]]
    assert product["metadata"] == {
        "app_id": tenant.app.pk,
        "plan_id": plan["id"],
        "plan_code": "pro",
    }
    price = stripe.state.objects[plan["base"]["provider_price_id"]]
    assert price["unit_amount"] == 2000
    assert price["recurring"]["interval"] == "month"
    assert price["metadata"]["app_id"] == tenant.app.pk
    assert price["metadata"]["plan_code"] == "pro"


def test_plan_create_records_one_audit_event(tenant: Tenant):
    plan = tenant.client.post("/v1/plans", PRO_PLAN, format="json").json()

    events = AuditEvent.objects.for_app(tenant.app).filter(target_id=plan["id"])
    assert [event.action_type for event in events] == ["CREATE_PLAN"]


def test_a_hybrid_plan_makes_a_tiered_metered_price_on_the_metrics_meter(
    tenant: Tenant, stripe: EmulatorServer
):
    metric = metric_with_meter(tenant)

    response = tenant.client.post(
        "/v1/plans",
        {
            **PRO_PLAN,
            "code": "hybrid",
            "metered": [{"metric": "api_calls", "unit_amount": 2, "included_quantity": 1000}],
            "quotas": {"api_calls": 100000},
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    component = response.json()["metered"][0]
    price = stripe.state.objects[component["provider_price_id"]]
    assert price["recurring"]["usage_type"] == "metered"
    assert price["recurring"]["meter"] == metric.provider_meter_id
    assert price["billing_scheme"] == "tiered"
    assert [(tier["up_to"], tier["unit_amount"]) for tier in price["_tiers"]] == [
        (1000, 0),
        (None, 2),
    ]
    meter = stripe.state.objects[metric.provider_meter_id]
    assert "api_calls" in meter["event_name"]


def test_a_metered_plan_for_an_unknown_metric_is_rejected(api: APIClient):
    response = api.post(
        "/v1/plans",
        {**PRO_PLAN, "metered": [{"metric": "nope", "unit_amount": 1}]},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["error"]["param"] == "metered"


@pytest.mark.parametrize(
    "change,param",
    [
        ({"base": None}, "base"),
        ({"currency": "USD"}, "currency"),
        ({"code": "Has Spaces"}, "code"),
        ({"base": {"amount": -1}}, "base.amount"),
        ({"base": {"amount": 100, "interval": "fortnight"}}, "base.interval"),
        ({"trial_period_days": "14"}, "trial_period_days"),
    ],
)
def test_bad_plan_input_answers_400_with_param(api: APIClient, change: dict, param: str):
    response = api.post("/v1/plans", {**PRO_PLAN, **change}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["param"] == param


def test_a_duplicate_plan_code_answers_409(api: APIClient):
    api.post("/v1/plans", PRO_PLAN, format="json")

    response = api.post("/v1/plans", PRO_PLAN, format="json")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "plan_code_taken"


def test_a_price_change_makes_a_new_version_and_new_price(tenant: Tenant, stripe: EmulatorServer):
    created = tenant.client.post("/v1/plans", PRO_PLAN, format="json").json()

    response = tenant.client.patch(
        f"/v1/plans/{created['id']}", {"base": {"amount": 2500, "interval": "month"}}, format="json"
    )

    updated = response.json()
    assert response.status_code == 200
    assert updated["version"] == 2
    assert updated["base"]["amount"] == 2500
    assert updated["base"]["provider_price_id"] != created["base"]["provider_price_id"]
    old_price = stripe.state.objects[created["base"]["provider_price_id"]]
    new_price = stripe.state.objects[updated["base"]["provider_price_id"]]
    assert old_price["active"] is False
    assert new_price["unit_amount"] == 2500
    assert new_price["product"] == created["provider_product_id"]


def test_a_name_change_keeps_the_version_and_renames_the_product(
    tenant: Tenant, stripe: EmulatorServer
):
    created = tenant.client.post("/v1/plans", PRO_PLAN, format="json").json()

    updated = tenant.client.patch(
        f"/v1/plans/{created['id']}", {"name": "Pro+"}, format="json"
    ).json()

    assert updated["version"] == 1
    assert stripe.state.objects[created["provider_product_id"]]["name"] == "Pro+"


def test_archive_deactivates_the_plan_and_its_stripe_objects(
    tenant: Tenant, stripe: EmulatorServer
):
    created = tenant.client.post("/v1/plans", PRO_PLAN, format="json").json()

    response = tenant.client.post(f"/v1/plans/{created['id']}/archive")

    assert response.status_code == 200
    assert response.json()["active"] is False
    assert stripe.state.objects[created["provider_product_id"]]["active"] is False
    assert stripe.state.objects[created["base"]["provider_price_id"]]["active"] is False
    listed = tenant.client.get("/v1/plans?active=true").json()["data"]
    assert listed == []


def test_plan_list_and_retrieve(api: APIClient):
    created = api.post("/v1/plans", PRO_PLAN, format="json").json()

    listed = api.get("/v1/plans").json()
    fetched = api.get(f"/v1/plans/{created['id']}").json()

    assert [plan["id"] for plan in listed["data"]] == [created["id"]]
    assert fetched == created


def test_two_stripe_500s_then_success_make_one_product_and_one_price(
    api: APIClient, stripe: EmulatorServer
):
    stripe.set_faults(status=500, count=2)

    response = api.post("/v1/plans", PRO_PLAN, format="json")

    assert response.status_code == 201
    assert len(_stripe_objects(stripe, "product")) == 1
    assert len(_stripe_objects(stripe, "price")) == 1


def test_stripe_down_answers_502_and_leaves_no_plan(tenant: Tenant, stripe: EmulatorServer):
    stripe.set_faults(status=500, count=50)

    response = tenant.client.post("/v1/plans", PRO_PLAN, format="json")

    assert response.status_code == 502
    assert response.json()["error"]["type"] == "provider_error"
    assert Plan.objects.for_app(tenant.app).count() == 0
