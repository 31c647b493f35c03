"""Features in GET /v1/customers/{id}/entitlements, and entitlement overrides
(/v1/customers/{id}/entitlement-overrides)."""

from datetime import timedelta
from typing import Any

from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AuditEvent
from tests.factories import (
    Tenant,
    customer_make,
    event,
    metric_make,
    plan_make,
    subscription_make,
)


def _feature(api: APIClient, code: str, type: str, **fields: Any) -> dict:
    response = api.post(
        "/v1/features", {"code": code, "name": code.title(), "type": type, **fields}, format="json"
    )
    assert response.status_code == 201, response.content
    return response.json()


def _features(api: APIClient, customer: str) -> dict[str, dict]:
    response = api.get(f"/v1/customers/{customer}/entitlements")
    assert response.status_code == 200, response.content
    return {item["feature"]: item for item in response.json()["features"]}


def _catalog(api: APIClient) -> None:
    metric_make(api, "api_calls")
    _feature(api, "sso", "boolean")
    _feature(api, "seats", "static")
    _feature(api, "calls", "metered", metric="api_calls")
    _feature(api, "audit_log", "boolean")


def _subscribed(tenant: Tenant) -> dict:
    _catalog(tenant.client)
    plan = plan_make(
        tenant.client,
        features={"sso": True, "seats": 10, "calls": 100},
        metered=[{"metric": "api_calls", "unit_amount": 1}],
    )
    customer = customer_make(tenant.client)
    subscription_make(tenant.client, customer, plan=plan)
    return customer


def _override(api: APIClient, customer: str, body: dict, **headers: Any) -> Any:
    return api.post(
        f"/v1/customers/{customer}/entitlement-overrides", body, format="json", **headers
    )


def test_entitlements_answer_boolean_static_and_metered_features_in_one_call(tenant: Tenant):
    customer = _subscribed(tenant)
    tenant.client.post("/v1/usage/batch", {"events": [event("e-1", quantity=30)]}, format="json")

    response = tenant.client.get(f"/v1/customers/{customer['id']}/entitlements")

    body = response.json()
    assert [item["metric"] for item in body["data"]] == ["api_calls"]
    features = {item["feature"]: item for item in body["features"]}
    assert features["sso"]["object"] == "feature_entitlement"
    assert (features["sso"]["allowed"], features["sso"]["value"]) == (True, True)
    assert features["sso"]["source"] == "plan"
    assert (features["seats"]["allowed"], features["seats"]["value"]) == (True, 10)
    calls = features["calls"]
    assert (calls["limit"], calls["used"], calls["remaining"]) == (100, 30, 70)
    assert calls["allowed"] is True
    assert calls["metric"] == "api_calls"
    assert features["audit_log"]["allowed"] is False
    assert features["audit_log"]["value"] is False
    assert features["audit_log"]["reason"] == "not_granted"


def test_the_existing_metric_entries_keep_their_shape(tenant: Tenant):
    customer = _subscribed(tenant)

    body = tenant.client.get(f"/v1/customers/{customer['id']}/entitlements").json()

    assert set(body) == {"object", "data", "has_more", "features"}
    assert body["object"] == "list"
    assert body["data"][0]["object"] == "entitlement"
    assert body["data"][0]["limit"] == 100


def test_a_customer_without_a_subscription_is_allowed_no_feature(tenant: Tenant):
    _catalog(tenant.client)
    customer = customer_make(tenant.client)

    features = _features(tenant.client, customer["id"])

    assert set(features) == {"sso", "seats", "calls", "audit_log"}
    assert not any(item["allowed"] for item in features.values())
    assert {item["reason"] for item in features.values()} == {"no_active_subscription"}


def test_an_archived_feature_leaves_the_answer(tenant: Tenant):
    customer = _subscribed(tenant)
    sso = tenant.client.get("/v1/features", {"code": "sso"}).json()["data"][0]

    tenant.client.post(f"/v1/features/{sso['id']}/archive")

    assert "sso" not in _features(tenant.client, customer["id"])


def test_the_answer_takes_a_bounded_number_of_queries(
    tenant: Tenant, django_assert_max_num_queries: Any
):
    customer = _subscribed(tenant)
    for index in range(15):
        _feature(tenant.client, f"flag_{index}", "boolean")
        _override(tenant.client, customer["id"], {"feature": f"flag_{index}", "value": True})

    # The API key's authentication and throttling, then the two entitlement statements.
    with django_assert_max_num_queries(6):
        features = _features(tenant.client, customer["id"])

    assert len(features) == 19
    assert all(features[f"flag_{index}"]["allowed"] for index in range(15))


