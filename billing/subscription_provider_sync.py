"""Subscriptions at the provider: the request built from our row, the call, and its answer
applied (billing/providers/pending.py has the strategy).

Creating one is the money path. The row is written first (pending, with its audit event) and
committed; then the provider is asked, with an idempotency key derived from our row id, and its
answer applied. An outage answers 502 and leaves the pending row, which a client retry with the
same Idempotency-Key, or the retry job, completes with the same key: the provider makes one
subscription however often we ask."""

import logging
from datetime import datetime
from functools import partial

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from api.errors import (
    ConflictError,
    ServiceError,
)
from api.errors import ProviderUnavailableError as ApiProviderUnavailableError
from billing.coupons import subscription_discount
from billing.errors import BillingErrorCode
from billing.models import Subscription
from billing.providers.base import (
    DiscountRequest,
    ProviderError,
    ProviderRequestError,
    SubscriptionItemRequest,
    SubscriptionRequest,
)
from billing.providers.errors import ProviderErrorCode, api_error_from_provider
from billing.providers.keys import provider_idempotency_key
from billing.providers.pending import (
    RETRY_BATCH_SIZE,
    SyncState,
    pending_complete,
    pending_retry_window,
)
from billing.providers.registry import provider_for
from billing.subscription_records import (
    subscription_changed_send,
    subscription_locked,
    subscription_publish_change,
    subscription_result_apply,
    subscription_snapshot,
    subscription_sync_record,
)
from catalog.models import PlanVersion
from tenants.actors import SYSTEM, Actor

logger = logging.getLogger(__name__)


# After an outage, the request's own retry waits this long before asking again.
DEFAULT_RETRY_COUNTDOWN_SECONDS = 30


def subscription_items(version: PlanVersion) -> list[SubscriptionItemRequest]:
    """The base price, then one item per metered component (metered items have no quantity)."""
    items = []
    if version.base_amount is not None:
        items.append(SubscriptionItemRequest(price_reference=version.provider_base_price_id))
    for component in version.metered.order_by("pk"):
        items.append(
            SubscriptionItemRequest(price_reference=component.provider_price_id, quantity=None)
        )
    if not items or any(not item.price_reference for item in items):
        raise ConflictError(
            "The plan's prices are not at the provider yet; retry shortly.",
            code=BillingErrorCode.PLAN_NOT_SYNCED,
            param="plan",
        )
    return items


def subscription_discount_requests(subscription: Subscription) -> list[DiscountRequest]:
    """The discount redeemed with the subscription, as the provider is asked for it."""
    discount = subscription_discount(subscription)
    if discount is None:
        return []
    if discount.promotion_code is not None and not discount.inherited:
        return [
            DiscountRequest(
                promotion_code_reference=discount.promotion_code.provider_promotion_code_id
            )
        ]
    return [DiscountRequest(coupon_reference=discount.coupon.provider_coupon_id)]


def _provider_create(*, subscription: Subscription, actor: Actor | None) -> Subscription:
    """Asks the provider for the pending subscription, with the key derived from our row, and
    applies its answer. `actor` is recorded when someone other than the creating request (the
    retry job) completes the row; the request's own CREATE_SUBSCRIPTION covers it otherwise."""
    app = subscription.app
    request = SubscriptionRequest(
        idempotency_key=provider_idempotency_key(
            app_id=app.pk,
            request_key=None,
            object_id=subscription.pk,
            operation="subscription_create",
        ),
        app_id=app.pk,
        subscription_id=subscription.pk,
        customer_reference=subscription.customer.provider_customer_id,
        items=subscription_items(subscription.plan_version),
        trial_period_days=subscription.trial_period_days,
        payment_method=subscription.payment_method,
        metadata=subscription.metadata,
        return_url=subscription.return_url,
        discounts=subscription_discount_requests(subscription),
    )
    try:
        result = provider_for(app=app).subscription_create(request)
    except ProviderRequestError as error:
        if error.code == ProviderErrorCode.IDEMPOTENCY_ERROR:
            # Another attempt with the same key is at the provider right now.
            raise ApiProviderUnavailableError(
                "The subscription is being created; retry shortly.",
                code=BillingErrorCode.PROVIDER_BUSY,
            ) from None
        _failed(subscription=subscription, actor=actor, error=error)
        raise api_error_from_provider(error) from None
    except ProviderError as error:
        raise api_error_from_provider(error) from None
    with transaction.atomic():
        subscription = subscription_locked(app=app, subscription_id=subscription.pk)
        before = subscription_snapshot(subscription)
        was_pending = subscription.sync_state != SyncState.SYNCED
        previous_status = subscription.status
        subscription_result_apply(subscription, result)
        subscription.save()
        after = subscription_snapshot(subscription)
        if after != before:
            if actor is not None:
                subscription_sync_record(subscription, actor=actor, before=before, source="retry")
            subscription_publish_change(
                subscription, was_pending=was_pending, previous_status=previous_status
            )
            subscription_changed_send(subscription, actor or SYSTEM)
    return subscription


