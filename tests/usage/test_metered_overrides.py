"""A metered feature's entitlement override: the customer's own limit per period for its metric,
answered by GET /v1/customers/{id}/entitlements and enforced by ingestion's quota check."""

from typing import Any

from rest_framework.test import APIClient

from audit.models import AuditEvent
from tests.factories import Tenant, customer_make, event, metric_make, plan_make, subscription_make


def _subscribed(tenant: Tenant) -> dict:
    api = tenant.client
    metric_make(api, "api_calls")
    assert (
        api.post(
            "/v1/features",
            {"code": "calls", "name": "Calls", "type": "metered", "metric": "api_calls"},
            format="json",
        ).status_code
        == 201
    )
    plan = plan_make(
        api, features={"calls": 100}, metered=[{"metric": "api_calls", "unit_amount": 1}]
    )
    customer = customer_make(api)
    subscription_make(api, customer, plan=plan)
    return customer


def _override(api: APIClient, customer: dict, value: Any, **headers: Any) -> Any:
    return api.post(
        f"/v1/customers/{customer['id']}/entitlement-overrides",
        {"feature": "calls", "value": value},
        format="json",
        **headers,
    )


def _entitlements(api: APIClient, customer: dict) -> tuple[dict, dict]:
    body = api.get(f"/v1/customers/{customer['id']}/entitlements").json()
    (metric,) = body["data"]
    features = {item["feature"]: item for item in body["features"]}
    return metric, features["calls"]


def _over_quota(api: APIClient, customer: dict) -> list[dict]:
    return api.get(f"/v1/grace-periods?customer={customer['id']}&reason=over_quota").json()["data"]


def test_a_metered_override_is_the_limit_entitlements_answer(tenant: Tenant):
    customer = _subscribed(tenant)
    tenant.client.post("/v1/usage", event("e-1", quantity=150), format="json")

    created = _override(tenant.client, customer, 500)
    metric, feature = _entitlements(tenant.client, customer)

    assert created.status_code == 201, created.content
    assert created.json()["value"] == 500
    assert (metric["limit"], metric["used"], metric["remaining"]) == (500, 150, 350)
    assert (metric["allowed"], metric["reason"]) == (True, "within_limit")
    assert (feature["limit"], feature["remaining"], feature["value"]) == (500, 350, 500)
    assert feature["source"] == "override"
    assert feature["override"] == {"id": created.json()["id"], "expires_at": None}
    single = tenant.client.get(f"/v1/customers/{customer['id']}/entitlements/api_calls").json()
    assert (single["limit"], single["remaining"]) == (500, 350)


def test_ingestion_honours_a_raised_limit_and_opens_no_grace_period(tenant: Tenant):
    customer = _subscribed(tenant)
    _override(tenant.client, customer, 500)

    single = tenant.client.post("/v1/usage", event("e-1", quantity=150), format="json")
    batch = tenant.client.post(
        "/v1/usage/batch", {"events": [event("e-2", quantity=200)]}, format="json"
    )

    assert single.status_code in (200, 201, 202), single.content
    assert batch.status_code in (200, 201, 202, 207), batch.content
    assert _over_quota(tenant.client, customer) == []
    metric, _ = _entitlements(tenant.client, customer)
    assert (metric["used"], metric["remaining"], metric["allowed"]) == (350, 150, True)


def test_crossing_the_overrides_limit_opens_the_grace_period(tenant: Tenant):
    customer = _subscribed(tenant)
    _override(tenant.client, customer, 500)
    tenant.client.post("/v1/usage", event("e-1", quantity=450), format="json")
    before = _over_quota(tenant.client, customer)

    tenant.client.post("/v1/usage/batch", {"events": [event("e-2", quantity=100)]}, format="json")

    assert before == []
    (grace_period,) = _over_quota(tenant.client, customer)
    assert grace_period["status"] == "active"
    metric, _ = _entitlements(tenant.client, customer)
    assert (metric["limit"], metric["used"], metric["reason"]) == (
        500,
        550,
        "over_quota_in_grace_period",
    )


def test_a_lowered_limit_opens_a_grace_period_at_once_and_deleting_it_resolves_it(
    tenant: Tenant, django_capture_on_commit_callbacks: Any
):
    customer = _subscribed(tenant)
    tenant.client.post("/v1/usage", event("e-1", quantity=80), format="json")

    with django_capture_on_commit_callbacks(execute=True):
        lowered = _override(tenant.client, customer, 50)
    (opened,) = _over_quota(tenant.client, customer)
    with django_capture_on_commit_callbacks(execute=True):
        tenant.client.delete(
            f"/v1/customers/{customer['id']}/entitlement-overrides/{lowered.json()['id']}"
        )
    (resolved,) = _over_quota(tenant.client, customer)
    metric, feature = _entitlements(tenant.client, customer)

    assert opened["status"] == "active"
    assert resolved["id"] == opened["id"]
    assert resolved["status"] == "resolved"
    assert (metric["limit"], metric["remaining"]) == (100, 20)
    assert (feature["source"], feature["override"]) == ("plan", None)


def test_the_newest_metered_override_wins_and_each_is_audited(tenant: Tenant):
    customer = _subscribed(tenant)

    first = _override(tenant.client, customer, 300)
    second = _override(tenant.client, customer, 700, HTTP_IDEMPOTENCY_KEY="calls-700")
    replayed = _override(tenant.client, customer, 700, HTTP_IDEMPOTENCY_KEY="calls-700")
    metric, _ = _entitlements(tenant.client, customer)

    assert replayed.json()["id"] == second.json()["id"]
    assert metric["limit"] == 700
    created = AuditEvent.objects.for_app(tenant.app).filter(
        action_type="CREATE_ENTITLEMENT_OVERRIDE"
    )
    assert sorted(created.values_list("target_id", flat=True)) == sorted(
        [first.json()["id"], second.json()["id"]]
    )
    assert created.get(target_id=second.json()["id"]).payload_snapshot["value"] == 700


def test_a_metered_override_for_a_customer_without_a_subscription_allows_nothing(
    tenant: Tenant,
):
    _subscribed(tenant)
    other = customer_make(tenant.client, external_id="user-2")

    created = _override(tenant.client, other, 500)
    features = {
        item["feature"]: item
        for item in tenant.client.get(f"/v1/customers/{other['id']}/entitlements").json()[
            "features"
        ]
    }

    assert created.status_code == 201
    assert features["calls"]["allowed"] is False
    assert features["calls"]["reason"] == "no_active_subscription"
