"""Plan changes scheduled for the end of the current period: held by the provider (a Stripe
subscription schedule), so the change happens at the renewal even while we are down, shown on
the subscription as its pending change until the provider reports it applied (see
billing/subscription_webhook_sync.py), and cancellable before then."""

from enum import StrEnum
from fractions import Fraction

from django.db import transaction

from api.errors import ConflictError, InvalidRequestError
from audit.services import audit_event_record
from billing.audit_actions import BillingAuditAction
from billing.errors import BillingErrorCode
from billing.models import Subscription, SubscriptionStatus
from billing.providers.base import ProviderError, SubscriptionScheduleRequest
from billing.providers.errors import api_error_from_provider
from billing.providers.keys import provider_idempotency_key
from billing.providers.registry import provider_for
from billing.selectors import subscription_get
from billing.subscription_provider_sync import subscription_items
from billing.subscription_records import (
    TARGET_TYPE,
    pending_change_snapshot,
    subscription_locked,
    subscription_publish,
    subscription_require_synced,
    subscription_snapshot,
)
from catalog.models import BillingInterval, Plan, PlanVersion
from notifications.event_types import AppEventType
from tenants.actors import Actor
from tenants.models import App


class PlanChangeTiming(StrEnum):
    NOW = "now"
    PERIOD_END = "period_end"


# How many of each interval fit in a month, on average over a leap cycle.
_PER_MONTH = {
    BillingInterval.DAY: Fraction(36525, 1200),
    BillingInterval.WEEK: Fraction(36525, 8400),
    BillingInterval.MONTH: Fraction(1),
    BillingInterval.YEAR: Fraction(1, 12),
}

# A schedule applies at a renewal, which these have; a trial's end is not a renewal.
_SCHEDULABLE_STATUSES = {SubscriptionStatus.ACTIVE, SubscriptionStatus.PAST_DUE}


def _monthly_base_amount(version: PlanVersion) -> Fraction:
    per_month = _PER_MONTH[BillingInterval(version.interval)]
    return Fraction(version.base_amount or 0) * per_month / version.interval_count


def plan_change_default_timing(*, current: PlanVersion, new: PlanVersion) -> PlanChangeTiming:
    """A downgrade (a lower base price a month) waits for the period's end, so the customer
    keeps what was paid for; an upgrade, or the same price, applies now."""
    if _monthly_base_amount(new) < _monthly_base_amount(current):
        return PlanChangeTiming.PERIOD_END
    return PlanChangeTiming.NOW


def pending_change_clear(subscription: Subscription) -> None:
    subscription.pending_plan_version = None
    subscription.pending_change_at = None
    subscription.provider_schedule_id = ""


def subscription_plan_change_schedule(
    *,
    app: App,
    actor: Actor,
    subscription: Subscription,
    new_plan: Plan,
    new_version: PlanVersion,
    request_key: str | None = None,
) -> Subscription:
    """Has the provider move the subscription to `new_version` at its current period's end;
    a change already scheduled is replaced (the provider's schedule is updated)."""
    if subscription.status not in _SCHEDULABLE_STATUSES:
        raise InvalidRequestError(
            f"A {subscription.status} subscription has no renewal to change its plan at; "
            "use `at=now`.",
            param="at",
        )
    if subscription.cancel_at_period_end:
        raise InvalidRequestError(
            "The subscription ends at its period's end; resume it before scheduling a change.",
            param="at",
        )
    try:
        result = provider_for(app=app).subscription_change_schedule(
            SubscriptionScheduleRequest(
                idempotency_key=provider_idempotency_key(
                    app_id=app.pk,
                    request_key=request_key,
                    object_id=f"{subscription.pk}:{subscription.updated_at.timestamp()}",
                    operation=f"subscription_schedule_{new_version.pk}",
                ),
                provider_reference=subscription.provider_subscription_id,
                items=subscription_items(new_version),
            )
        )
    except ProviderError as error:
        raise api_error_from_provider(error, param="plan") from None
    with transaction.atomic():
        subscription = subscription_locked(app=app, subscription_id=subscription.pk)
        previous = pending_change_snapshot(subscription)
        subscription.pending_plan_version = new_version
        subscription.pending_change_at = result.changes_at
        subscription.provider_schedule_id = result.schedule_reference
        subscription.save()
        audit_event_record(
            app=app,
            actor=actor,
            action_type=BillingAuditAction.SCHEDULE_PLAN_CHANGE,
            target_type=TARGET_TYPE,
            target_id=subscription.pk,
            payload_snapshot={
                "from": {
                    "plan": subscription.plan_id,
                    "plan_version": subscription.plan_version.version,
                },
                "to": {"plan": new_plan.pk, "plan_version": new_version.version},
                "replaced": previous,
                "subscription": subscription_snapshot(subscription),
            },
        )
        subscription_publish(subscription, AppEventType.SUBSCRIPTION_UPDATED)
    return subscription


def subscription_schedule_release_at_provider(
    *, app: App, subscription: Subscription, request_key: str | None, operation: str
) -> None:
    try:
        provider_for(app=app).subscription_schedule_release(
            schedule_reference=subscription.provider_schedule_id,
            idempotency_key=provider_idempotency_key(
                app_id=app.pk,
                request_key=request_key,
                object_id=f"{subscription.pk}:{subscription.updated_at.timestamp()}",
                operation=operation,
            ),
        )
    except ProviderError as error:
        raise api_error_from_provider(error) from None


def subscription_pending_change_cancel(
    *,
    app: App,
    actor: Actor,
    subscription_id: str,
    request_key: str | None = None,
) -> Subscription:
    """Drops the plan change scheduled for the period's end: the provider's schedule is
    released, and the subscription renews on its current plan."""
    subscription = subscription_get(app=app, subscription_id=subscription_id)
    subscription_require_synced(subscription)
    if subscription.pending_plan_version_id is None:
        raise ConflictError(
            "The subscription has no scheduled plan change.",
            code=BillingErrorCode.NO_PENDING_CHANGE,
        )
    subscription_schedule_release_at_provider(
        app=app,
        subscription=subscription,
        request_key=request_key,
        operation="subscription_schedule_release",
    )
    with transaction.atomic():
        subscription = subscription_locked(app=app, subscription_id=subscription.pk)
        canceled = pending_change_snapshot(subscription)
        if canceled is None:
            # A concurrent cancel got here first; it recorded the cancellation.
            return subscription
        pending_change_clear(subscription)
        subscription.save()
        audit_event_record(
            app=app,
            actor=actor,
            action_type=BillingAuditAction.CANCEL_PLAN_CHANGE,
            target_type=TARGET_TYPE,
            target_id=subscription.pk,
            payload_snapshot={
                "canceled": canceled,
                "subscription": subscription_snapshot(subscription),
            },
        )
        subscription_publish(subscription, AppEventType.SUBSCRIPTION_UPDATED)
    return subscription
