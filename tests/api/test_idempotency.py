import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from audit.models import AuditEvent
from billing.models import Customer
from tests.factories import Tenant


def test_a_repeated_post_replays_the_first_response(tenant: Tenant):
    headers = {"HTTP_IDEMPOTENCY_KEY": "create-user-1"}
    first = tenant.client.post("/v1/customers", {"external_id": "user-1"}, format="json", **headers)

    second = tenant.client.post(
        "/v1/customers", {"external_id": "user-1"}, format="json", **headers
    )

    assert first.status_code == 201
    assert second.status_code == 201
    assert second.content == first.content
    assert second["Idempotent-Replayed"] == "true"
    assert not first.has_header("Idempotent-Replayed")
    assert Customer.objects.for_app(tenant.app).count() == 1
    assert AuditEvent.objects.for_app(tenant.app).filter(action_type="CREATE_CUSTOMER").count() == 1


def test_the_same_key_with_a_different_body_answers_409(api: APIClient):
    headers = {"HTTP_IDEMPOTENCY_KEY": "create-user"}
    api.post("/v1/customers", {"external_id": "user-1"}, format="json", **headers)

    response = api.post("/v1/customers", {"external_id": "user-2"}, format="json", **headers)

    assert response.status_code == 409
    assert response.json()["error"]["type"] == "idempotency_error"
    assert response.json()["error"]["code"] == "idempotency_key_reused"


def test_keys_are_scoped_to_the_app(tenant: Tenant, other_tenant: Tenant):
    headers = {"HTTP_IDEMPOTENCY_KEY": "shared-key"}
    mine = tenant.client.post("/v1/customers", {"external_id": "a"}, format="json", **headers)

    theirs = other_tenant.client.post(
        "/v1/customers", {"external_id": "b"}, format="json", **headers
    )

    assert mine.status_code == 201
    assert theirs.status_code == 201
    assert theirs.json()["id"] != mine.json()["id"]
    assert not theirs.has_header("Idempotent-Replayed")


def test_a_rejected_request_frees_its_key_for_a_corrected_retry(api: APIClient):
    headers = {"HTTP_IDEMPOTENCY_KEY": "fix-and-retry"}
    rejected = api.post("/v1/customers", {"external_id": 5}, format="json", **headers)

    corrected = api.post("/v1/customers", {"external_id": "five"}, format="json", **headers)

    assert rejected.status_code == 400
    assert corrected.status_code == 201
    assert not corrected.has_header("Idempotent-Replayed")


def test_an_over_long_key_is_rejected(api: APIClient):
    response = api.post("/v1/customers", {}, format="json", HTTP_IDEMPOTENCY_KEY="k" * 256)

    assert response.status_code == 400
    assert response.json()["error"]["param"] == "Idempotency-Key"


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_key_have_one_effect(transactional_db):
    from tests.factories import tenant_make

    tenant = tenant_make("Concurrent")
    results: list[int] = []
    barrier = threading.Barrier(8)

    def fire() -> None:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {tenant.raw_key}")
        barrier.wait()
        try:
            response = client.post(
                "/v1/customers",
                {"external_id": "racer"},
                format="json",
                HTTP_IDEMPOTENCY_KEY="race",
            )
            results.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=fire) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert Customer.objects.for_app(tenant.app).count() == 1
    assert AuditEvent.objects.for_app(tenant.app).filter(action_type="CREATE_CUSTOMER").count() == 1
    assert results.count(201) >= 1
    assert set(results) <= {201, 409}
    assert len(results) == 8
