"""Sub-cent prices: metered components and tiers priced with `unit_amount_decimal`, a decimal
string of the currency's minor unit (`"0.2"` is a fifth of a cent), and their Stripe prices."""

from typing import Any

import pytest
from django.contrib.admin.utils import quote
from django.test import Client

from audit.models import AuditEvent
from stripe_emulator.server import EmulatorServer
from tests.factories import Tenant, metric_make, plan_make


def _plan_body(**metered: Any) -> dict[str, Any]:
    return {
        "code": "hybrid",
        "name": "Hybrid",
        "currency": "usd",
        "base": {"amount": 2000, "interval": "month"},
        "metered": [{"metric": "api_calls", **metered}],
    }


def test_a_metered_component_takes_a_decimal_unit_amount_and_shows_it_as_stripe_does(
    tenant: Tenant, stripe: EmulatorServer
):
    metric_make(tenant.client)

    response = tenant.client.post(
        "/v1/plans", _plan_body(unit_amount_decimal="0.2", included_quantity=10_000), format="json"
    )

    assert response.status_code == 201, response.content
    component = response.json()["metered"][0]
    assert component["unit_amount"] is None
    assert component["unit_amount_decimal"] == "0.2"
    assert component["included_quantity"] == 10_000
    price = stripe.state.objects[component["provider_price_id"]]
    assert price["billing_scheme"] == "tiered"
    assert [(tier["up_to"], tier["unit_amount_decimal"]) for tier in price["_tiers"]] == [
        (10_000, "0"),
        (None, "0.2"),
    ]
    assert price["_tiers"][1]["unit_amount"] is None


def test_a_decimal_price_without_included_quantity_is_a_per_unit_stripe_price(
    tenant: Tenant, stripe: EmulatorServer
):
    metric_make(tenant.client)

    plan = plan_make(
        tenant.client,
        code="hybrid",
        metered=[{"metric": "api_calls", "unit_amount_decimal": "0.35"}],
    )

    price = stripe.state.objects[plan["metered"][0]["provider_price_id"]]
    assert price["billing_scheme"] == "per_unit"
    assert price["unit_amount_decimal"] == "0.35"
    assert price["unit_amount"] is None
    fetched = tenant.client.get(f"/v1/plans/{plan['id']}").json()
    assert fetched["metered"][0]["unit_amount_decimal"] == "0.35"


def test_an_integer_unit_amount_still_shows_its_decimal_string(tenant: Tenant):
    metric_make(tenant.client)

    plan = plan_make(
        tenant.client, code="hybrid", metered=[{"metric": "api_calls", "unit_amount": 3}]
    )

    component = plan["metered"][0]
    assert (component["unit_amount"], component["unit_amount_decimal"]) == (3, "3")


def test_tiers_take_decimal_unit_amounts(tenant: Tenant, stripe: EmulatorServer):
    metric_make(tenant.client)

    plan = plan_make(
        tenant.client,
        code="hybrid",
        metered=[
            {
                "metric": "api_calls",
                "tiers": [
                    {"up_to": 1000, "unit_amount_decimal": "0.5"},
                    {"up_to": None, "unit_amount": 0, "flat_amount": 100},
                ],
            }
        ],
    )

    tiers = plan["metered"][0]["tiers"]
    assert tiers == [
        {"up_to": 1000, "unit_amount": None, "unit_amount_decimal": "0.5", "flat_amount": 0},
        {"up_to": None, "unit_amount": 0, "unit_amount_decimal": "0", "flat_amount": 100},
    ]
    price = stripe.state.objects[plan["metered"][0]["provider_price_id"]]
    assert [tier["unit_amount_decimal"] for tier in price["_tiers"]] == ["0.5", "0"]


