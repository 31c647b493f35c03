"""The apps' webhook signing secrets are encrypted at rest (api.encryption): the database never
holds one readable, we still sign with it, and the key can be rotated."""

import importlib
from io import StringIO
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.db import connection
from rest_framework.test import APIClient

from notifications.models import WebhookEndpoint
from tests.factories import Tenant, endpoint_create


def _stored(endpoint_id: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT secret FROM notifications_webhookendpoint WHERE id = %s", [endpoint_id]
        )
        return cursor.fetchone()[0]


def test_the_database_holds_the_secret_encrypted_and_we_read_it_back(
    api: APIClient, tenant: Tenant
):
    created = endpoint_create(api, url="https://crm.example/hooks")

    stored = _stored(created["id"])

    assert stored.startswith("fernet:")
    assert created["secret"] not in stored
    assert WebhookEndpoint.objects.for_app(tenant.app).get().secret == created["secret"]


def test_a_new_key_put_first_takes_over_after_reencrypt_secrets(
    api: APIClient, tenant: Tenant, settings: Any
):
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.SECRETS_ENCRYPTION_KEYS = [old_key]
    body = {"url": "https://crm.example/hooks", "enabled_events": ["*"]}
    first = api.post("/v1/webhook-endpoints", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    created = first.json()
    under_old_key = _stored(created["id"])

    settings.SECRETS_ENCRYPTION_KEYS = [new_key, old_key]
    assert WebhookEndpoint.objects.for_app(tenant.app).get().secret == created["secret"]
    output = StringIO()
    call_command("reencrypt_secrets", stdout=output)

    assert "Re-encrypted 1 webhook signing secret" in output.getvalue()
    assert _stored(created["id"]) != under_old_key
    assert "and 1 kept response" in output.getvalue()
    settings.SECRETS_ENCRYPTION_KEYS = [new_key]
    assert WebhookEndpoint.objects.for_app(tenant.app).get().secret == created["secret"]
    replay = api.post("/v1/webhook-endpoints", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert replay.content == first.content


def test_reencrypting_without_the_key_that_wrote_a_secret_fails_clearly(
    api: APIClient, settings: Any
):
    settings.SECRETS_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    created = endpoint_create(api, url="https://crm.example/hooks")
    before = _stored(created["id"])
    settings.SECRETS_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]

    with pytest.raises(CommandError, match="SECRETS_ENCRYPTION_KEYS"):
        call_command("reencrypt_secrets", stdout=StringIO())

    assert _stored(created["id"]) == before


def test_the_migration_encrypts_secrets_written_before_encryption(api: APIClient, tenant: Tenant):
    created = endpoint_create(api, url="https://crm.example/hooks")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE notifications_webhookendpoint SET secret = %s WHERE id = %s",
            ["whsec_written_in_plain_text", created["id"]],
        )
    migration = importlib.import_module("notifications.migrations.0002_encrypt_webhook_secrets")

    migration.encrypt_existing(None, connection.schema_editor())

    assert _stored(created["id"]).startswith("fernet:")
    endpoint = WebhookEndpoint.objects.for_app(tenant.app).get()
    assert endpoint.secret == "whsec_written_in_plain_text"


def test_a_replayed_create_answers_the_secret_that_is_kept_encrypted(
    api: APIClient, tenant: Tenant
):
    from tenants.models import IdempotencyKey

    body = {"url": "https://crm.example/hooks", "enabled_events": ["*"]}
    first = api.post("/v1/webhook-endpoints", body, format="json", HTTP_IDEMPOTENCY_KEY="hooks-1")
    replay = api.post("/v1/webhook-endpoints", body, format="json", HTTP_IDEMPOTENCY_KEY="hooks-1")

    assert first.status_code == 201, first.content
    assert replay["Idempotent-Replayed"] == "true"
    assert replay.content == first.content
    kept = bytes(IdempotencyKey.objects.for_app(tenant.app).get(key="hooks-1").response_body)
    assert kept.startswith(b"fernet:")
    assert first.json()["secret"].encode() not in kept
