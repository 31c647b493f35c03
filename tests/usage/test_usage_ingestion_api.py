"""Reporting usage through POST /v1/usage and /v1/usage/batch."""

from datetime import datetime, timedelta

import pytest
from rest_framework.test import APIClient

from audit.models import AuditEvent
from tests.factories import Tenant, customer_make, event, metric_make, now_utc


@pytest.fixture
def setup(tenant: Tenant) -> dict:
    return {"metric": metric_make(tenant.client), "customer": customer_make(tenant.client)}


def _used(api: APIClient, customer_id: str, metric: str = "api_calls") -> int:
    body = api.get(f"/v1/customers/{customer_id}/usage?metric={metric}").json()
    return sum(item["total"] for item in body["data"])


def test_an_event_is_accepted_and_counted(api: APIClient, setup: dict):
    response = api.post("/v1/usage", event("e-1", quantity=5), format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["object"] == "usage_event"
    assert body["status"] == "accepted"
    assert body["event_id"] == "e-1"
    assert body["customer"] == setup["customer"]["id"]
    assert body["metric"] == "api_calls"
    assert body["quantity"] == 5
    assert _used(api, setup["customer"]["id"]) == 5


def test_the_customer_may_be_named_by_our_id_or_the_apps_external_id(api: APIClient, setup: dict):
    api.post("/v1/usage", event("e-1", customer=setup["customer"]["id"]), format="json")

    api.post("/v1/usage", event("e-2", customer="user-1"), format="json")

    assert _used(api, setup["customer"]["id"]) == 2


def test_a_duplicate_event_id_is_accepted_and_counted_once(api: APIClient, setup: dict):
    first = api.post("/v1/usage", event("e-1", quantity=5), format="json")

    again = api.post("/v1/usage", event("e-1", quantity=5), format="json")

    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["status"] == "duplicate"
    assert _used(api, setup["customer"]["id"]) == 5


def test_a_duplicate_answers_the_event_as_first_recorded(api: APIClient, setup: dict):
    first = api.post("/v1/usage", event("e-1", quantity=5), format="json").json()

    again = api.post("/v1/usage", event("e-1", quantity=9), format="json").json()

    assert again["status"] == "duplicate"
    assert (again["quantity"], again["timestamp"]) == (5, first["timestamp"])
    assert again["customer"] == first["customer"]
    assert _used(api, setup["customer"]["id"]) == 5


def test_the_timestamp_defaults_to_now(api: APIClient, setup: dict):
    before = now_utc()

    body = api.post("/v1/usage", event("e-1"), format="json").json()

    stamped = datetime.fromisoformat(body["timestamp"])
    assert before - timedelta(seconds=1) <= stamped <= now_utc() + timedelta(seconds=1)


def test_a_whole_number_written_as_a_float_is_accepted(api: APIClient, setup: dict):
    response = api.post("/v1/usage", event("e-1", quantity=3.0), format="json")

    assert response.status_code == 201
    assert _used(api, setup["customer"]["id"]) == 3


def test_zero_is_a_valid_quantity(api: APIClient, setup: dict):
    response = api.post("/v1/usage", event("e-1", quantity=0), format="json")

    assert response.status_code == 201


@pytest.mark.parametrize(
    "changes,param,code",
    [
        ({"quantity": -1}, "quantity", "parameter_invalid"),
        ({"quantity": "12"}, "quantity", "parameter_invalid"),
        ({"quantity": 1.5}, "quantity", "parameter_invalid"),
        ({"quantity": True}, "quantity", "parameter_invalid"),
        ({"quantity": None}, "quantity", "parameter_missing"),
        ({"quantity": 10**16}, "quantity", "parameter_invalid"),
        ({"event_id": None}, "event_id", "parameter_missing"),
        ({"event_id": ""}, "event_id", "parameter_missing"),
        ({"event_id": "e" * 256}, "event_id", "parameter_too_long"),
        ({"event_id": 17}, "event_id", "parameter_invalid"),
        ({"customer": None}, "customer", "parameter_missing"),
        ({"customer": 5}, "customer", "parameter_invalid"),
        ({"metric": None}, "metric", "parameter_missing"),
        ({"timestamp": "yesterday"}, "timestamp", "parameter_invalid"),
        ({"timestamp": 1767225600}, "timestamp", "parameter_invalid"),
        ({"timestamp": "2026-03-01T12:00:00"}, "timestamp", "parameter_invalid"),
        ({"colour": "red"}, "colour", "parameter_unknown"),
    ],
)
def test_an_invalid_field_is_refused_with_400_naming_it(
    api: APIClient, setup: dict, changes: dict, param: str, code: str
):
    body = {**event("e-1"), **changes}
    body = {key: value for key, value in body.items() if value is not None}

    response = api.post("/v1/usage", body, format="json")

    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error"
    assert error["param"] == param
    assert error["code"] == code
    assert _used(api, setup["customer"]["id"]) == 0


def test_a_timestamp_older_than_35_days_is_refused(api: APIClient, setup: dict):
    response = api.post(
        "/v1/usage",
        event("e-1", timestamp=now_utc() - timedelta(days=35, minutes=1)),
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "timestamp_too_old"
    assert response.json()["error"]["param"] == "timestamp"


def test_a_timestamp_more_than_5_minutes_ahead_is_refused(api: APIClient, setup: dict):
    response = api.post(
        "/v1/usage", event("e-1", timestamp=now_utc() + timedelta(minutes=6)), format="json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "timestamp_in_future"


def test_a_timestamp_within_the_window_is_accepted(api: APIClient, setup: dict):
    old = api.post(
        "/v1/usage", event("e-1", timestamp=now_utc() - timedelta(days=34)), format="json"
    )
    ahead = api.post(
        "/v1/usage", event("e-2", timestamp=now_utc() + timedelta(minutes=4)), format="json"
    )

    assert old.status_code == 201
    assert ahead.status_code == 201


def test_an_unknown_customer_answers_404(api: APIClient, setup: dict):
    response = api.post("/v1/usage", event("e-1", customer="nobody"), format="json")

    assert response.status_code == 404
    assert response.json()["error"]["param"] == "customer"


def test_an_unknown_metric_answers_404(api: APIClient, setup: dict):
    response = api.post("/v1/usage", event("e-1", metric="storage"), format="json")

    assert response.status_code == 404
    assert response.json()["error"]["param"] == "metric"


def test_another_apps_customer_is_unknown(tenant: Tenant, other_tenant: Tenant, setup: dict):
    theirs = customer_make(other_tenant.client, external_id="their-user")

    by_id = tenant.client.post("/v1/usage", event("e-1", customer=theirs["id"]), format="json")
    by_external_id = tenant.client.post(
        "/v1/usage", event("e-2", customer="their-user"), format="json"
    )

    assert by_id.status_code == 404
    assert by_external_id.status_code == 404


def test_event_ids_are_unique_per_app_not_across_apps(
    tenant: Tenant, other_tenant: Tenant, setup: dict
):
    metric_make(other_tenant.client)
    customer_make(other_tenant.client)
    tenant.client.post("/v1/usage", event("shared-id"), format="json")

    theirs = other_tenant.client.post("/v1/usage", event("shared-id"), format="json")

    assert theirs.status_code == 201
    assert theirs.json()["status"] == "accepted"


def test_a_single_event_writes_one_set_usage_audit_event(tenant: Tenant, setup: dict):
    tenant.client.post("/v1/usage", event("e-1", quantity=7), format="json")

    events = AuditEvent.objects.for_app(tenant.app).filter(action_type="SET_USAGE")

    assert events.count() == 1
    audit = events.get()
    assert audit.target_type == "usage"
    assert audit.target_id == setup["customer"]["id"]
    assert audit.payload_snapshot["event_id"] == "e-1"
    assert audit.payload_snapshot["quantity"] == 7
    assert audit.actor_id == tenant.api_key.pk


def test_a_refused_event_writes_no_audit_event(tenant: Tenant, setup: dict):
    tenant.client.post("/v1/usage", event("e-1", quantity=-7), format="json")

    assert not AuditEvent.objects.for_app(tenant.app).filter(action_type="SET_USAGE").exists()


# --- batches ------------------------------------------------------------------------------


def test_a_batch_keeps_the_valid_events_and_rejects_the_others_one_by_one(
    api: APIClient, setup: dict
):
    events = [
        event("b-0", quantity=1),
        event("b-1", quantity=-4),
        event("b-2", quantity=2, customer="nobody"),
        event("b-3", quantity=3, metric="storage"),
        event("b-4", quantity=4, timestamp=now_utc() - timedelta(days=40)),
        {"event_id": "b-5", "customer": "user-1", "metric": "api_calls"},
        "not an event",
        event("b-7", quantity=8),
    ]

    response = api.post("/v1/usage/batch", {"events": events}, format="json")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["object"] == "usage_batch"
    assert (body["accepted"], body["duplicate"], body["rejected"]) == (2, 0, 6)
    results = body["data"]
    assert [result["index"] for result in results] == list(range(8))
    assert [result["status"] for result in results] == [
        "accepted",
        "rejected",
        "rejected",
        "rejected",
        "rejected",
        "rejected",
        "rejected",
        "accepted",
    ]
    assert results[0]["error"] is None
    assert results[1]["error"]["param"] == "quantity"
    assert results[1]["error"]["type"] == "invalid_request_error"
    assert results[2]["error"] == {
        "type": "not_found",
        "code": "resource_missing",
        "message": "No such customer.",
        "param": "customer",
    }
    assert results[3]["error"]["param"] == "metric"
    assert results[4]["error"]["code"] == "timestamp_too_old"
    assert results[5]["error"]["code"] == "parameter_missing"
    assert results[6]["event_id"] is None
    assert results[7]["event_id"] == "b-7"
    assert _used(api, setup["customer"]["id"]) == 9


def test_a_batch_counts_a_repeated_event_id_once(api: APIClient, setup: dict):
    api.post("/v1/usage", event("seen-before", quantity=100), format="json")
    events = [
        event("b-0", quantity=1),
        event("b-0", quantity=1),
        event("seen-before", quantity=100),
        event("b-1", quantity=2),
    ]

    body = api.post("/v1/usage/batch", {"events": events}, format="json").json()

    assert [result["status"] for result in body["data"]] == [
        "accepted",
        "duplicate",
        "duplicate",
        "accepted",
    ]
    assert _used(api, setup["customer"]["id"]) == 103


def test_a_batch_sent_twice_is_counted_once(api: APIClient, setup: dict):
    events = [event(f"b-{index}", quantity=index) for index in range(50)]

    first = api.post("/v1/usage/batch", {"events": events}, format="json").json()
    second = api.post("/v1/usage/batch", {"events": events}, format="json").json()

    assert first["accepted"] == 50
    assert second["duplicate"] == 50
    assert _used(api, setup["customer"]["id"]) == sum(range(50))


def test_a_batch_takes_1000_events(api: APIClient, setup: dict):
    events = [event(f"b-{index}") for index in range(1000)]

    response = api.post("/v1/usage/batch", {"events": events}, format="json")

    assert response.status_code == 200
    assert response.json()["accepted"] == 1000
    assert _used(api, setup["customer"]["id"]) == 1000


@pytest.mark.parametrize(
    "body,param",
    [
        ({"events": [event(f"b-{index}") for index in range(1001)]}, "events"),
        ({"events": []}, "events"),
        ({"events": "e-1"}, "events"),
        ({}, "events"),
        ({"events": [event("b-0")], "mode": "fast"}, "mode"),
    ],
)
def test_a_malformed_batch_is_refused_whole(api: APIClient, setup: dict, body: dict, param: str):
    response = api.post("/v1/usage/batch", body, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["param"] == param
    assert _used(api, setup["customer"]["id"]) == 0


def test_a_batch_writes_one_audit_event_with_its_counts(tenant: Tenant, setup: dict):
    events = [event(f"b-{index}") for index in range(300)] + [event("bad", quantity=-1)]

    tenant.client.post("/v1/usage/batch", {"events": events}, format="json")

    audits = AuditEvent.objects.for_app(tenant.app).filter(action_type="SET_USAGE")
    assert audits.count() == 1
    assert audits.get().payload_snapshot == {
        "events": 301,
        "accepted": 300,
        "duplicate": 0,
        "rejected": 1,
    }


def test_an_idempotency_key_replays_a_batch_answer(api: APIClient, setup: dict):
    events = [event("b-0", quantity=2)]

    first = api.post(
        "/v1/usage/batch", {"events": events}, format="json", HTTP_IDEMPOTENCY_KEY="batch-1"
    )
    again = api.post(
        "/v1/usage/batch", {"events": events}, format="json", HTTP_IDEMPOTENCY_KEY="batch-1"
    )

    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert _used(api, setup["customer"]["id"]) == 2