def test_changing_a_decimal_price_makes_a_new_version_with_a_new_stripe_price(
    tenant: Tenant, stripe: EmulatorServer
):
    metric_make(tenant.client)
    plan = plan_make(
        tenant.client,
        code="hybrid",
        metered=[{"metric": "api_calls", "unit_amount_decimal": "0.2"}],
    )
    first_price = plan["metered"][0]["provider_price_id"]

    response = tenant.client.patch(
        f"/v1/plans/{plan['id']}",
        {"metered": [{"metric": "api_calls", "unit_amount_decimal": "0.25"}]},
        format="json",
    )

    assert response.status_code == 200, response.content
    updated = response.json()
    assert updated["version"] == 2
    assert updated["metered"][0]["unit_amount_decimal"] == "0.25"
    new_price = stripe.state.objects[updated["metered"][0]["provider_price_id"]]
    assert new_price["id"] != first_price
    assert new_price["unit_amount_decimal"] == "0.25"
    assert stripe.state.objects[first_price]["active"] is False
    events = AuditEvent.objects.for_app(tenant.app).filter(target_id=plan["id"])
    assert sorted(event.action_type for event in events) == ["CREATE_PLAN", "UPDATE_PLAN"]
    update = events.get(action_type="UPDATE_PLAN")
    assert update.payload_snapshot["plan"]["metered"][0]["unit_amount_decimal"] == "0.25"


def test_a_patch_of_other_fields_keeps_the_decimal_price(tenant: Tenant):
    metric_make(tenant.client)
    plan = plan_make(
        tenant.client,
        code="hybrid",
        metered=[{"metric": "api_calls", "unit_amount_decimal": "0.2", "included_quantity": 5}],
    )

    response = tenant.client.patch(
        f"/v1/plans/{plan['id']}", {"base": {"amount": 2500, "interval": "month"}}, format="json"
    )

    assert response.status_code == 200, response.content
    component = response.json()["metered"][0]
    assert (component["unit_amount"], component["unit_amount_decimal"]) == (None, "0.2")
    assert component["included_quantity"] == 5


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0.1234567890123", "at most 12 decimal places"),
        ("-0.2", "at least 0"),
        ("abc", "decimal number"),
        ("", "decimal number"),
        ("NaN", "decimal number"),
        ("Infinity", "decimal number"),
        ("1e-3", "decimal number"),
        (" 0.2", "decimal number"),
        ("1000000000000", "at most 12 digits before the decimal point"),
        (".5", "decimal number"),
        ("1.", "decimal number"),
        ("0.2000000000000", "at most 12 decimal places"),
        (0.2, "decimal number"),
    ],
)
def test_a_bad_decimal_answers_400_with_its_param(tenant: Tenant, value: Any, message: str):
    metric_make(tenant.client)

    response = tenant.client.post("/v1/plans", _plan_body(unit_amount_decimal=value), format="json")

    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "parameter_invalid"
    assert error["param"] == "metered.0.unit_amount_decimal"
    assert message in error["message"]


def test_a_bad_tier_decimal_names_the_tier(tenant: Tenant):
    metric_make(tenant.client)

    response = tenant.client.post(
        "/v1/plans",
        _plan_body(
            tiers=[
                {"up_to": 10, "unit_amount": 1},
                {"up_to": None, "unit_amount_decimal": "0.0000000000001"},
            ]
        ),
        format="json",
    )

    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert (error["code"], error["param"]) == (
        "parameter_invalid",
        "metered.0.tiers.1.unit_amount_decimal",
    )


def test_twelve_decimal_places_are_accepted(tenant: Tenant, stripe: EmulatorServer):
    metric_make(tenant.client)

    plan = plan_make(
        tenant.client,
        code="hybrid",
        metered=[{"metric": "api_calls", "unit_amount_decimal": "0.000000000001"}],
    )

    assert plan["metered"][0]["unit_amount_decimal"] == "0.000000000001"
    price = stripe.state.objects[plan["metered"][0]["provider_price_id"]]
    assert price["unit_amount_decimal"] == "0.000000000001"


