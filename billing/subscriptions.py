"""Subscriptions: a customer on a plan version, billed by the provider.

Creating one is the money path. The row is written first (pending, with its audit event) and
committed; then the provider is asked, with an idempotency key derived from our row id, and its
answer applied. An outage answers 502 and leaves the pending row, which a client retry with the
same Idempotency-Key, or the retry job, completes with the same key: the provider makes one
subscription however often we ask.

After that the provider's webhooks keep the row in step (`subscription_sync_from_provider`):
each carries the provider's time of the change, and an event older than the state we hold
never wins, so duplicates and out-of-order deliveries are harmless."""

import contextlib
import importlib
import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from api.errors import (
    ConflictError,
    IdempotencyError,
    InvalidRequestError,
    NotFoundError,
    ServiceError,
)
from api.errors import ProviderUnavailableError as ApiProviderUnavailableError
from api.ids import new_id
from audit.services import STRIPE, SYSTEM, Actor, audit_event_record
from billing.models import Customer, Subscription, SubscriptionStatus
from billing.providers.base import (
    Proration,
    ProviderError,
    ProviderRequestError,
    SubscriptionChangeRequest,
    SubscriptionItemRequest,
    SubscriptionRequest,
    SubscriptionResult,
)
from billing.providers.errors import api_error_from_provider
from billing.providers.keys import provider_idempotency_key
from billing.providers.pending import SyncState
from billing.providers.registry import provider_for
from billing.selectors import customer_get
from billing.services import customer_update
from catalog.models import Plan, PlanVersion
from catalog.selectors import plan_get
from tenants.models import App
from tenants.scoping import TenantScopedQuerySet

logger = logging.getLogger(__name__)

TARGET_TYPE = "subscription"
# A pending subscription younger than this may still be in flight in its own request.
RETRY_PENDING_AFTER = timedelta(minutes=2)
# Provider idempotency keys are kept 24 h; asking again after that could subscribe twice.
RETRY_PENDING_FOR = timedelta(hours=23)
RETRY_BATCH_SIZE = 100
# After an outage, the request's own retry waits this long before asking again.
DEFAULT_RETRY_COUNTDOWN_SECONDS = 30

_FINISHED_STATUSES = {SubscriptionStatus.CANCELED, SubscriptionStatus.INCOMPLETE_EXPIRED}
# A failed payment on these opens no grace period: the subscription never started, or is over.
_NO_GRACE_STATUSES = _FINISHED_STATUSES | {SubscriptionStatus.INCOMPLETE}


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


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
    }


def _publish(subscription: Subscription, event_type: str) -> None:
    """Tells the app through its outbound webhooks, delivered after this transaction commits."""
    if not apps.is_installed("notifications"):
        return
    from notifications.services import app_event_publish

    app_event_publish(
        app=subscription.app, event_type=event_type, data=subscription_snapshot(subscription)
    )


def _entitlements_refresh(subscription: Subscription, actor: Actor) -> None:
    """Re-applies the customer's quotas once a change is committed, where the usage app offers
    it. A failure there must not undo a change the provider already made, so it only logs."""
    try:
        module = importlib.import_module("usage.entitlements")
    except ImportError:
        return
    refresh = getattr(module, "entitlements_refresh_for_customer", None)
    if refresh is None:
        return

    def run(app: App, customer: Customer) -> None:
        refresh(app=app, customer=customer, actor=actor)

    transaction.on_commit(partial(run, subscription.app, subscription.customer), robust=True)


# Reads


def _subscriptions(app: App) -> TenantScopedQuerySet:
    return Subscription.objects.for_app(app).select_related(
        "app", "customer", "plan", "plan_version"
    )


def subscription_get(*, app: App, subscription_id: str) -> Subscription:
    subscription = _subscriptions(app).filter(pk=subscription_id).first()
    if subscription is None:
        raise NotFoundError("subscription")
    return subscription


def subscription_list(
    *, app: App, customer: str | None = None, status: str | None = None
) -> TenantScopedQuerySet:
    subscriptions = _subscriptions(app)
    if customer:
        subscriptions = subscriptions.filter(customer_id=customer)
    if status:
        subscriptions = subscriptions.filter(status=status)
    return subscriptions


# Provider requests and results


def _items(version: PlanVersion) -> list[SubscriptionItemRequest]:
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
            code="plan_not_synced",
            param="plan",
        )
    return items


