"""Subscriptions as the provider's webhooks report them: its state of the subscription, and
its invoices paid or failed (told to the apps above through billing/signals.py).

Each event carries the provider's time of the change, and an event older than the state we hold
never wins, so duplicates and out-of-order deliveries are harmless."""

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from audit.services import audit_event_record
from billing import signals
from billing.audit_actions import BillingAuditAction
from billing.clocks import customer_time
from billing.models import Subscription, SubscriptionStatus
from billing.providers.base import (
    ProviderWebhookChange,
    SubscriptionResult,
)
from billing.providers.pending import (
    SyncState,
)
from billing.providers.registry import provider_for
from billing.subscription_records import (
    FINISHED_STATUSES,
    TARGET_TYPE,
    pending_change_snapshot,
    subscription_changed_send,
    subscription_locked,
    subscription_publish_change,
    subscription_result_apply,
    subscription_snapshot,
    subscription_sync_record,
)
from billing.subscription_schedules import pending_change_clear
from catalog.models import PlanVersion
from tenants.actors import STRIPE, Actor
from tenants.models import App

logger = logging.getLogger(__name__)


# A failed payment on these opens no grace period: the subscription never started, or is over.
_NO_GRACE_STATUSES = FINISHED_STATUSES | {SubscriptionStatus.INCOMPLETE}


def _subscription_for_provider(
    *, provider_reference: str, metadata: Mapping[str, Any]
) -> Subscription | None:
    """Ours by the provider's id, or, before we stored that id (the webhook can beat the
    creating request's answer), by the ids our metadata carries. Anything else is not ours."""
    subscriptions = Subscription.objects.all_tenants().select_related(
        "app", "customer", "plan", "plan_version"
    )
    if provider_reference:
        subscription = subscriptions.filter(provider_subscription_id=provider_reference).first()
        if subscription is not None:
            return subscription
    app_id = str(metadata.get("app_id") or "")
    subscription_id = str(metadata.get("subscription_id") or "")
    if not (app_id and subscription_id):
        return None
    subscription = subscriptions.filter(app_id=app_id, pk=subscription_id).first()
    if subscription is None or subscription.provider_subscription_id not in (
        "",
        provider_reference,
    ):
        return None
    return subscription


def _version_prices(version: PlanVersion) -> set[str]:
    prices = {component.provider_price_id for component in version.metered.all()}
    prices.add(version.provider_base_price_id)
    return prices - {""}


def _plan_version_for_prices(*, app: App, prices: set[str]) -> PlanVersion | None:
    """The app's plan version whose provider prices are exactly `prices` (the newest, should
    two versions share them), or None."""
    candidates = (
        PlanVersion.objects.for_app(app)
        .filter(
            models.Q(provider_base_price_id__in=prices)
            | models.Q(metered__provider_price_id__in=prices)
        )
        .distinct()
        .select_related("plan")
        .prefetch_related("metered")
        .order_by("-created_at", "-pk")
    )
    return next((version for version in candidates if _version_prices(version) == prices), None)


def _plan_follow_provider(subscription: Subscription, result: SubscriptionResult) -> None:
    """A subscription whose prices were changed at the provider (Stripe's dashboard, say) moves
    to the plan version those prices belong to, so its quotas, entitlements and invoices agree.
    Prices of no plan version of the app leave the plan as it is, with a warning."""
    prices = set(result.item_references)
    if not prices or prices == _version_prices(subscription.plan_version):
        return
    version = _plan_version_for_prices(app=subscription.app, prices=prices)
    if version is None:
        logger.warning(
            "Subscription %s has provider prices of no plan version of its app; its plan is "
            "left as it was.",
            subscription.pk,
            extra={"prices": sorted(prices)},
        )
        return
    subscription.plan = version.plan
    subscription.plan_version = version


def _scheduled_change_applied(subscription: Subscription) -> dict[str, Any] | None:
    """The pending change, cleared, when the provider's renewal has put the subscription on
    its plan version (the provider's schedule applied it); else None, the change still
    pending."""
    if (
        subscription.pending_plan_version_id is None
        or subscription.plan_version_id != subscription.pending_plan_version_id
    ):
        return None
    applied = pending_change_snapshot(subscription)
    pending_change_clear(subscription)
    return applied


def _scheduled_change_record(
    subscription: Subscription, *, actor: Actor, before: dict[str, Any], applied: dict[str, Any]
) -> None:
    audit_event_record(
        app=subscription.app,
        actor=actor,
        action_type=BillingAuditAction.CHANGE_PLAN,
        target_type=TARGET_TYPE,
        target_id=subscription.pk,
        payload_snapshot={
            "from": {"plan": before["plan"], "plan_version": before["plan_version"]},
            "to": {"plan": applied["plan"], "plan_version": applied["plan_version"]},
            "at": "period_end",
            "schedule": applied["schedule"],
            "source": "webhook",
            "subscription": subscription_snapshot(subscription),
        },
    )


