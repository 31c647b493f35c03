from django.utils import timezone
from rest_framework.test import APIClient

from backoffice.services import api_key_revoke
from tests.factories import TEST_OPERATOR, Tenant


def test_missing_key_answers_401_in_the_error_shape(anonymous_client: APIClient, db):
    response = anonymous_client.get("/v1/app")

    assert response.status_code == 401
    assert response.json()["error"]["type"] == "authentication_error"
    assert response.json()["error"]["code"] == "missing_api_key"


def test_unknown_key_answers_401(anonymous_client: APIClient, db):
    anonymous_client.credentials(HTTP_AUTHORIZATION="Bearer psk_test_abcdefghijkl_" + "x" * 32)

    response = anonymous_client.get("/v1/app")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_api_key"


def test_a_key_with_a_wrong_secret_answers_401(tenant: Tenant, anonymous_client: APIClient):
    forged = tenant.raw_key[:-4] + ("aaaa" if not tenant.raw_key.endswith("aaaa") else "bbbb")
    anonymous_client.credentials(HTTP_AUTHORIZATION=f"Bearer {forged}")

    response = anonymous_client.get("/v1/app")

    assert response.status_code == 401


def test_a_non_bearer_scheme_answers_401(tenant: Tenant, anonymous_client: APIClient):
    anonymous_client.credentials(HTTP_AUTHORIZATION=f"Basic {tenant.raw_key}")

    response = anonymous_client.get("/v1/app")

    assert response.status_code == 401
    assert response.json()["error"]["type"] == "authentication_error"


def test_a_revoked_key_answers_401(tenant: Tenant):
    api_key_revoke(key_id=tenant.api_key.pk, actor=TEST_OPERATOR)

    response = tenant.client.get("/v1/app")

    assert response.status_code == 401
    assert response.json()["error"]["type"] == "authentication_error"
    assert response.json()["error"]["code"] == "api_key_revoked"


def test_app_endpoint_describes_the_calling_app(tenant: Tenant):
    response = tenant.client.get("/v1/app")

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == tenant.app.pk
    assert body["name"] == "Acme CRM"
    assert body["provider"] == "stripe"
    assert body["mode"] == "test"
    assert body["livemode"] is False


def test_a_request_records_last_used_at(tenant: Tenant):
    assert tenant.api_key.last_used_at is None

    tenant.client.get("/v1/app")

    tenant.api_key.refresh_from_db()
    assert tenant.api_key.last_used_at is not None
    assert (timezone.now() - tenant.api_key.last_used_at).total_seconds() < 60


def test_only_a_hash_of_the_key_is_stored(tenant: Tenant):
    tenant.api_key.refresh_from_db()

    assert tenant.raw_key not in tenant.api_key.key_hash
    assert len(tenant.api_key.key_hash) == 64
    assert tenant.raw_key.startswith(f"{tenant.api_key.pk}_")
    assert tenant.api_key.pk.startswith("psk_test_")