def _result_apply(subscription: Subscription, result: SubscriptionResult) -> None:
    subscription.status = SubscriptionStatus(str(result.status))
    subscription.provider_subscription_id = result.provider_reference
    subscription.trial_end = result.trial_end
    subscription.current_period_start = result.current_period_start
    subscription.current_period_end = result.current_period_end
    subscription.cancel_at_period_end = result.cancel_at_period_end
    subscription.canceled_at = result.canceled_at
    subscription.sync_state = SyncState.SYNCED
    # Only answers that expand the first invoice carry the secret; the webhooks' objects do not.
    if subscription.status != SubscriptionStatus.INCOMPLETE:
        subscription.client_secret = ""
    elif result.client_secret:
        subscription.client_secret = result.client_secret


def _publish_change(subscription: Subscription, *, was_pending: bool, previous_status: str) -> None:
    if was_pending:
        _publish(subscription, "subscription.created")
    elif (
        subscription.status == SubscriptionStatus.CANCELED
        and previous_status != SubscriptionStatus.CANCELED
    ):
        _publish(subscription, "subscription.canceled")
    else:
        _publish(subscription, "subscription.updated")


def _locked(*, app: App, subscription_id: str) -> Subscription:
    return (
        Subscription.objects.for_app(app)
        .select_for_update(of=("self",))
        .select_related("app", "customer", "plan", "plan_version")
        .get(pk=subscription_id)
    )


def _require_synced(subscription: Subscription) -> None:
    if subscription.sync_state != SyncState.SYNCED:
        raise ConflictError(
            "The subscription is still being created at the provider; retry shortly.",
            code="subscription_pending",
        )
    if subscription.status in _FINISHED_STATUSES:
        raise ConflictError(
            f"The subscription is {subscription.status}.", code="subscription_canceled"
        )


# Create


def _plan_for_subscription(*, app: App, plan_id: str) -> Plan:
    plan = plan_get(app=app, plan_id=plan_id)
    if not plan.is_active:
        raise InvalidRequestError(
            "The plan is archived and takes no new subscriptions.",
            code="plan_archived",
            param="plan",
        )
    if plan.current_version is None:
        raise ConflictError("The plan has no prices.", code="plan_not_synced", param="plan")
    return plan


def _same_request(subscription: Subscription, *, customer: Customer, plan: Plan) -> None:
    if subscription.customer_id != customer.pk or subscription.plan_id != plan.pk:
        raise IdempotencyError(
            "This Idempotency-Key was already used with a different request.",
            code="idempotency_key_reused",
        )


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
        items=_items(subscription.plan_version),
        trial_period_days=subscription.trial_period_days,
        payment_method=subscription.payment_method,
        metadata=subscription.metadata,
    )
    try:
        result = provider_for(app=app).subscription_create(request)
    except ProviderRequestError as error:
        if error.code == "idempotency_error":
            # Another attempt with the same key is at the provider right now.
            raise ApiProviderUnavailableError(
                "The subscription is being created; retry shortly.", code="provider_busy"
            ) from None
        _failed(subscription=subscription, actor=actor, error=error)
        raise api_error_from_provider(error) from None
    except ProviderError as error:
        raise api_error_from_provider(error) from None
    with transaction.atomic():
        subscription = _locked(app=app, subscription_id=subscription.pk)
        before = subscription_snapshot(subscription)
        was_pending = subscription.sync_state != SyncState.SYNCED
        previous_status = subscription.status
        _result_apply(subscription, result)
        subscription.save()
        after = subscription_snapshot(subscription)
        if after != before:
            if actor is not None:
                _sync_record(subscription, actor=actor, before=before, source="retry")
            _publish_change(subscription, was_pending=was_pending, previous_status=previous_status)
            _entitlements_refresh(subscription, actor or SYSTEM)
    return subscription


def _failed(*, subscription: Subscription, actor: Actor | None, error: ProviderError) -> None:
    """The provider refused the request itself: the row stays, marked failed, so the audit
    trail's CREATE_SUBSCRIPTION still points at something; the retry job leaves it alone."""
    with transaction.atomic():
        subscription = _locked(app=subscription.app, subscription_id=subscription.pk)
        if subscription.sync_state != SyncState.PENDING:
            return
        before = subscription_snapshot(subscription)
        subscription.sync_state = SyncState.FAILED
        subscription.save(update_fields=["sync_state", "updated_at"])
        if actor is not None:
            _sync_record(
                subscription, actor=actor, before=before, source="retry", error=error.message
            )


def _retry_enqueue(subscription_id: str) -> None:
    from billing.tasks import subscription_complete_pending

    countdown = getattr(
        settings, "SUBSCRIPTION_RETRY_COUNTDOWN_SECONDS", DEFAULT_RETRY_COUNTDOWN_SECONDS
    )
    subscription_complete_pending.apply_async(
        kwargs={"subscription_id": subscription_id}, countdown=countdown
    )