def subscription_sync_from_provider(
    *,
    result: SubscriptionResult,
    provider_state_at: datetime,
    metadata: Mapping[str, Any],
    actor: Actor = STRIPE,
) -> Subscription | None:
    """Applies the provider's state of a subscription, as of `provider_state_at` (the event's
    time). A state older than the one we hold is ignored, so events arriving twice or out of
    order never move a subscription back. Not ours → None, nothing written."""
    found = _subscription_for_provider(
        provider_reference=result.provider_reference, metadata=metadata
    )
    if found is None:
        return None
    with transaction.atomic():
        subscription = subscription_locked(app=found.app, subscription_id=found.pk)
        held_at = subscription.provider_state_at
        if held_at is not None and provider_state_at < held_at:
            return subscription
        if subscription.status in FINISHED_STATUSES and str(result.status) not in FINISHED_STATUSES:
            # An ended subscription never starts again at a provider (Stripe's and PayPal's
            # end is final): a live state is one read before the end, however late it came
            # (an event of a change made just before a cancellation, delivered after it).
            return subscription
        before = subscription_snapshot(subscription)
        was_pending = subscription.sync_state != SyncState.SYNCED
        previous_status = subscription.status
        subscription_result_apply(subscription, result)
        _plan_follow_provider(subscription, result)
        scheduled_change = _scheduled_change_applied(subscription)
        if subscription.status in FINISHED_STATUSES:
            # Ended at the provider: its schedule ended with it.
            pending_change_clear(subscription)
        subscription.provider_state_at = provider_state_at
        subscription.save()
        if subscription_snapshot(subscription) != before:
            if scheduled_change is not None:
                _scheduled_change_record(
                    subscription, actor=actor, before=before, applied=scheduled_change
                )
            else:
                subscription_sync_record(subscription, actor=actor, before=before, source="webhook")
            subscription_publish_change(
                subscription, was_pending=was_pending, previous_status=previous_status
            )
            subscription_changed_send(subscription, actor)
    return subscription


def subscription_invoice_paid(
    *,
    provider_subscription_reference: str,
    metadata: Mapping[str, Any],
    invoice_reference: str,
    provider_time: datetime | None = None,
    actor: Actor = STRIPE,
) -> Subscription | None:
    """The subscription's invoice was paid: `subscription_invoice_paid` is sent inside one
    transaction, so grace resolves the payment_failed grace period that invoice opened, with
    its audit row. Idempotent; not ours → None."""
    subscription = _subscription_for_provider(
        provider_reference=provider_subscription_reference, metadata=metadata
    )
    if subscription is None:
        return None
    with transaction.atomic():
        signals.subscription_invoice_paid.send(
            sender=Subscription,
            subscription=subscription,
            invoice_reference=invoice_reference,
            actor=actor,
            now=customer_time(customer=subscription.customer, provider_time=provider_time),
        )
    return subscription


def subscription_invoice_payment_failed(
    *,
    provider_subscription_reference: str,
    metadata: Mapping[str, Any],
    invoice_reference: str,
    invoice_status: str,
    opened_the_subscription: bool = False,
    provider_time: datetime | None = None,
    paid_at: datetime | None = None,
    actor: Actor = STRIPE,
) -> Subscription | None:
    """The subscription's invoice failed: `subscription_invoice_payment_failed` is sent inside
    one transaction, so grace opens a payment_failed grace period (named after the invoice;
    idempotent) with its audit row, unless the subscription never started (its first invoice:
    the subscription is incomplete, not in grace) or is over.

    The history does not depend on when the event arrives. An event handled after the invoice
    was paid (a late or held-back delivery) still records that the payment failed: the signal
    then carries `paid_at`, and the grace period opens and is resolved at once, as the same
    events on time would have left it. Not ours → None."""
    subscription = _subscription_for_provider(
        provider_reference=provider_subscription_reference, metadata=metadata
    )
    if subscription is None:
        return None
    if opened_the_subscription or subscription.status in _NO_GRACE_STATUSES:
        return subscription
    settled = invoice_status == "paid"
    if invoice_status != "open" and not settled:
        # Voided or uncollectible since: nothing is owed, so no grace period opens for it.
        return subscription
    with transaction.atomic():
        signals.subscription_invoice_payment_failed.send(
            sender=Subscription,
            subscription=subscription,
            invoice_reference=invoice_reference,
            actor=actor,
            now=customer_time(customer=subscription.customer, provider_time=provider_time),
            paid_at=(
                customer_time(
                    customer=subscription.customer, provider_time=paid_at or provider_time
                )
                if settled
                else None
            ),
        )
    return subscription


def subscription_sync_from_webhook_change(*, change: ProviderWebhookChange, actor: Actor) -> None:
    """What a provider's event (from the generic webhook endpoint) changed in a subscription:
    its state is read again from the provider and applied (so duplicated and reordered events
    end in the same place), then a cycle payment's failure or success is told to the apps
    above as an invoice's is, under the name the provider gave what was owed. Not ours →
    nothing written."""
    if not change.subscription_reference:
        return
    found = _subscription_for_provider(
        provider_reference=change.subscription_reference, metadata=change.subscription_metadata
    )
    if found is None:
        return
    result = provider_for(app=found.app).subscription_retrieve(
        provider_reference=change.subscription_reference
    )
    subscription_sync_from_provider(
        result=result,
        provider_state_at=change.provider_time or timezone.now(),
        metadata=change.subscription_metadata,
        actor=actor,
    )
    payment = change.subscription_payment
    if payment is None:
        return
    if payment.succeeded:
        subscription_invoice_paid(
            provider_subscription_reference=payment.subscription_reference,
            metadata=payment.metadata,
            invoice_reference=payment.invoice_reference,
            provider_time=payment.attempted_at,
            actor=actor,
        )
        return
    subscription_invoice_payment_failed(
        provider_subscription_reference=payment.subscription_reference,
        metadata=payment.metadata,
        invoice_reference=payment.invoice_reference,
        invoice_status="paid" if payment.paid_at else "open",
        provider_time=payment.attempted_at,
        paid_at=payment.paid_at,
        actor=actor,
    )
