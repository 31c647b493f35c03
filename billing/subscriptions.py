"""Subscriptions: a customer on a plan version, billed by the provider. The writes our API
makes (create, cancel, change plan); reads are in billing/selectors.py, the calls to the
provider in billing/subscription_provider_sync.py, its webhooks in
billing/subscription_webhook_sync.py."""

from typing import cast

from django.db import IntegrityError, transaction

from api.errors import (
    ConflictError,
    ErrorCode,
    IdempotencyError,
    InvalidRequestError,
)
from api.ids import new_id
from audit.services import audit_event_record
from billing.audit_actions import BillingAuditAction
from billing.coupons import discount_choose, discount_record, subscription_discounts_replace
from billing.errors import BillingErrorCode
from billing.models import Customer, DiscountTarget, Subscription, SubscriptionStatus
from billing.providers.base import (
    Capability,
    Proration,
    ProviderError,
    SubscriptionChangeRequest,
)
from billing.providers.capabilities import capability_supported_check
from billing.providers.errors import api_error_from_provider
from billing.providers.keys import provider_idempotency_key
from billing.providers.pending import (
    SyncState,
)
from billing.providers.registry import provider_for
from billing.selectors import customer_get, subscription_get, subscriptions_for_app
from billing.services import customer_update
from billing.subscription_provider_sync import (
    subscription_items,
    subscription_provider_create_or_schedule,
)
from billing.subscription_records import (
    FINISHED_STATUSES,
    TARGET_TYPE,
    pending_change_snapshot,
    subscription_changed_send,
    subscription_locked,
    subscription_publish,
    subscription_publish_change,
    subscription_require_synced,
    subscription_result_apply,
    subscription_snapshot,
)
from billing.subscription_schedules import (
    PlanChangeTiming,
    pending_change_clear,
    plan_change_default_timing,
    subscription_plan_change_schedule,
    subscription_schedule_release_at_provider,
)
from catalog.errors import CatalogErrorCode
from catalog.models import Plan, PlanVersion
from catalog.selectors import plan_get
from notifications.event_types import AppEventType
from tenants.actors import Actor
from tenants.models import App


def plan_for_subscription(*, app: App, plan_id: str) -> Plan:
    plan = plan_get(app=app, plan_id=plan_id)
    if not plan.is_active:
        raise InvalidRequestError(
            "The plan is archived and takes no new subscriptions.",
            code=CatalogErrorCode.PLAN_ARCHIVED,
            param="plan",
        )
    if plan.current_version is None:
        raise ConflictError(
            "The plan has no prices.", code=BillingErrorCode.PLAN_NOT_SYNCED, param="plan"
        )
    return plan


def _same_request(subscription: Subscription, *, customer: Customer, plan: Plan) -> None:
    if subscription.customer_id != customer.pk or subscription.plan_id != plan.pk:
        raise IdempotencyError(
            "This Idempotency-Key was already used with a different request.",
            code=ErrorCode.IDEMPOTENCY_KEY_REUSED,
        )


def subscription_second_live_refuse(
    *, app: App, customer: Customer, request_key: str | None
) -> None:
    """Unless the app allows several, a customer has at most one live subscription: any not
    canceled or expired, pending and `incomplete` ones included (their first payment may still
    go through). Called with the customer's row locked, so two concurrent creates for one
    customer are serialised and the second one sees the first."""
    if app.allow_multiple_subscriptions:
        return
    live = (
        Subscription.objects.for_app(app)
        .filter(customer=customer)
        .exclude(status__in=FINISHED_STATUSES)
    )
    if request_key:
        # The same request retried: the idempotent path below answers it.
        live = live.exclude(request_key=request_key)
    existing = live.order_by("-created_at").values_list("pk", flat=True).first()
    if existing is not None:
        raise ConflictError(
            f"The customer already has a live subscription ({existing}); cancel it or change "
            "its plan instead.",
            code=BillingErrorCode.CUSTOMER_HAS_SUBSCRIPTION,
            param="customer",
            extra={"subscription": existing},
        )


