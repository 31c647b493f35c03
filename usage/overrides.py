"""Entitlement overrides: a customer's own value of a feature over its plan's grant, for deals
and support, optionally until `expires_at`. Whether one is in force is decided when entitlements
are read and when ingestion checks a quota, at the customer's time (a test clock's, for a
customer on one), so an expiry changes the answer at once and no job is needed. A metered
feature's override is the customer's own limit per period for its metric, in place of the
plan's quota: entitlements answer it and ingestion enforces it (over-quota grace included)
until it expires, and then the plan's quota again."""

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from api.errors import ErrorCode, InvalidRequestError, NotFoundError
from audit.services import audit_event_record
from billing.clocks import customer_time
from billing.models import Customer
from billing.selectors import customer_get_by_reference
from catalog.features import feature_value_check
from catalog.models import Feature, FeatureType
from tenants.actors import Actor
from tenants.models import App
from tenants.scoping import TenantScopedQuerySet
from usage.audit_actions import UsageAuditAction
from usage.entitlements import entitlements_refresh_for_customer
from usage.models import EntitlementOverride

TARGET_TYPE = "entitlement_override"


def entitlement_override_snapshot(override: EntitlementOverride) -> dict[str, Any]:
    return {
        "id": override.pk,
        "customer": override.customer_id,
        "feature": override.feature.code,
        "value": override.value,
        "expires_at": override.expires_at.isoformat() if override.expires_at else None,
    }


def entitlement_override_in_force(*, override: EntitlementOverride, now: datetime) -> bool:
    return override.deleted_at is None and (
        override.expires_at is None or override.expires_at > now
    )


# Reads


def entitlement_override_list(
    *, app: App, customer: Customer
) -> TenantScopedQuerySet[EntitlementOverride]:
    """The customer's overrides, expired ones included (the answer says which are in force)."""
    return (
        EntitlementOverride.objects.for_app(app)
        .filter(customer=customer, deleted_at__isnull=True)
        .select_related("feature")
        .order_by("-created_at", "-id")
    )


# Writes


def entitlement_override_create(
    *,
    app: App,
    actor: Actor,
    customer_reference: str,
    feature: str,
    value: Any,
    expires_at: datetime | None = None,
) -> EntitlementOverride:
    customer = customer_get_by_reference(app=app, reference=customer_reference)
    overridden = (
        Feature.objects.for_app(app)
        .filter(code=feature, archived_at__isnull=True)
        .select_related("metric")
        .first()
    )
    if overridden is None:
        raise InvalidRequestError(
            f"No such feature: {feature!r}.", code=ErrorCode.RESOURCE_MISSING, param="feature"
        )
    checked = feature_value_check(feature=overridden, value=value, param="value")
    if expires_at is not None and expires_at <= customer_time(customer=customer):
        raise InvalidRequestError("expires_at must be in the future.", param="expires_at")
    with transaction.atomic():
        override = EntitlementOverride.objects.create(
            app=app, customer=customer, feature=overridden, value=checked, expires_at=expires_at
        )
        audit_event_record(
            app=app,
            actor=actor,
            action_type=UsageAuditAction.CREATE_ENTITLEMENT_OVERRIDE,
            target_type=TARGET_TYPE,
            target_id=override.pk,
            payload_snapshot=entitlement_override_snapshot(override),
        )
        _quota_refresh_on_commit(app=app, actor=actor, override=override)
    return override


def _quota_refresh_on_commit(*, app: App, actor: Actor, override: EntitlementOverride) -> None:
    """A metered override moves the customer's limit now: an over-quota grace period opens
    or resolves as a plan change would make it (a later expiry takes effect on the next
    ingestion, which checks the plan's quota again)."""
    if override.feature.type != FeatureType.METERED:
        return
    customer = override.customer
    transaction.on_commit(
        lambda: entitlements_refresh_for_customer(app=app, customer=customer, actor=actor)
    )


def entitlement_override_delete(
    *, app: App, actor: Actor, customer_reference: str, override_id: str
) -> EntitlementOverride:
    """Ends the override at once; it stays for the record and answers 404 after."""
    customer = customer_get_by_reference(app=app, reference=customer_reference)
    with transaction.atomic():
        override = (
            EntitlementOverride.objects.for_app(app)
            .select_for_update(of=("self",))
            .select_related("feature")
            .filter(pk=override_id, customer=customer, deleted_at__isnull=True)
            .first()
        )
        if override is None:
            raise NotFoundError("entitlement override")
        override.deleted_at = timezone.now()
        override.save(update_fields=["deleted_at"])
        audit_event_record(
            app=app,
            actor=actor,
            action_type=UsageAuditAction.DELETE_ENTITLEMENT_OVERRIDE,
            target_type=TARGET_TYPE,
            target_id=override.pk,
            payload_snapshot=entitlement_override_snapshot(override),
        )
        _quota_refresh_on_commit(app=app, actor=actor, override=override)
    return override