def test_unit_amount_and_unit_amount_decimal_together_answer_parameters_exclusive(
    tenant: Tenant, stripe: EmulatorServer
):
    metric_make(tenant.client)
    prices_before = len(
        [obj for obj in stripe.state.objects.values() if obj.get("object") == "price"]
    )

    response = tenant.client.post(
        "/v1/plans", _plan_body(unit_amount=1, unit_amount_decimal="0.2"), format="json"
    )

    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert (error["code"], error["param"]) == (
        "parameters_exclusive",
        "metered.0.unit_amount_decimal",
    )
    prices_after = len(
        [obj for obj in stripe.state.objects.values() if obj.get("object") == "price"]
    )
    assert prices_after == prices_before


def test_a_tier_with_both_unit_prices_answers_parameters_exclusive(tenant: Tenant):
    metric_make(tenant.client)

    response = tenant.client.post(
        "/v1/plans",
        _plan_body(tiers=[{"up_to": None, "unit_amount": 1, "unit_amount_decimal": "0.2"}]),
        format="json",
    )

    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert (error["code"], error["param"]) == (
        "parameters_exclusive",
        "metered.0.tiers.0.unit_amount_decimal",
    )


def test_a_decimal_price_with_tiers_answers_400(tenant: Tenant):
    metric_make(tenant.client)

    response = tenant.client.post(
        "/v1/plans",
        _plan_body(unit_amount_decimal="0.2", tiers=[{"up_to": None, "unit_amount": 1}]),
        format="json",
    )

    assert response.status_code == 400, response.content
    assert response.json()["error"]["param"] == "metered.0.unit_amount"


def test_the_schema_documents_both_unit_prices_of_a_component_and_a_tier(
    anonymous_client: Any, db: Any
):
    schema = anonymous_client.get("/api/schema/?format=json").json()["components"]["schemas"]

    metered = schema["PlanMeteredOutput"]["properties"]
    tier = schema["PlanTierOutput"]["properties"]
    for properties in (metered, tier):
        assert properties["unit_amount"]["nullable"] is True
        assert properties["unit_amount_decimal"]["type"] == "string"
    assert metered["unit_amount_decimal"]["nullable"] is True
    entry = schema["PlanMeteredInputRequest"]["properties"]["unit_amount_decimal"]
    assert entry["type"] == "string"
    assert entry["pattern"].startswith("^[0-9]")


def test_the_operators_plan_page_shows_a_decimal_price_in_the_minor_unit(
    tenant: Tenant, admin_client: Client
):
    metric_make(tenant.client)
    plan = plan_make(
        tenant.client,
        code="hybrid",
        metered=[{"metric": "api_calls", "unit_amount_decimal": "0.2", "included_quantity": 10}],
    )

    page = admin_client.get(f"/admin/catalog/plan/{quote(plan['id'])}/change/")

    assert page.status_code == 200
    assert "api_calls: 0.2 USD minor units per unit (10 included)" in page.content.decode()


def test_a_patch_answers_the_same_errors_and_keeps_the_version(tenant: Tenant):
    metric_make(tenant.client)
    plan = plan_make(
        tenant.client,
        code="hybrid",
        metered=[{"metric": "api_calls", "unit_amount_decimal": "0.2"}],
    )

    bad = tenant.client.patch(
        f"/v1/plans/{plan['id']}",
        {"metered": [{"metric": "api_calls", "unit_amount_decimal": "-1"}]},
        format="json",
    )
    both = tenant.client.patch(
        f"/v1/plans/{plan['id']}",
        {"metered": [{"metric": "api_calls", "unit_amount": 1, "unit_amount_decimal": "0.3"}]},
        format="json",
    )

    assert bad.status_code == 400, bad.content
    assert bad.json()["error"]["param"] == "metered.0.unit_amount_decimal"
    assert both.status_code == 400, both.content
    assert both.json()["error"]["code"] == "parameters_exclusive"
    assert tenant.client.get(f"/v1/plans/{plan['id']}").json()["version"] == 1