def subscription_create(
    *,
    app: App,
    actor: Actor,
    customer: str,
    plan: str,
    trial_period_days: int | None = None,
    payment_method: str = "",
    metadata: dict[str, str] | None = None,
    return_url: str = "",
    coupon: str | None = None,
    promotion_code: str | None = None,
    request_key: str | None = None,
) -> Subscription:
    """Subscribes the customer to the plan's current version: its base price, one item per
    metered component, or both. `trial_period_days` overrides the plan's; `payment_method` (a
    provider token such as `pm_card_visa`) becomes the customer's default, as on
    `POST /v1/customers`, and the subscription's. Without one, and without a trial, the
    provider decides (Stripe answers `incomplete`). `return_url`: where a provider whose
    customers approve each subscription on its page (PayPal) sends them back; the
    subscription is `incomplete` with its `approval_url` until they have. `coupon` or
    `promotion_code` is redeemed on it (checked against every limit first); without either,
    the customer's own discount."""
    capability_supported_check(app=app, capability=Capability.SUBSCRIPTIONS, param=None)
    if not return_url:
        capability_supported_check(
            app=app, capability=Capability.SUBSCRIPTIONS_WITHOUT_APPROVAL, param="return_url"
        )
    subscriber = customer_get(app=app, customer_id=customer)
    subscribed_plan = plan_for_subscription(app=app, plan_id=plan)
    if request_key:
        existing = subscriptions_for_app(app).filter(request_key=request_key).first()
        if existing is not None:
            _same_request(existing, customer=subscriber, plan=subscribed_plan)
            if existing.sync_state == SyncState.SYNCED:
                return existing
            return subscription_provider_create_or_schedule(subscription=existing)
    # Never None: plan_for_subscription refuses a plan without a version.
    version = cast(PlanVersion, subscribed_plan.current_version)
    subscription_items(
        version
    )  # refuses a plan whose prices are not at the provider, before any write
    if not subscriber.provider_customer_id:
        raise ConflictError(
            "The customer is not at the provider yet; retry shortly.",
            code=BillingErrorCode.CUSTOMER_NOT_SYNCED,
            param="customer",
        )
    # Checked again under the customer's lock below; this one keeps a refused request from
    # changing the customer's card first.
    subscription_second_live_refuse(app=app, customer=subscriber, request_key=request_key)
    discount_choice = discount_choose(
        app=app,
        customer=subscriber,
        coupon=coupon,
        promotion_code=promotion_code,
        plan=subscribed_plan,
        currency=subscribed_plan.currency,
        inherit_customer_discount=True,
    )
    if payment_method:
        subscriber = customer_update(
            app=app,
            actor=actor,
            customer_id=subscriber.pk,
            request_key=request_key,
            payment_method=payment_method,
        )
    trial_days = (
        subscribed_plan.trial_period_days if trial_period_days is None else trial_period_days
    )
    try:
        with transaction.atomic():
            Customer.objects.for_app(app).select_for_update().filter(pk=subscriber.pk).first()
            subscription_second_live_refuse(app=app, customer=subscriber, request_key=request_key)
            subscription = Subscription.objects.create(
                id=new_id("sub"),
                app=app,
                customer=subscriber,
                plan=subscribed_plan,
                plan_version=version,
                status=SubscriptionStatus.INCOMPLETE,
                sync_state=SyncState.PENDING,
                trial_period_days=trial_days,
                payment_method=subscriber.default_payment_method if payment_method else "",
                metadata=metadata or {},
                return_url=return_url,
                request_key=request_key,
            )
            audit_event_record(
                app=app,
                actor=actor,
                action_type=BillingAuditAction.CREATE_SUBSCRIPTION,
                target_type=TARGET_TYPE,
                target_id=subscription.pk,
                payload_snapshot=subscription_snapshot(subscription),
            )
            if discount_choice is not None:
                discount_record(
                    app=app,
                    actor=actor,
                    choice=discount_choice,
                    customer=subscriber,
                    target=DiscountTarget.SUBSCRIPTION,
                    subscription=subscription,
                )
    except IntegrityError:
        # A concurrent retry with the same key wrote it first; continue with that one.
        subscription = subscriptions_for_app(app).get(request_key=request_key)
        _same_request(subscription, customer=subscriber, plan=subscribed_plan)
    return subscription_provider_create_or_schedule(subscription=subscription)


