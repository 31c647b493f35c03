"""Usage alerts through the API (`/v1/usage-alerts`), and the `usage.threshold_reached` app event
that ingestion sends once per customer, alert and billing period."""

from datetime import datetime
from typing import Any

import pytest
from rest_framework.test import APIClient

from audit.models import AuditEvent
from notifications.models import AppEvent
from tests.factories import (
    Tenant,
    customer_make,
    event,
    metric_make,
    subscription_make,
)
from usage.models import UsageAlertTrigger


def _alert(api: APIClient, threshold: dict[str, int], metric: str = "api_calls") -> dict:
    response = api.post(
        "/v1/usage-alerts", {"metric": metric, "threshold": threshold}, format="json"
    )
    assert response.status_code == 201, response.content
    return response.json()


def _report(api: APIClient, quantity: int, prefix: str, count: int = 1, **fields: Any) -> None:
    events = [event(f"{prefix}-{index}", quantity=quantity, **fields) for index in range(count)]
    response = api.post("/v1/usage/batch", {"events": events}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["accepted"] == count


def _report_one(api: APIClient, quantity: int, event_id: str) -> None:
    response = api.post("/v1/usage", event(event_id, quantity=quantity), format="json")
    assert response.status_code == 201, response.content


def _reached(tenant: Tenant) -> list[dict[str, Any]]:
    events = AppEvent.objects.for_app(tenant.app).filter(event_type="usage.threshold_reached")
    return [app_event.data for app_event in events.order_by("created_at", "id")]


def _quota_customer(tenant: Tenant, quota: int = 100) -> dict[str, Any]:
    metric_make(tenant.client, "api_calls")
    customer = customer_make(tenant.client)
    subscription_make(tenant.client, customer, quotas={"api_calls": quota})
    return customer


def test_an_alert_is_created_retrieved_listed_and_deleted(tenant: Tenant):
    metric_make(tenant.client, "api_calls")
    metric_make(tenant.client, "seats", aggregation="last")

    created = _alert(tenant.client, {"percent_of_quota": 80})
    seats = _alert(tenant.client, {"quantity": 40}, metric="seats")
    retrieved = tenant.client.get(f"/v1/usage-alerts/{created['id']}").json()
    listed = tenant.client.get("/v1/usage-alerts").json()
    filtered = tenant.client.get("/v1/usage-alerts", {"metric": "seats"}).json()
    deleted = tenant.client.delete(f"/v1/usage-alerts/{created['id']}")
    after = tenant.client.get(f"/v1/usage-alerts/{created['id']}")

    assert created["id"].startswith("alrt_")
    assert created["object"] == "usage_alert"
    assert created["metric"] == "api_calls"
    assert created["threshold"] == {"percent_of_quota": 80}
    assert seats["threshold"] == {"quantity": 40}
    assert retrieved == created
    assert [alert["id"] for alert in listed["data"]] == [seats["id"], created["id"]]
    assert [alert["id"] for alert in filtered["data"]] == [seats["id"]]
    assert deleted.status_code == 200
    assert deleted.json() == {"id": created["id"], "object": "usage_alert", "deleted": True}
    assert after.status_code == 404
    assert after.json()["error"]["type"] == "not_found"
    assert [alert["id"] for alert in tenant.client.get("/v1/usage-alerts").json()["data"]] == [
        seats["id"]
    ]


def test_each_alert_mutation_records_one_audit_event(tenant: Tenant):
    metric_make(tenant.client, "api_calls")

    created = _alert(tenant.client, {"quantity": 500})
    tenant.client.delete(f"/v1/usage-alerts/{created['id']}")

    audit = AuditEvent.objects.for_app(tenant.app).filter(target_id=created["id"])
    assert [event.action_type for event in audit.order_by("created_at", "id")] == [
        "CREATE_USAGE_ALERT",
        "DELETE_USAGE_ALERT",
    ]
    assert all(event.actor_id == tenant.api_key.pk for event in audit)
    assert audit.first().payload_snapshot["threshold"] == {"quantity": 500}


def test_a_create_retried_with_the_same_key_is_replayed_and_makes_one_alert(tenant: Tenant):
    metric_make(tenant.client, "api_calls")
    body = {"metric": "api_calls", "threshold": {"percent_of_quota": 100}}

    first = tenant.client.post("/v1/usage-alerts", body, format="json", HTTP_IDEMPOTENCY_KEY="a1")
    again = tenant.client.post("/v1/usage-alerts", body, format="json", HTTP_IDEMPOTENCY_KEY="a1")

    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.content == first.content
    assert len(tenant.client.get("/v1/usage-alerts").json()["data"]) == 1


@pytest.mark.parametrize(
    "body,param",
    [
        ({"metric": "api_calls", "threshold": {}}, "threshold"),
        (
            {"metric": "api_calls", "threshold": {"percent_of_quota": 80, "quantity": 5}},
            "threshold",
        ),
        (
            {"metric": "api_calls", "threshold": {"percent_of_quota": 0}},
            "threshold.percent_of_quota",
        ),
        (
            {"metric": "api_calls", "threshold": {"percent_of_quota": 1001}},
            "threshold.percent_of_quota",
        ),
        (
            {"metric": "api_calls", "threshold": {"percent_of_quota": 80.5}},
            "threshold.percent_of_quota",
        ),
        ({"metric": "api_calls", "threshold": {"quantity": "many"}}, "threshold.quantity"),
        ({"metric": "api_calls", "threshold": {"quantity": 0}}, "threshold.quantity"),
        ({"metric": "api_calls", "threshold": {"share": 3}}, "threshold.share"),
        ({"metric": "api_calls", "threshold": 80}, "threshold"),
        ({"threshold": {"quantity": 5}}, "metric"),
        ({"metric": "api_calls"}, "threshold"),
        ({"metric": "api_calls", "threshold": {"quantity": 5}, "email": "x"}, "email"),
    ],
)
def test_bad_input_answers_400_naming_the_field(tenant: Tenant, body: dict, param: str):
    metric_make(tenant.client, "api_calls")

    response = tenant.client.post("/v1/usage-alerts", body, format="json")

    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error"
    assert error["param"] == param


def test_an_unknown_metric_answers_404_naming_it(tenant: Tenant):
    response = tenant.client.post(
        "/v1/usage-alerts", {"metric": "nope", "threshold": {"quantity": 5}}, format="json"
    )

    assert response.status_code == 404
    assert response.json()["error"]["param"] == "metric"


def test_reaching_80_percent_of_the_quota_sends_one_event_with_the_period(tenant: Tenant):
    customer = _quota_customer(tenant, quota=200)
    alert = _alert(tenant.client, {"percent_of_quota": 80})
    _report(tenant.client, 100, prefix="below")
    before = _reached(tenant)

    _report_one(tenant.client, 70, "crossing")
    _report_one(tenant.client, 5, "after")
    _report(tenant.client, 5, prefix="more", count=3)

    assert before == []
    (reached,) = _reached(tenant)
    entitlement = tenant.client.get(f"/v1/customers/{customer['id']}/entitlements/api_calls")
    period = entitlement.json()
    assert reached["customer"] == customer["id"]
    assert reached["metric"] == "api_calls"
    assert reached["alert"] == alert["id"]
    assert reached["threshold"] == {"percent_of_quota": 80, "quantity": 160}
    assert reached["used"] == 170
    assert datetime.fromisoformat(reached["period"]["start"]) == datetime.fromisoformat(
        period["period_start"]
    )
    assert datetime.fromisoformat(reached["period"]["end"]) == datetime.fromisoformat(
        period["period_end"]
    )
    reached_audit = AuditEvent.objects.for_app(tenant.app).filter(action_type="REACH_USAGE_ALERT")
    assert reached_audit.count() == 1
    assert reached_audit.get().target_id == alert["id"]


def test_one_batch_crossing_two_thresholds_sends_one_event_for_each(tenant: Tenant):
    _quota_customer(tenant, quota=100)
    eighty = _alert(tenant.client, {"percent_of_quota": 80})
    hundred = _alert(tenant.client, {"percent_of_quota": 100})

    _report(tenant.client, 30, prefix="jump", count=4)

    assert sorted((data["alert"], data["used"]) for data in _reached(tenant)) == sorted(
        [(eighty["id"], 120), (hundred["id"], 120)]
    )


def test_an_absolute_quantity_alerts_a_customer_without_a_subscription(tenant: Tenant):
    metric_make(tenant.client, "api_calls")
    customer = customer_make(tenant.client)
    _alert(tenant.client, {"quantity": 50})

    _report_one(tenant.client, 49, "below")
    _report_one(tenant.client, 1, "at")

    (reached,) = _reached(tenant)
    assert reached["customer"] == customer["id"]
    assert reached["threshold"] == {"quantity": 50}
    assert reached["used"] == 50


def test_a_percentage_alert_skips_customers_without_a_quota_for_the_metric(tenant: Tenant):
    metric_make(tenant.client, "api_calls")
    customer_make(tenant.client)
    _alert(tenant.client, {"percent_of_quota": 1})

    _report(tenant.client, 10_000, prefix="lots")

    assert _reached(tenant) == []


def test_each_customer_reaches_the_alert_on_its_own(tenant: Tenant):
    metric_make(tenant.client, "api_calls")
    ada = customer_make(tenant.client, external_id="ada")
    bob = customer_make(tenant.client, external_id="bob")
    _alert(tenant.client, {"quantity": 10})

    _report(tenant.client, 10, prefix="ada", customer="ada")
    _report(tenant.client, 10, prefix="bob", customer="bob")
    _report(tenant.client, 10, prefix="ada-again", customer="ada")

    assert sorted(data["customer"] for data in _reached(tenant)) == sorted([ada["id"], bob["id"]])
    assert UsageAlertTrigger.objects.for_app(tenant.app).count() == 2


def test_a_deleted_alert_sends_nothing(tenant: Tenant):
    _quota_customer(tenant, quota=100)
    alert = _alert(tenant.client, {"percent_of_quota": 50})
    tenant.client.delete(f"/v1/usage-alerts/{alert['id']}")

    _report(tenant.client, 100, prefix="full")

    assert _reached(tenant) == []


def test_another_apps_alerts_are_not_listed_and_never_fire_for_this_app(
    tenant: Tenant, other_tenant: Tenant
):
    metric_make(other_tenant.client, "api_calls")
    theirs = _alert(other_tenant.client, {"quantity": 1})
    metric_make(tenant.client, "api_calls")
    customer_make(tenant.client)

    _report(tenant.client, 100, prefix="mine")

    assert tenant.client.get("/v1/usage-alerts").json()["data"] == []
    assert tenant.client.get(f"/v1/usage-alerts/{theirs['id']}").status_code == 404
    assert tenant.client.delete(f"/v1/usage-alerts/{theirs['id']}").status_code == 404
    assert _reached(tenant) == []
    assert _reached(other_tenant) == []