def test_an_override_replaces_the_plans_value_until_deleted(tenant: Tenant):
    customer = _subscribed(tenant)

    created = _override(tenant.client, customer["id"], {"feature": "seats", "value": 25})
    overridden = _features(tenant.client, customer["id"])["seats"]
    deleted = tenant.client.delete(
        f"/v1/customers/{customer['id']}/entitlement-overrides/{created.json()['id']}"
    )
    after = _features(tenant.client, customer["id"])["seats"]

    assert created.status_code == 201, created.content
    override = created.json()
    assert override["id"].startswith("eo_")
    assert override["object"] == "entitlement_override"
    assert (override["feature"], override["value"], override["in_force"]) == ("seats", 25, True)
    assert (overridden["value"], overridden["source"]) == (25, "override")
    assert overridden["override"]["id"] == override["id"]
    assert deleted.status_code == 200
    assert deleted.json() == {
        "id": override["id"],
        "object": "entitlement_override",
        "deleted": True,
    }
    assert (after["value"], after["source"]) == (10, "plan")
    again = tenant.client.delete(
        f"/v1/customers/{customer['id']}/entitlement-overrides/{override['id']}"
    )
    assert again.status_code == 404


def test_an_override_can_turn_a_boolean_feature_off_or_on(tenant: Tenant):
    customer = _subscribed(tenant)

    _override(tenant.client, customer["id"], {"feature": "sso", "value": False})
    _override(tenant.client, customer["id"], {"feature": "audit_log", "value": True})
    features = _features(tenant.client, customer["id"])

    assert features["sso"]["allowed"] is False
    assert features["audit_log"]["allowed"] is True
    assert features["audit_log"]["reason"] == "overridden"


def test_an_override_by_external_id_and_the_newest_wins(tenant: Tenant):
    customer = _subscribed(tenant)

    _override(tenant.client, "user-1", {"feature": "seats", "value": 20})
    _override(tenant.client, "user-1", {"feature": "seats", "value": "unlimited"})

    assert _features(tenant.client, customer["id"])["seats"]["value"] == "unlimited"
    listed = tenant.client.get(f"/v1/customers/{customer['id']}/entitlement-overrides").json()
    assert [item["value"] for item in listed["data"]] == ["unlimited", 20]
    assert listed["object"] == "list"


def test_bad_override_input_answers_400_with_its_param(tenant: Tenant):
    customer = _subscribed(tenant)
    past = (timezone.now() - timedelta(days=1)).isoformat()

    cases = [
        ({"feature": "nope", "value": 1}, "feature"),
        ({"feature": "calls", "value": -1}, "value"),
        ({"feature": "calls", "value": "lots"}, "value"),
        ({"feature": "sso", "value": "yes"}, "value"),
        ({"feature": "seats", "value": ["a"]}, "value"),
        ({"feature": "seats", "value": "x" * 201}, "value"),
        ({"feature": "seats", "value": 25, "expires_at": past}, "expires_at"),
        ({"feature": "seats", "value": 25, "expires_at": "tomorrow"}, "expires_at"),
        ({"feature": "seats"}, "value"),
        ({"feature": "seats", "value": 25, "colour": "red"}, None),
    ]
    for body, param in cases:
        response = _override(tenant.client, customer["id"], body)

        assert response.status_code == 400, (body, response.content)
        assert response.json()["error"]["type"] == "invalid_request_error"
        if param:
            assert response.json()["error"]["param"] == param, body
    assert (
        tenant.client.get(f"/v1/customers/{customer['id']}/entitlement-overrides").json()["data"]
        == []
    )


def test_each_override_mutation_records_one_audit_event(tenant: Tenant):
    customer = _subscribed(tenant)

    override = _override(tenant.client, customer["id"], {"feature": "seats", "value": 25}).json()
    tenant.client.delete(f"/v1/customers/{customer['id']}/entitlement-overrides/{override['id']}")

    audit = AuditEvent.objects.for_app(tenant.app).filter(target_id=override["id"])
    assert [event.action_type for event in audit.order_by("created_at", "id")] == [
        "CREATE_ENTITLEMENT_OVERRIDE",
        "DELETE_ENTITLEMENT_OVERRIDE",
    ]
    assert all(event.actor_id == tenant.api_key.pk for event in audit)
    assert audit.first().payload_snapshot["value"] == 25