def _provider_create_or_schedule(*, subscription: Subscription) -> Subscription:
    try:
        return _provider_create(subscription=subscription, actor=None)
    except ApiProviderUnavailableError:
        # robust: a broker outage must not turn the 502 into a 500; the beat job still sweeps.
        transaction.on_commit(partial(_retry_enqueue, subscription.pk), robust=True)
        raise


def subscription_create(
    *,
    app: App,
    actor: Actor,
    customer: str,
    plan: str,
    trial_period_days: int | None = None,
    payment_method: str = "",
    metadata: dict[str, str] | None = None,
    request_key: str | None = None,
) -> Subscription:
    """Subscribes the customer to the plan's current version: its base price, one item per
    metered component, or both. `trial_period_days` overrides the plan's; `payment_method` (a
    provider token such as `pm_card_visa`) becomes the customer's default, as on
    `POST /v1/customers`, and the subscription's. Without one, and without a trial, the
    provider decides (Stripe answers `incomplete`)."""
    subscriber = customer_get(app=app, customer_id=customer)
    subscribed_plan = _plan_for_subscription(app=app, plan_id=plan)
    if request_key:
        existing = _subscriptions(app).filter(request_key=request_key).first()
        if existing is not None:
            _same_request(existing, customer=subscriber, plan=subscribed_plan)
            if existing.sync_state == SyncState.SYNCED:
                return existing
            return _provider_create_or_schedule(subscription=existing)
    version = subscribed_plan.current_version
    _items(version)  # refuses a plan whose prices are not at the provider, before any write
    if not subscriber.provider_customer_id:
        raise ConflictError(
            "The customer is not at the provider yet; retry shortly.",
            code="customer_not_synced",
            param="customer",
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
                request_key=request_key,
            )
            audit_event_record(
                app=app,
                actor=actor,
                action_type="CREATE_SUBSCRIPTION",
                target_type=TARGET_TYPE,
                target_id=subscription.pk,
                payload_snapshot=subscription_snapshot(subscription),
            )
    except IntegrityError:
        # A concurrent retry with the same key wrote it first; continue with that one.
        subscription = _subscriptions(app).get(request_key=request_key)
        _same_request(subscription, customer=subscriber, plan=subscribed_plan)
    return _provider_create_or_schedule(subscription=subscription)


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
        .filter(
            sync_state=SyncState.PENDING,
            created_at__lt=now - RETRY_PENDING_AFTER,
            created_at__gt=now - RETRY_PENDING_FOR,
        )
        .select_related("app", "customer", "plan", "plan_version")
        .order_by("created_at", "pk")[:RETRY_BATCH_SIZE]
    )
    completed = 0
    for subscription in pending:
        try:
            _provider_create(subscription=subscription, actor=SYSTEM)
        except ApiProviderUnavailableError:
            break  # still down: the next run tries again
        except ServiceError:
            pass  # refused: recorded on the row as failed
        completed += 1
    return completed


# Cancel and change


def subscription_cancel(
    *,
    app: App,
    actor: Actor,
    subscription_id: str,
    at_period_end: bool = False,
    request_key: str | None = None,
) -> Subscription:
    """Cancels now (the provider ends it at once) or at the end of the current period."""
    subscription = subscription_get(app=app, subscription_id=subscription_id)
    _require_synced(subscription)
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
        subscription = _locked(app=app, subscription_id=subscription.pk)
        previous_status = subscription.status
        _result_apply(subscription, result)
        subscription.save()
        audit_event_record(
            app=app,
            actor=actor,
            action_type="CANCEL_SUBSCRIPTION",
            target_type=TARGET_TYPE,
            target_id=subscription.pk,
            payload_snapshot={
                "at_period_end": at_period_end,
                "subscription": subscription_snapshot(subscription),
            },
        )
        _publish_change(subscription, was_pending=False, previous_status=previous_status)
        _entitlements_refresh(subscription, actor)
    return subscription


