from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from rest_framework.test import APIClient

from audit.models import AuditEvent
from tests.factories import Tenant


def _create_customer(api: APIClient, external_id: str) -> str:
    return api.post("/v1/customers", {"external_id": external_id}, format="json").json()["id"]


def test_audit_events_cannot_be_updated_in_the_database(tenant: Tenant):
    _create_customer(tenant.client, "user-1")

    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE audit_auditevent SET action_type = 'FORGED'")


def test_audit_events_cannot_be_deleted_in_the_database(tenant: Tenant):
    _create_customer(tenant.client, "user-1")

    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM audit_auditevent")


def test_audit_events_list_filters_by_action_and_target(tenant: Tenant):
    customer_id = _create_customer(tenant.client, "user-1")
    tenant.client.patch(f"/v1/customers/{customer_id}", {"name": "New"}, format="json")

    created = tenant.client.get("/v1/audit-events?action_type=CREATE_CUSTOMER").json()["data"]
    updated = tenant.client.get("/v1/audit-events?action_type=UPDATE_CUSTOMER&target_type=customer")

    assert [event["target_id"] for event in created] == [customer_id]
    assert [event["action_type"] for event in updated.json()["data"]] == ["UPDATE_CUSTOMER"]
    assert updated.json()["data"][0]["app_id"] == tenant.app.pk
    assert updated.json()["data"][0]["actor_id"] == tenant.api_key.pk


def test_audit_events_since_filters_by_time(tenant: Tenant):
    customer_id = _create_customer(tenant.client, "user-1")
    created_at = AuditEvent.objects.for_app(tenant.app).get(target_id=customer_id).created_at

    at_creation = tenant.client.get("/v1/audit-events", {"since": created_at.isoformat()}).json()
    after_creation = tenant.client.get(
        "/v1/audit-events", {"since": (created_at + timedelta(seconds=1)).isoformat()}
    ).json()

    assert customer_id in [event["target_id"] for event in at_creation["data"]]
    assert after_creation["data"] == []


def test_an_app_sees_only_its_own_audit_events(tenant: Tenant, other_tenant: Tenant):
    _create_customer(other_tenant.client, "theirs")

    body = tenant.client.get("/v1/audit-events?action_type=CREATE_CUSTOMER").json()

    assert body["data"] == []


def test_audit_event_carries_the_request_id(tenant: Tenant):
    response = tenant.client.post(
        "/v1/customers", {"external_id": "u"}, format="json", HTTP_X_REQUEST_ID="req-abc-123"
    )

    event = AuditEvent.objects.for_app(tenant.app).get(target_id=response.json()["id"])
    assert event.request_id == "req-abc-123"
    assert response["X-Request-Id"] == "req-abc-123"


def test_audit_snapshots_never_hold_secrets(tenant: Tenant):
    events = AuditEvent.objects.for_app(tenant.app).filter(target_type="api_key")

    assert events.exists()
    for event in events:
        assert tenant.raw_key not in str(event.payload_snapshot)