def subscription_cancel(
    *,
    app: App,
    actor: Actor,
    subscription_id: str,
    at_period_end: bool = False,
    request_key: str | None = None,
) -> Subscription:
    """Cancels now (the provider ends it at once) or at the end of the current period. A plan
    change scheduled for the period's end is dropped (Stripe lets no schedule-managed
    subscription change its cancellation directly, so its schedule is released first)."""
    subscription = subscription_get(app=app, subscription_id=subscription_id)
    subscription_require_synced(subscription)
    if subscription.provider_schedule_id:
        subscription_schedule_release_at_provider(
            app=app,
            subscription=subscription,
            request_key=request_key,
            operation="subscription_schedule_release_for_cancel",
        )
    try:
        result = provider_for(app=app).subscription_cancel(
            provider_reference=subscription.provider_subscription_id,
            at_period_end=at_period_end,
            idempotency_key=provider_idempotency_key(
                app_id=app.pk,
                request_key=request_key,
                object_id=f"{subscription.pk}:{subscription.updated_at.timestamp()}",
                operation="subscription_cancel_at_period_end"
                if at_period_end
                else "subscription_cancel",
            ),
        )
    except ProviderError as error:
        raise api_error_from_provider(error) from None
    with transaction.atomic():
        subscription = subscription_locked(app=app, subscription_id=subscription.pk)
        previous_status = subscription.status
        dropped = pending_change_snapshot(subscription)
        subscription_result_apply(subscription, result)
        pending_change_clear(subscription)
        subscription.save()
        audit_event_record(
            app=app,
            actor=actor,
            action_type=BillingAuditAction.CANCEL_SUBSCRIPTION,
            target_type=TARGET_TYPE,
            target_id=subscription.pk,
            payload_snapshot={
                "at_period_end": at_period_end,
                **({"dropped_pending_change": dropped} if dropped else {}),
                "subscription": subscription_snapshot(subscription),
            },
        )
        subscription_publish_change(
            subscription, was_pending=False, previous_status=previous_status
        )
        subscription_changed_send(subscription, actor)
    return subscription


def subscription_change_plan(
    *,
    app: App,
    actor: Actor,
    subscription_id: str,
    plan: str,
    proration: str = Proration.CREATE_PRORATIONS,
    at: str | None = None,
    coupon: str | None = None,
    promotion_code: str | None = None,
    request_key: str | None = None,
) -> Subscription:
    """Moves the subscription to the plan's current version, `at` `now` or at the current
    period's `period_end` (by default a downgrade waits for the period's end and an upgrade
    applies now). Now, `proration` is the provider's choice: `create_prorations` (credit and
    charge on the next invoice), `none`, or `always_invoice` (invoice the difference now). At
    the period's end the change is scheduled at the provider and shown as `pending_change`
    until the renewal applies it; a change now drops a scheduled one. A change now may carry
    `coupon` or `promotion_code`, which replaces the subscription's discount."""
    subscription = subscription_get(app=app, subscription_id=subscription_id)
    new_plan = plan_for_subscription(app=app, plan_id=plan)
    subscription_require_synced(subscription)
    # Never None: plan_for_subscription refuses a plan without a version.
    new_version = cast(PlanVersion, new_plan.current_version)
    if new_version.pk == subscription.plan_version_id:
        raise InvalidRequestError(
            "The subscription is already on this plan's current version.",
            code=BillingErrorCode.PLAN_UNCHANGED,
            param="plan",
        )
    if new_plan.currency != subscription.plan.currency:
        raise InvalidRequestError(
            f"The plan is billed in {new_plan.currency}; the subscription in "
            f"{subscription.plan.currency}.",
            code=BillingErrorCode.CURRENCY_MISMATCH,
            param="plan",
        )
    timing = (
        PlanChangeTiming(at)
        if at is not None
        else plan_change_default_timing(current=subscription.plan_version, new=new_version)
    )
    discount_choice = discount_choose(
        app=app,
        customer=subscription.customer,
        coupon=coupon,
        promotion_code=promotion_code,
        plan=new_plan,
        currency=new_plan.currency,
    )
    if discount_choice is not None and timing == PlanChangeTiming.PERIOD_END:
        raise InvalidRequestError(
            "A coupon or promotion code comes with a plan change now, not at the period's end.",
            code=BillingErrorCode.COUPON_NOT_APPLICABLE,
            param="coupon" if coupon else "promotion_code",
        )
    if timing == PlanChangeTiming.PERIOD_END:
        return subscription_plan_change_schedule(
            app=app,
            actor=actor,
            subscription=subscription,
            new_plan=new_plan,
            new_version=new_version,
            request_key=request_key,
        )
    if subscription.provider_schedule_id:
        # The change scheduled for the period's end would undo this one at the renewal.
        subscription_schedule_release_at_provider(
            app=app,
            subscription=subscription,
            request_key=request_key,
            operation=f"subscription_schedule_release_{new_version.pk}",
        )
    try:
        result = provider_for(app=app).subscription_change(
            SubscriptionChangeRequest(
                idempotency_key=provider_idempotency_key(
                    app_id=app.pk,
                    request_key=request_key,
                    object_id=f"{subscription.pk}:{subscription.updated_at.timestamp()}",
                    operation=f"subscription_change_{new_version.pk}",
                ),
                provider_reference=subscription.provider_subscription_id,
                items=subscription_items(new_version),
                proration=Proration(proration),
                return_url=subscription.return_url,
                discounts=[discount_choice.provider_request()] if discount_choice else [],
            )
        )
    except ProviderError as error:
        raise api_error_from_provider(error, param="plan") from None
    with transaction.atomic():
        subscription = subscription_locked(app=app, subscription_id=subscription.pk)
        previous = {"plan": subscription.plan_id, "plan_version": subscription.plan_version.version}
        replaced = pending_change_snapshot(subscription)
        subscription_result_apply(subscription, result)
        if not result.approval_url:
            subscription.plan = new_plan
            subscription.plan_version = new_version
        # else the change waits for the customer's approval at the provider (PayPal's revise):
        # the provider's webhook moves the subscription to the plan once they have approved.
        pending_change_clear(subscription)
        subscription.save()
        if discount_choice is not None:
            subscription_discounts_replace(
                app=app, actor=actor, subscription=subscription, choice=discount_choice
            )
        audit_event_record(
            app=app,
            actor=actor,
            action_type=BillingAuditAction.CHANGE_PLAN,
            target_type=TARGET_TYPE,
            target_id=subscription.pk,
            payload_snapshot={
                "from": previous,
                "to": {"plan": new_plan.pk, "plan_version": new_version.version},
                "proration": str(proration),
                "at": str(PlanChangeTiming.NOW),
                **({"approval_url": result.approval_url} if result.approval_url else {}),
                **({"replaced": replaced} if replaced else {}),
                "subscription": subscription_snapshot(subscription),
            },
        )
        subscription_publish(subscription, AppEventType.SUBSCRIPTION_UPDATED)
        subscription_changed_send(subscription, actor)
    return subscription