def subscription_change_plan(
    *,
    app: App,
    actor: Actor,
    subscription_id: str,
    plan: str,
    proration: str = Proration.CREATE_PRORATIONS,
    request_key: str | None = None,
) -> Subscription:
    """Moves the subscription to the plan's current version; `proration` is the provider's
    choice: `create_prorations` (credit and charge on the next invoice), `none`, or
    `always_invoice` (invoice the difference now)."""
    subscription = subscription_get(app=app, subscription_id=subscription_id)
    new_plan = _plan_for_subscription(app=app, plan_id=plan)
    _require_synced(subscription)
    new_version = new_plan.current_version
    if new_version.pk == subscription.plan_version_id:
        raise InvalidRequestError(
            "The subscription is already on this plan's current version.",
            code="plan_unchanged",
            param="plan",
        )
    if new_plan.currency != subscription.plan.currency:
        raise InvalidRequestError(
            f"The plan is billed in {new_plan.currency}; the subscription in "
            f"{subscription.plan.currency}.",
            code="currency_mismatch",
            param="plan",
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
                items=_items(new_version),
                proration=Proration(proration),
            )
        )
    except ProviderError as error:
        raise api_error_from_provider(error, param="plan") from None
    with transaction.atomic():
        subscription = _locked(app=app, subscription_id=subscription.pk)
        previous = {"plan": subscription.plan_id, "plan_version": subscription.plan_version.version}
        _result_apply(subscription, result)
        subscription.plan = new_plan
        subscription.plan_version = new_version
        subscription.save()
        audit_event_record(
            app=app,
            actor=actor,
            action_type="CHANGE_PLAN",
            target_type=TARGET_TYPE,
            target_id=subscription.pk,
            payload_snapshot={
                "from": previous,
                "to": {"plan": new_plan.pk, "plan_version": new_version.version},
                "proration": str(proration),
                "subscription": subscription_snapshot(subscription),
            },
        )
        _publish(subscription, "subscription.updated")
        _entitlements_refresh(subscription, actor)
    return subscription


# From the provider's webhooks


def _sync_record(
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
        action_type="SYNC_SUBSCRIPTION",
        target_type=TARGET_TYPE,
        target_id=subscription.pk,
        payload_snapshot={
            "source": source,
            "from": {key: value for key, value in before.items() if key != "metadata"},
            "subscription": subscription_snapshot(subscription),
            **({"error": error} if error else {}),
        },
    )


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
        subscription = _locked(app=found.app, subscription_id=found.pk)
        held_at = subscription.provider_state_at
        if held_at is not None and provider_state_at < held_at:
            return subscription
        before = subscription_snapshot(subscription)
        was_pending = subscription.sync_state != SyncState.SYNCED
        previous_status = subscription.status
        _result_apply(subscription, result)
        _plan_follow_provider(subscription, result)
        subscription.provider_state_at = provider_state_at
        subscription.save()
        if subscription_snapshot(subscription) != before:
            _sync_record(subscription, actor=actor, before=before, source="webhook")
            _publish_change(subscription, was_pending=was_pending, previous_status=previous_status)
            _entitlements_refresh(subscription, actor)
    return subscription


def subscription_invoice_paid(
    *, provider_subscription_reference: str, metadata: Mapping[str, Any], invoice_reference: str
) -> Subscription | None:
    """The subscription's invoice was paid: the payment_failed grace period that invoice opened
    is resolved. A period opened by another invoice stays open while that one is still owed, so
    the late delivery of an older invoice's payment closes nothing it should not. Idempotent;
    not ours → None."""
    from grace.models import GracePeriod, GraceReason, GraceStatus
    from grace.services import grace_period_resolve

    subscription = _subscription_for_provider(
        provider_reference=provider_subscription_reference, metadata=metadata
    )
    if subscription is None:
        return None
    owed_for_this_invoice = GracePeriod.objects.for_app(subscription.app).filter(
        subscription=subscription,
        reason=GraceReason.PAYMENT_FAILED,
        status=GraceStatus.ACTIVE,
        source_reference__in=("", invoice_reference),
    )
    for grace_period_id in owed_for_this_invoice.values_list("pk", flat=True):
        # ConflictError: resolved or expired meanwhile, which is as good.
        with contextlib.suppress(ConflictError):
            grace_period_resolve(
                app=subscription.app,
                actor=STRIPE,
                grace_period_id=grace_period_id,
                note=f"Invoice {invoice_reference} was paid.",
            )
    return subscription


def subscription_invoice_payment_failed(
    *,
    provider_subscription_reference: str,
    metadata: Mapping[str, Any],
    invoice_reference: str,
    invoice_still_open: bool,
) -> Subscription | None:
    """The subscription's invoice failed: a payment_failed grace period opens (for the plan's
    `grace_period_days`, named after the invoice) unless one is already open, or the invoice
    has been paid or voided since (a late event), or the subscription never started or is over.
    Idempotent; not ours → None."""
    from grace.models import GraceReason
    from grace.services import grace_period_open

    subscription = _subscription_for_provider(
        provider_reference=provider_subscription_reference, metadata=metadata
    )
    if subscription is None:
        return None
    if not invoice_still_open or subscription.status in _NO_GRACE_STATUSES:
        return subscription
    grace_period_open(
        app=subscription.app,
        actor=STRIPE,
        customer=subscription.customer,
        reason=GraceReason.PAYMENT_FAILED,
        subscription=subscription,
        source_reference=invoice_reference,
    )
    return subscription
