"""The operator's mutations of apps and API keys, each with its audit event."""

from typing import Any

from django.db import transaction
from django.utils import timezone

from api.errors import ConflictError, InvalidRequestError
from audit.services import audit_event_record
from billing.providers.registry import provider_names
from tenants.actors import Actor
from tenants.audit_actions import TenantsAuditAction
from tenants.errors import TenantsErrorCode
from tenants.keys import api_key_generate, api_key_hash
from tenants.models import ApiKey, App, AppMode
from tenants.selectors import api_key_get


def _api_key_snapshot(api_key: ApiKey) -> dict[str, Any]:
    return {"id": api_key.pk, "name": api_key.name, "app": api_key.app_id}


@transaction.atomic
def api_key_create(*, app: App, actor: Actor, name: str = "") -> tuple[ApiKey, str]:
    """A new key for `app`; the full key is returned once and never stored."""
    public_id, raw_key = api_key_generate(mode=app.mode)
    api_key = ApiKey.objects.create(
        app=app, id=public_id, name=name, key_hash=api_key_hash(raw_key)
    )
    audit_event_record(
        app=app,
        actor=actor,
        action_type=TenantsAuditAction.CREATE_API_KEY,
        target_type="api_key",
        target_id=api_key.pk,
        payload_snapshot=_api_key_snapshot(api_key),
    )
    return api_key, raw_key


@transaction.atomic
def app_create(
    *, name: str, actor: Actor, mode: str = AppMode.TEST, provider: str = "stripe"
) -> tuple[App, ApiKey, str]:
    """A new app with its first API key."""
    if not name.strip():
        raise InvalidRequestError("An app needs a name.", param="name")
    if mode not in AppMode.values:
        raise InvalidRequestError(f"mode must be one of {', '.join(AppMode.values)}.", param="mode")
    if provider not in provider_names():
        raise InvalidRequestError(
            f"provider must be one of {', '.join(provider_names())}.", param="provider"
        )
    app = App.objects.create(name=name.strip(), mode=mode, provider=provider)
    audit_event_record(
        app=app,
        actor=actor,
        action_type=TenantsAuditAction.CREATE_APP,
        target_type="app",
        target_id=app.pk,
        payload_snapshot={"name": app.name, "mode": app.mode, "provider": app.provider},
    )
    api_key, raw_key = api_key_create(app=app, actor=actor, name="default")
    return app, api_key, raw_key


@transaction.atomic
def api_key_revoke(*, key_id: str, actor: Actor) -> ApiKey:
    api_key = api_key_get(key_id=key_id)
    api_key = ApiKey.objects.all_tenants().select_for_update().get(pk=api_key.pk)
    if api_key.revoked_at is not None:
        raise ConflictError(
            "This API key is already revoked.", code=TenantsErrorCode.API_KEY_REVOKED
        )
    api_key.revoked_at = timezone.now()
    api_key.save(update_fields=["revoked_at"])
    audit_event_record(
        app=api_key.app,
        actor=actor,
        action_type=TenantsAuditAction.REVOKE_API_KEY,
        target_type="api_key",
        target_id=api_key.pk,
        payload_snapshot=_api_key_snapshot(api_key),
    )
    return api_key


@transaction.atomic
def api_key_rotate(*, key_id: str, actor: Actor) -> tuple[ApiKey, str]:
    """Replaces a key: a new one is issued and the old one revoked in the same transaction."""
    old_key = api_key_revoke(key_id=key_id, actor=actor)
    new_key, raw_key = api_key_create(app=old_key.app, actor=actor, name=old_key.name)
    audit_event_record(
        app=old_key.app,
        actor=actor,
        action_type=TenantsAuditAction.ROTATE_API_KEY,
        target_type="api_key",
        target_id=new_key.pk,
        payload_snapshot={"replaces": old_key.pk, **_api_key_snapshot(new_key)},
    )
    return new_key, raw_key