def _failed(*, subscription: Subscription, actor: Actor | None, error: ProviderError) -> None:
    """The provider refused the request itself: the row stays, marked failed, so the audit
    trail's CREATE_SUBSCRIPTION still points at something; the retry job leaves it alone."""
    with transaction.atomic():
        subscription = subscription_locked(app=subscription.app, subscription_id=subscription.pk)
        if subscription.sync_state != SyncState.PENDING:
            return
        before = subscription_snapshot(subscription)
        subscription.sync_state = SyncState.FAILED
        subscription.save(update_fields=["sync_state", "updated_at"])
        if actor is not None:
            subscription_sync_record(
                subscription, actor=actor, before=before, source="retry", error=error.message
            )


def _retry_enqueue(subscription_id: str) -> None:
    countdown = getattr(
        settings, "SUBSCRIPTION_RETRY_COUNTDOWN_SECONDS", DEFAULT_RETRY_COUNTDOWN_SECONDS
    )
    subscription_complete_pending_task.apply_async(
        kwargs={"subscription_id": subscription_id}, countdown=countdown
    )


def subscription_provider_create_or_schedule(*, subscription: Subscription) -> Subscription:
    try:
        return _provider_create(subscription=subscription, actor=None)
    except ApiProviderUnavailableError:
        # robust: a broker outage must not turn the 502 into a 500; the beat job still sweeps.
        transaction.on_commit(partial(_retry_enqueue, subscription.pk), robust=True)
        raise


def subscription_complete_pending(*, subscription_id: str) -> Subscription | None:
    """Completes one pending subscription (the retry a 502 schedules). Another outage leaves it
    to the beat job; a refusal is recorded on the row."""
    subscription = (
        Subscription.objects.all_tenants()
        .select_related("app", "customer", "plan", "plan_version")
        .filter(pk=subscription_id, sync_state=SyncState.PENDING)
        .first()
    )
    if subscription is None:
        return None
    try:
        return _provider_create(subscription=subscription, actor=SYSTEM)
    except ServiceError as error:
        logger.warning("Pending subscription %s not completed: %s", subscription_id, error)
        return None


def subscriptions_complete_pending(*, now: datetime | None = None) -> int:
    """The retry job, across every app: pending subscriptions whose request died or met an
    outage are asked for again with the same idempotency key, so the provider answers with the
    first attempt if there was one. Returns how many it completed (or saw refused)."""
    now = now or timezone.now()
    pending = (
        Subscription.objects.all_tenants()
        .filter(sync_state=SyncState.PENDING, **pending_retry_window(now))
        .select_related("app", "customer", "plan", "plan_version")
        .order_by("created_at", "pk")[:RETRY_BATCH_SIZE]
    )
    # A refusal is recorded on the row as failed.
    return pending_complete(pending, _provider_create_for_retry)


def _provider_create_for_retry(subscription: Subscription) -> None:
    _provider_create(subscription=subscription, actor=SYSTEM)


def subscription_provider_retry(*, subscription: Subscription, actor: Actor) -> Subscription:
    """An operator's "retry now" for a subscription still pending at the provider: the same
    request with the same key as the retry job's, recorded under the operator."""
    if subscription.sync_state != SyncState.PENDING:
        raise ConflictError(
            f"The subscription is {subscription.sync_state} at the provider, not pending.",
            code=BillingErrorCode.SUBSCRIPTION_NOT_PENDING,
        )
    return _provider_create(subscription=subscription, actor=actor)


@shared_task(name="billing.tasks.subscription_complete_pending")  # type: ignore[untyped-decorator]  # Celery is untyped
def subscription_complete_pending_task(*, subscription_id: str) -> None:
    """The request's own retry after an outage (billing.tasks names it)."""
    subscription_complete_pending(subscription_id=subscription_id)
