"""Features and entitlement overrides end to end: a customer on a test clock, moved through our
API, and plan changes and cancellations through Stripe (the emulator) and its webhooks."""

from datetime import UTC, datetime
from typing import Any

from djstripe.models import WebhookEndpoint

from stripe_emulator.server import EmulatorServer
from tests.factories import DAY_SECONDS, Clocked, Tenant, metric_make, plan_make, settle, subscribe


def _catalog(tenant: Tenant) -> tuple[dict, dict]:
    api = tenant.client
    metric_make(api, "api_calls")
    for body in (
        {"code": "sso", "name": "SSO", "type": "boolean"},
        {"code": "seats", "name": "Seats", "type": "static"},
        {"code": "calls", "name": "API calls", "type": "metered", "metric": "api_calls"},
    ):
        assert api.post("/v1/features", body, format="json").status_code == 201
    pro = plan_make(
        api,
        features={"sso": True, "seats": 10, "calls": 1000},
        metered=[{"metric": "api_calls", "unit_amount": 1}],
    )
    basic = plan_make(
        api,
        "basic",
        base={"amount": 500, "interval": "month"},
        features={"sso": False, "seats": 2, "calls": 100},
        metered=[{"metric": "api_calls", "unit_amount": 1}],
    )
    return pro, basic


def _features(tenant: Tenant, customer: dict) -> dict[str, dict[str, Any]]:
    response = tenant.client.get(f"/v1/customers/{customer['id']}/entitlements")
    assert response.status_code == 200, response.content
    return {item["feature"]: item for item in response.json()["features"]}


def test_a_plans_features_and_an_expiring_seats_override_on_a_test_clock(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint
):
    clocked = Clocked(tenant, stripe)
    pro, _ = _catalog(tenant)
    customer = clocked.customer()
    assert subscribe(tenant.client, customer, pro).status_code == 201
    settle(stripe)
    tenant.client.post(
        "/v1/usage",
        {"event_id": "e-1", "customer": customer["id"], "metric": "api_calls", "quantity": 40},
        format="json",
    )

    planned = _features(tenant, customer)
    override = tenant.client.post(
        f"/v1/customers/{customer['id']}/entitlement-overrides",
        {
            "feature": "seats",
            "value": 25,
            "expires_at": _clock_iso(clocked.now() + DAY_SECONDS),
        },
        format="json",
    )
    overridden = _features(tenant, customer)
    clocked.advance(2 * DAY_SECONDS)
    expired = _features(tenant, customer)

    assert (planned["sso"]["allowed"], planned["sso"]["value"]) == (True, True)
    assert (planned["seats"]["allowed"], planned["seats"]["value"]) == (True, 10)
    calls = planned["calls"]
    assert (calls["allowed"], calls["limit"], calls["used"], calls["remaining"]) == (
        True,
        1000,
        40,
        960,
    )
    assert override.status_code == 201, override.content
    assert overridden["seats"]["value"] == 25
    assert overridden["seats"]["source"] == "override"
    assert expired["seats"]["value"] == 10
    assert expired["seats"]["source"] == "plan"
    listed = tenant.client.get(f"/v1/customers/{customer['id']}/entitlement-overrides").json()
    assert [(item["id"], item["in_force"]) for item in listed["data"]] == [
        (override.json()["id"], False)
    ]


def test_a_plan_change_and_a_cancellation_change_the_answer_at_once(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint
):
    clocked = Clocked(tenant, stripe)
    pro, basic = _catalog(tenant)
    customer = clocked.customer()
    subscription = subscribe(tenant.client, customer, pro).json()
    settle(stripe)

    changed = tenant.client.post(
        f"/v1/subscriptions/{subscription['id']}/change-plan",
        # A downgrade waits for the period's end unless asked for now.
        {"plan": basic["id"], "at": "now"},
        format="json",
    )
    on_basic = _features(tenant, customer)
    tenant.client.post(f"/v1/subscriptions/{subscription['id']}/cancel", {}, format="json")
    canceled = _features(tenant, customer)
    settle(stripe)

    assert changed.status_code == 200, changed.content
    assert on_basic["sso"]["allowed"] is False
    assert on_basic["seats"]["value"] == 2
    assert on_basic["calls"]["limit"] == 100
    assert not any(item["allowed"] for item in canceled.values())
    assert {item["reason"] for item in canceled.values()} == {"no_active_subscription"}
    assert not any(item["allowed"] for item in _features(tenant, customer).values())


def test_a_metered_override_raises_the_quota_until_it_expires_on_the_test_clock(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint
):
    clocked = Clocked(tenant, stripe)
    pro, _ = _catalog(tenant)
    customer = clocked.customer()
    assert subscribe(tenant.client, customer, pro).status_code == 201
    settle(stripe)
    override = tenant.client.post(
        f"/v1/customers/{customer['id']}/entitlement-overrides",
        {"feature": "calls", "value": 2000, "expires_at": _clock_iso(clocked.now() + DAY_SECONDS)},
        format="json",
    )

    def use(event_id: str, quantity: int) -> None:
        response = tenant.client.post(
            "/v1/usage",
            {
                "event_id": event_id,
                "customer": customer["id"],
                "metric": "api_calls",
                "quantity": quantity,
            },
            format="json",
        )
        assert response.status_code < 300, response.content

    def over_quota() -> list[dict]:
        return tenant.client.get(
            "/v1/grace-periods", {"customer": customer["id"], "reason": "over_quota"}
        ).json()["data"]

    use("e-1", 1500)
    overridden = _features(tenant, customer)["calls"]
    grace_while_overridden = over_quota()
    clocked.advance(2 * DAY_SECONDS)
    expired = _features(tenant, customer)["calls"]
    use("e-2", 1)

    assert override.status_code == 201, override.content
    assert (overridden["limit"], overridden["remaining"], overridden["allowed"]) == (
        2000,
        500,
        True,
    )
    assert overridden["source"] == "override"
    assert grace_while_overridden == []
    assert (expired["limit"], expired["used"], expired["remaining"]) == (1000, 1500, 0)
    assert expired["source"] == "plan"
    (grace_period,) = over_quota()
    assert grace_period["status"] == "active"
    assert _features(tenant, customer)["calls"]["reason"] == "over_quota_in_grace_period"


def _clock_iso(epoch_seconds: int) -> str:
    return datetime.fromtimestamp(epoch_seconds, tz=UTC).isoformat().replace("+00:00", "Z")