def subscription_resume(
    *,
    app: App,
    actor: Actor,
    subscription_id: str,
    request_key: str | None = None,
) -> Subscription:
    """Undoes `cancel` with `at_period_end` before the period ends: the subscription renews
    again. Only a subscription that is set to cancel at its period's end and has not ended."""
    subscription = subscription_get(app=app, subscription_id=subscription_id)
    if subscription.status in FINISHED_STATUSES or (
        subscription.sync_state == SyncState.SYNCED and not subscription.cancel_at_period_end
    ):
        reason = (
            f"is {subscription.status}"
            if subscription.status in FINISHED_STATUSES
            else "is not set to cancel at the end of its period"
        )
        raise ConflictError(
            f"The subscription {reason}; only a pending cancellation can be undone.",
            code=BillingErrorCode.SUBSCRIPTION_NOT_RESUMABLE,
        )
    subscription_require_synced(subscription)
    try:
        result = provider_for(app=app).subscription_resume(
            provider_reference=subscription.provider_subscription_id,
            idempotency_key=provider_idempotency_key(
                app_id=app.pk,
                request_key=request_key,
                object_id=f"{subscription.pk}:{subscription.updated_at.timestamp()}",
                operation="subscription_resume",
            ),
        )
    except ProviderError as error:
        raise api_error_from_provider(error) from None
    with transaction.atomic():
        subscription = subscription_locked(app=app, subscription_id=subscription.pk)
        previous = subscription_snapshot(subscription)
        subscription_result_apply(subscription, result)
        subscription.save()
        audit_event_record(
            app=app,
            actor=actor,
            action_type=BillingAuditAction.RESUME_SUBSCRIPTION,
            target_type=TARGET_TYPE,
            target_id=subscription.pk,
            payload_snapshot={
                "from": {
                    "cancel_at_period_end": previous["cancel_at_period_end"],
                    "canceled_at": previous["canceled_at"],
                },
                "subscription": subscription_snapshot(subscription),
            },
        )
        subscription_publish(subscription, AppEventType.SUBSCRIPTION_UPDATED)
        subscription_changed_send(subscription, actor)
    return subscription