def test_an_override_retried_with_the_same_key_is_replayed_and_made_once(tenant: Tenant):
    customer = _subscribed(tenant)
    body = {"feature": "seats", "value": 25}

    first = _override(tenant.client, customer["id"], body, HTTP_IDEMPOTENCY_KEY="o1")
    again = _override(tenant.client, customer["id"], body, HTTP_IDEMPOTENCY_KEY="o1")

    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    listed = tenant.client.get(f"/v1/customers/{customer['id']}/entitlement-overrides").json()
    assert len(listed["data"]) == 1


def test_another_apps_override_and_customer_answer_404(tenant: Tenant, other_tenant: Tenant):
    customer = _subscribed(tenant)
    theirs_customer = customer_make(other_tenant.client, external_id="theirs")
    _feature(other_tenant.client, "seats", "static")
    theirs = _override(
        other_tenant.client, theirs_customer["id"], {"feature": "seats", "value": 3}
    ).json()

    under_mine = tenant.client.delete(
        f"/v1/customers/{customer['id']}/entitlement-overrides/{theirs['id']}"
    )
    under_theirs = tenant.client.get(f"/v1/customers/{theirs_customer['id']}/entitlement-overrides")
    post_theirs = _override(tenant.client, theirs_customer["id"], {"feature": "seats", "value": 3})

    assert under_mine.status_code == 404
    assert under_theirs.status_code == 404
    assert post_theirs.status_code == 404
    assert (
        other_tenant.client.get(
            f"/v1/customers/{theirs_customer['id']}/entitlement-overrides"
        ).json()["data"][0]["id"]
        == theirs["id"]
    )


def test_an_override_of_another_customer_of_the_same_app_answers_404(tenant: Tenant):
    customer = _subscribed(tenant)
    other = customer_make(tenant.client, external_id="user-2")
    override = _override(tenant.client, customer["id"], {"feature": "seats", "value": 25}).json()

    response = tenant.client.delete(
        f"/v1/customers/{other['id']}/entitlement-overrides/{override['id']}"
    )

    assert response.status_code == 404
    assert _features(tenant.client, customer["id"])["seats"]["value"] == 25


def test_the_single_check_answers_a_feature_code_too(tenant: Tenant):
    customer = _subscribed(tenant)
    _override(tenant.client, customer["id"], {"feature": "seats", "value": 25})

    metric = tenant.client.get(f"/v1/customers/{customer['id']}/entitlements/api_calls")
    seats = tenant.client.get(f"/v1/customers/{customer['id']}/entitlements/seats")
    unknown = tenant.client.get(f"/v1/customers/{customer['id']}/entitlements/nope")
    no_customer = tenant.client.get("/v1/customers/cus_missing/entitlements/seats")

    assert metric.json()["object"] == "entitlement"
    assert seats.status_code == 200
    assert seats.json()["object"] == "feature_entitlement"
    assert (seats.json()["value"], seats.json()["source"]) == (25, "override")
    assert unknown.status_code == 404
    assert unknown.json()["error"]["param"] == "metric"
    assert no_customer.status_code == 404
    assert no_customer.json()["error"]["param"] == "customer"


def test_the_single_feature_check_answers_as_the_list_does(tenant: Tenant):
    customer = _subscribed(tenant)
    metric_make(tenant.client, "exports_made")
    _feature(tenant.client, "exports", "metered", metric="exports_made")
    listed = _features(tenant.client, customer["id"])

    for code in ("sso", "seats", "calls", "audit_log", "exports"):
        single = tenant.client.get(f"/v1/customers/{customer['id']}/entitlements/{code}")

        assert single.status_code == 200, (code, single.content)
        assert single.json() == listed[code]


def test_the_single_feature_check_takes_one_statement_for_a_boolean_feature(
    tenant: Tenant, django_assert_max_num_queries: Any
):
    customer = _subscribed(tenant)
    for index in range(10):
        _feature(tenant.client, f"flag_{index}", "boolean")

    # The API key's authentication and throttling, the metric lookup, then the feature's.
    with django_assert_max_num_queries(5):
        response = tenant.client.get(f"/v1/customers/{customer['id']}/entitlements/sso")

    assert response.json()["allowed"] is True
