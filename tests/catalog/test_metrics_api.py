"""Metrics through the API, and their meters as they appear in Stripe (the emulator)."""

from datetime import timedelta

from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AuditEvent
from catalog.metrics import metrics_sync_pending
from stripe_emulator.server import EmulatorServer
from tests.factories import Tenant

API_CALLS = {"code": "api_calls", "name": "API calls", "aggregation": "sum", "unit": "call"}


def _meters(stripe: EmulatorServer) -> list[dict]:
    return [obj for obj in stripe.state.objects.values() if obj.get("object") == "billing.meter"]


def test_metric_create_returns_the_metric_with_its_stripe_meter(
    tenant: Tenant, stripe: EmulatorServer
):
    response = tenant.client.post("/v1/metrics", API_CALLS, format="json")

    assert response.status_code == 201, response.content
    metric = response.json()
    assert metric["id"].startswith("mtr_")
    assert metric["object"] == "metric"
    assert metric["code"] == "api_calls"
    assert metric["aggregation"] == "sum"
    assert metric["unit"] == "call"
    assert metric["sync_state"] == "synced"
    meter = stripe.state.objects[metric["provider_meter_id"]]
    assert "api_calls" in meter["event_name"]
    assert tenant.app.pk.lower() in meter["event_name"]
    assert meter["event_name"] == metric["meter_event_name"]
    assert meter["default_aggregation"]["formula"] == "sum"


def test_a_count_metric_is_reported_to_a_summing_meter(api: APIClient, stripe: EmulatorServer):
    response = api.post(
        "/v1/metrics", {"code": "logins", "name": "Logins", "aggregation": "count"}, format="json"
    )

    metric = response.json()
    assert metric["aggregation"] == "count"
    assert stripe.state.objects[metric["provider_meter_id"]]["default_aggregation"] == {
        "formula": "sum"
    }


def test_a_last_metric_is_reported_to_a_last_value_meter(api: APIClient, stripe: EmulatorServer):
    response = api.post(
        "/v1/metrics", {"code": "seats", "name": "Seats", "aggregation": "last"}, format="json"
    )

    metric = response.json()
    assert stripe.state.objects[metric["provider_meter_id"]]["default_aggregation"] == {
        "formula": "last"
    }


def test_metric_aggregation_defaults_to_sum(api: APIClient):
    response = api.post("/v1/metrics", {"code": "api_calls", "name": "API calls"}, format="json")

    assert response.status_code == 201
    assert response.json()["aggregation"] == "sum"


def test_a_duplicate_metric_code_answers_409(api: APIClient, stripe: EmulatorServer):
    api.post("/v1/metrics", API_CALLS, format="json")

    response = api.post("/v1/metrics", {**API_CALLS, "name": "Again"}, format="json")

    assert response.status_code == 409
    assert response.json()["error"]["type"] == "conflict"
    assert response.json()["error"]["code"] == "metric_code_taken"
    assert response.json()["error"]["param"] == "code"
    assert len(_meters(stripe)) == 1


def test_two_apps_may_use_the_same_metric_code(tenant: Tenant, other_tenant: Tenant):
    ours = tenant.client.post("/v1/metrics", API_CALLS, format="json")

    theirs = other_tenant.client.post("/v1/metrics", API_CALLS, format="json")

    assert ours.status_code == theirs.status_code == 201
    assert ours.json()["meter_event_name"] != theirs.json()["meter_event_name"]


def test_metric_create_rejects_a_bad_aggregation(api: APIClient):
    response = api.post("/v1/metrics", {**API_CALLS, "aggregation": "max"}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["param"] == "aggregation"


def test_metric_create_rejects_a_code_that_is_not_a_slug(api: APIClient):
    response = api.post("/v1/metrics", {**API_CALLS, "code": "api calls!"}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["param"] == "code"


def test_metric_create_rejects_a_missing_name(api: APIClient):
    response = api.post("/v1/metrics", {"code": "api_calls"}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["param"] == "name"
    assert response.json()["error"]["code"] == "parameter_missing"


def test_metric_create_records_an_audit_event(tenant: Tenant):
    metric = tenant.client.post("/v1/metrics", API_CALLS, format="json").json()

    event = AuditEvent.objects.for_app(tenant.app).get(action_type="CREATE_METRIC")

    assert event.target_type == "metric"
    assert event.target_id == metric["id"]
    assert event.payload_snapshot["code"] == "api_calls"
    assert event.actor_id == tenant.api_key.pk


def test_metric_list_is_newest_first_and_filters_by_code(api: APIClient):
    first = api.post("/v1/metrics", API_CALLS, format="json").json()
    second = api.post("/v1/metrics", {"code": "seats", "name": "Seats"}, format="json").json()

    listed = api.get("/v1/metrics").json()
    filtered = api.get("/v1/metrics?code=api_calls").json()

    assert [metric["id"] for metric in listed["data"]] == [second["id"], first["id"]]
    assert listed["has_more"] is False
    assert [metric["id"] for metric in filtered["data"]] == [first["id"]]


def test_metric_retrieve_answers_the_metric(api: APIClient):
    created = api.post("/v1/metrics", API_CALLS, format="json").json()

    response = api.get(f"/v1/metrics/{created['id']}")

    assert response.status_code == 200
    assert response.json() == created


def test_another_apps_metric_answers_404(tenant: Tenant, other_tenant: Tenant):
    theirs = other_tenant.client.post("/v1/metrics", API_CALLS, format="json").json()

    response = tenant.client.get(f"/v1/metrics/{theirs['id']}")

    assert response.status_code == 404
    assert response.json()["error"]["type"] == "not_found"


def test_a_stripe_outage_leaves_the_metric_pending_until_the_retry_job(
    api: APIClient, stripe: EmulatorServer
):
    stripe.set_faults(status=500, count=10, path_prefix="/v1/billing/meters")
    created = api.post("/v1/metrics", API_CALLS, format="json")
    stripe.clear_faults()

    completed = metrics_sync_pending(now=timezone.now() + timedelta(minutes=5))

    assert created.status_code == 201
    assert created.json()["sync_state"] == "pending"
    assert created.json()["provider_meter_id"] == ""
    assert completed == 1
    metric = api.get(f"/v1/metrics/{created.json()['id']}").json()
    assert metric["sync_state"] == "synced"
    assert (
        stripe.state.objects[metric["provider_meter_id"]]["event_name"]
        == (metric["meter_event_name"])
    )
