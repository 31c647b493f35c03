"""What every change to a subscription shares, whoever makes it (our services, the provider's
answer, its webhooks): the snapshot, the audit record, the apps' webhooks, billing's signal to
the apps above, and applying the provider's state to the row."""

from datetime import datetime
from typing import Any

from django.db import transaction

from api.errors import (
    ConflictError,
)
from audit.services import audit_event_record
from billing.audit_actions import BillingAuditAction
from billing.errors import BillingErrorCode
from billing.models import Subscription, SubscriptionStatus
from billing.providers.base import (
    SubscriptionResult,
)
from billing.providers.pending import (
    SyncState,
)
from billing.signals import subscription_changed
from notifications.event_types import AppEventType
from notifications.services import app_event_publish
from tenants.actors import Actor
from tenants.models import App

TARGET_TYPE = "subscription"


FINISHED_STATUSES = {SubscriptionStatus.CANCELED, SubscriptionStatus.INCOMPLETE_EXPIRED}


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def pending_change_snapshot(subscription: Subscription) -> dict[str, Any] | None:
    version = subscription.pending_plan_version
    if version is None:
        return None
    return {
        "plan": version.plan_id,
        "plan_version": version.version,
        "at": subscription.pending_change_at.isoformat()
        if subscription.pending_change_at
        else None,
        "schedule": subscription.provider_schedule_id,
    }


def subscription_snapshot(subscription: Subscription) -> dict[str, Any]:
    """The subscription as audit events and the apps' webhooks carry it."""
    return {
        "id": subscription.pk,
        "object": "subscription",
        "customer": subscription.customer_id,
        "plan": subscription.plan_id,
        "plan_version": subscription.plan_version.version,
        "status": subscription.status,
        "trial_period_days": subscription.trial_period_days,
        "trial_end": _iso(subscription.trial_end),
        "current_period_start": _iso(subscription.current_period_start),
        "current_period_end": _iso(subscription.current_period_end),
        "cancel_at_period_end": subscription.cancel_at_period_end,
        "canceled_at": _iso(subscription.canceled_at),
        "payment_method": subscription.payment_method,
        "metadata": subscription.metadata,
        "provider_subscription_id": subscription.provider_subscription_id,
        "sync_state": subscription.sync_state,
        "pending_change": pending_change_snapshot(subscription),
        **({"approval_url": subscription.approval_url} if subscription.approval_url else {}),
    }


def subscription_publish(subscription: Subscription, event_type: AppEventType) -> None:
    """Tells the app through its outbound webhooks, delivered after this transaction commits."""
    app_event_publish(
        app=subscription.app, event_type=event_type, data=subscription_snapshot(subscription)
    )


def subscription_changed_send(subscription: Subscription, actor: Actor) -> None:
    """Tells the apps above (usage re-applies the customer's quotas) once the change is
    committed. A failure there must not undo a change the provider already made, so it only
    logs (`robust`)."""
    app, customer = subscription.app, subscription.customer

    def send() -> None:
        subscription_changed.send(sender=Subscription, app=app, customer=customer, actor=actor)

    transaction.on_commit(send, robust=True)


def subscription_result_apply(subscription: Subscription, result: SubscriptionResult) -> None:
    subscription.status = SubscriptionStatus(str(result.status))
    subscription.provider_subscription_id = result.provider_reference
    subscription.trial_end = result.trial_end
    subscription.current_period_start = result.current_period_start
    subscription.current_period_end = result.current_period_end
    subscription.cancel_at_period_end = result.cancel_at_period_end
    subscription.canceled_at = result.canceled_at
    subscription.sync_state = SyncState.SYNCED
    subscription.approval_url = result.approval_url
    # Only answers that expand the first invoice carry the secret; the webhooks' objects do not.
    if subscription.status != SubscriptionStatus.INCOMPLETE:
        subscription.client_secret = ""
    elif result.client_secret:
        subscription.client_secret = result.client_secret


def subscription_publish_change(
    subscription: Subscription, *, was_pending: bool, previous_status: str
) -> None:
    if was_pending:
        subscription_publish(subscription, AppEventType.SUBSCRIPTION_CREATED)
    elif (
        subscription.status == SubscriptionStatus.CANCELED
        and previous_status != SubscriptionStatus.CANCELED
    ):
        subscription_publish(subscription, AppEventType.SUBSCRIPTION_CANCELED)
    else:
        subscription_publish(subscription, AppEventType.SUBSCRIPTION_UPDATED)


def subscription_locked(*, app: App, subscription_id: str) -> Subscription:
    return (
        Subscription.objects.for_app(app)
        .select_for_update(of=("self",))
        .select_related("app", "customer", "plan", "plan_version")
        .get(pk=subscription_id)
    )


def subscription_require_synced(subscription: Subscription) -> None:
    if subscription.sync_state != SyncState.SYNCED:
        raise ConflictError(
            "The subscription is still being created at the provider; retry shortly.",
            code=BillingErrorCode.SUBSCRIPTION_PENDING,
        )
    if subscription.status in FINISHED_STATUSES:
        raise ConflictError(
            f"The subscription is {subscription.status}.",
            code=BillingErrorCode.SUBSCRIPTION_CANCELED,
        )


def subscription_sync_record(
    subscription: Subscription,
    *,
    actor: Actor,
    before: dict[str, Any],
    source: str,
    error: str = "",
) -> None:
    audit_event_record(
        app=subscription.app,
        actor=actor,
        action_type=BillingAuditAction.SYNC_SUBSCRIPTION,
        target_type=TARGET_TYPE,
        target_id=subscription.pk,
        payload_snapshot={
            "source": source,
            "from": {key: value for key, value in before.items() if key != "metadata"},
            "subscription": subscription_snapshot(subscription),
            **({"error": error} if error else {}),
        },
    )
