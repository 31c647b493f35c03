"""Hosted checkout: a session at the provider where the customer pays once (`payment`), subscribes
to a plan (`subscription`) or saves a card (`setup`) on the provider's own page.

Creating a session is one step, as creating a customer is (billing/services.py): nothing moves
money until the customer acts, so a provider failure answers 502 and leaves no row; the provider
key derives from the app's Idempotency-Key, or our row. Completion arrives through the
provider's webhooks, as often and in whatever order they come: each handler locks the session
row first, so the payment or subscription a session produces is created and linked exactly once
(`checkout.session.completed` and `customer.subscription.created` race for it), and the card the
customer gave becomes their default for invoices."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any, cast

from django.db import IntegrityError, transaction
from django.utils import timezone

from api.errors import ConflictError, ErrorCode, IdempotencyError, InvalidRequestError
from api.ids import new_id
from audit.services import audit_event_record
from billing.audit_actions import BillingAuditAction
from billing.coupons import discount_choose, subscription_discounts_adopt
from billing.errors import BillingErrorCode
from billing.models import (
    CheckoutMode,
    CheckoutPaymentStatus,
    CheckoutSession,
    CheckoutStatus,
    Customer,
    Payment,
    Subscription,
    SubscriptionStatus,
)
from billing.payments import payment_result_apply, payment_snapshot
from billing.providers.base import (
    Capability,
    CheckoutLineItem,
    CheckoutSessionRequest,
    CheckoutSessionResult,
    CheckoutSessionStatus,
    ProviderError,
    SubscriptionResult,
)
from billing.providers.capabilities import capability_supported_check
from billing.providers.currencies import currency_supported_check
from billing.providers.errors import api_error_from_provider
from billing.providers.keys import provider_idempotency_key
from billing.providers.pending import SyncState
from billing.providers.registry import provider_for
from billing.selectors import checkout_session_get, customer_get
from billing.services import customer_create, customer_snapshot
from billing.subscription_provider_sync import subscription_items
from billing.subscription_records import TARGET_TYPE as SUBSCRIPTION_TARGET
from billing.subscription_records import subscription_snapshot
from billing.subscription_webhook_sync import subscription_sync_from_provider
from billing.subscriptions import plan_for_subscription, subscription_second_live_refuse
from catalog.models import Plan, PlanVersion
from tenants.actors import STRIPE, Actor
from tenants.models import App

TARGET_TYPE = "checkout_session"


def checkout_session_snapshot(session: CheckoutSession) -> dict[str, Any]:
    return {
        "id": session.pk,
        "object": "checkout_session",
        "customer": session.customer_id,
        "mode": session.mode,
        "status": session.status,
        "payment_status": session.payment_status,
        "plan": session.plan_id,
        "trial_period_days": session.trial_period_days,
        "amount": session.amount,
        "currency": session.currency,
        "description": session.description,
        "success_url": session.success_url,
        "cancel_url": session.cancel_url,
        "metadata": session.metadata,
        "expires_at": session.expires_at.isoformat() if session.expires_at else None,
        "payment": session.payment_id,
        "subscription": session.subscription_id,
        "payment_method": session.payment_method,
        "provider_session_id": session.provider_session_id,
    }


# Creating a session


def _checkout_customer(
    *,
    app: App,
    actor: Actor,
    customer: str | None,
    external_id: str | None,
    email: str,
    request_key: str | None,
) -> Customer:
    """Ours by id; else the app's user by `external_id`, created (with `email`) if new."""
    if customer or external_id is None:
        return customer_get(app=app, customer_id=customer or "")
    existing = Customer.objects.for_app(app).filter(external_id=external_id).first()
    if existing is not None:
        return existing
    return customer_create(
        app=app, actor=actor, external_id=external_id, email=email, request_key=request_key
    )


def _checkout_plan(*, app: App, plan_id: str) -> tuple[Plan, PlanVersion]:
    """The plan a subscription session sells, refused as POST /v1/subscriptions refuses it."""
    plan = plan_for_subscription(app=app, plan_id=plan_id)
    # Never None: plan_for_subscription refuses a plan without a version.
    return plan, cast(PlanVersion, plan.current_version)


def _line_items(
    *, mode: str, version: PlanVersion | None, amount: int | None, currency: str, name: str
) -> list[CheckoutLineItem]:
    if mode == CheckoutMode.SUBSCRIPTION and version is not None:
        return [
            CheckoutLineItem(price_reference=item.price_reference, quantity=item.quantity)
            for item in subscription_items(version)
        ]
    if mode == CheckoutMode.PAYMENT and amount is not None:
        return [CheckoutLineItem(amount_minor=amount, currency=currency, name=name)]
    return []


def _same_request(session: CheckoutSession, *, customer: Customer, mode: str) -> None:
    if session.customer_id != customer.pk or session.mode != mode:
        raise IdempotencyError(
            "This Idempotency-Key was already used with a different request.",
            code=ErrorCode.IDEMPOTENCY_KEY_REUSED,
        )


def _checkout_check_mode_fields(
    *, mode: str, plan: str | None, trial_period_days: int | None, amount: int | None, currency: str
) -> None:
    """Which fields each mode takes: a plan for a subscription, an amount for a payment."""
    if mode == CheckoutMode.SUBSCRIPTION and not plan:
        raise InvalidRequestError(
            "A subscription checkout needs a plan.", code=ErrorCode.INVALID_REQUEST, param="plan"
        )
    if mode == CheckoutMode.PAYMENT:
        if amount is None:
            raise InvalidRequestError(
                "A payment checkout needs an amount.",
                code=ErrorCode.INVALID_REQUEST,
                param="amount",
            )
        if not currency:
            raise InvalidRequestError(
                "A payment checkout needs a currency.",
                code=ErrorCode.INVALID_REQUEST,
                param="currency",
            )
    if mode != CheckoutMode.PAYMENT and amount is not None:
        raise InvalidRequestError(
            "Only a payment checkout takes an amount.",
            code=ErrorCode.INVALID_REQUEST,
            param="amount",
        )
    if mode != CheckoutMode.SUBSCRIPTION and trial_period_days is not None:
        raise InvalidRequestError(
            "Only a subscription checkout takes a trial.",
            code=ErrorCode.INVALID_REQUEST,
            param="trial_period_days",
        )
    if mode != CheckoutMode.SUBSCRIPTION and plan:
        raise InvalidRequestError(
            "Only a subscription checkout takes a plan.",
            code=ErrorCode.INVALID_REQUEST,
            param="plan",
        )


def checkout_session_create(
    *,
    app: App,
    actor: Actor,
    mode: str,
    success_url: str,
    customer: str | None = None,
    external_id: str | None = None,
    email: str = "",
    cancel_url: str = "",
    plan: str | None = None,
    trial_period_days: int | None = None,
    amount: int | None = None,
    currency: str = "",
    description: str = "",
    metadata: dict[str, str] | None = None,
    allow_promotion_codes: bool = False,
    coupon: str | None = None,
    promotion_code: str | None = None,
    request_key: str | None = None,
) -> CheckoutSession:
    """Opens a session at the provider and answers its hosted `url`. `customer` is ours, or
    `external_id` (with `email`) names the app's user, created here if new. Subscription mode
    takes a plan (its trial, or `trial_period_days`: 0 for none); payment mode an amount and
    currency (and a description the page shows); setup mode only saves a card. Subscription
    mode also takes `allow_promotion_codes` (the buyer types one on the page) or a `coupon` /
    `promotion_code` checked here first; without either, the customer's own discount."""
    capability_supported_check(app=app, capability=Capability.CHECKOUT, param=None)
    _checkout_check_mode_fields(
        mode=mode,
        plan=plan,
        trial_period_days=trial_period_days,
        amount=amount,
        currency=currency,
    )
    if (customer is None) == (external_id is None):
        raise InvalidRequestError(
            "Pass customer (ours), or external_id for the app's own user; exactly one.",
            code=ErrorCode.INVALID_REQUEST,
            param="customer",
        )
    if mode == CheckoutMode.PAYMENT:
        currency_supported_check(app=app, currency=currency)
    if (allow_promotion_codes or coupon or promotion_code) and mode != CheckoutMode.SUBSCRIPTION:
        raise InvalidRequestError(
            "Only a subscription checkout takes a coupon, a promotion code or "
            "allow_promotion_codes.",
            code=BillingErrorCode.COUPON_NOT_APPLICABLE,
            param="coupon"
            if coupon
            else "promotion_code"
            if promotion_code
            else "allow_promotion_codes",
        )
    if allow_promotion_codes and (coupon or promotion_code):
        raise InvalidRequestError(
            "Give allow_promotion_codes, or a coupon or promotion code; not both.",
            code=BillingErrorCode.COUPON_NOT_APPLICABLE,
            param="allow_promotion_codes",
        )
    subscribed_plan, version = (None, None)
    if mode == CheckoutMode.SUBSCRIPTION and plan:
        subscribed_plan, version = _checkout_plan(app=app, plan_id=plan)
    buyer = _checkout_customer(
        app=app,
        actor=actor,
        customer=customer,
        external_id=external_id,
        email=email,
        request_key=request_key,
    )
    if request_key:
        existing = CheckoutSession.objects.for_app(app).filter(request_key=request_key).first()
        if existing is not None:
            _same_request(existing, customer=buyer, mode=mode)
            return existing
    if mode == CheckoutMode.SUBSCRIPTION:
        # The page would take the money for a second subscription the app does not allow.
        subscription_second_live_refuse(app=app, customer=buyer, request_key=None)
    if not buyer.provider_customer_id:
        raise ConflictError(
            "The customer is not at the provider yet; retry shortly.",
            code=BillingErrorCode.CUSTOMER_NOT_SYNCED,
            param="customer",
        )
    discount_choice = None
    if subscribed_plan is not None and not allow_promotion_codes:
        discount_choice = discount_choose(
            app=app,
            customer=buyer,
            coupon=coupon,
            promotion_code=promotion_code,
            plan=subscribed_plan,
            currency=subscribed_plan.currency,
            inherit_customer_discount=True,
        )
    if allow_promotion_codes:
        capability_supported_check(app=app, capability=Capability.COUPONS, param=None)
    line_items = _line_items(
        mode=mode, version=version, amount=amount, currency=currency, name=description or "Payment"
    )
    trial_days = 0
    if subscribed_plan is not None:
        trial_days = (
            subscribed_plan.trial_period_days if trial_period_days is None else trial_period_days
        )
    try:
        with transaction.atomic():
            session = CheckoutSession(
                id=new_id("chk"),
                app=app,
                customer=buyer,
                mode=mode,
                payment_status=(
                    CheckoutPaymentStatus.NO_PAYMENT_REQUIRED
                    if mode == CheckoutMode.SETUP
                    else CheckoutPaymentStatus.UNPAID
                ),
                plan=subscribed_plan,
                plan_version=version,
                trial_period_days=trial_days,
                amount=amount,
                currency=currency if mode == CheckoutMode.PAYMENT else "",
                description=description,
                success_url=success_url,
                cancel_url=cancel_url,
                metadata=metadata or {},
                request_key=request_key,
            )
            result = provider_for(app=app).checkout_session_create(
                CheckoutSessionRequest(
                    idempotency_key=provider_idempotency_key(
                        app_id=app.pk,
                        request_key=request_key,
                        object_id=session.pk,
                        operation="checkout_session",
                    ),
                    app_id=app.pk,
                    checkout_session_id=session.pk,
                    mode=mode,
                    customer_reference=buyer.provider_customer_id,
                    success_url=success_url,
                    cancel_url=cancel_url,
                    line_items=line_items,
                    trial_period_days=trial_days,
                    description=description,
                    metadata=metadata or {},
                    allow_promotion_codes=allow_promotion_codes,
                    discounts=[discount_choice.provider_request()] if discount_choice else [],
                )
            )
            session.provider_session_id = result.provider_reference
            session.url = result.url
            session.expires_at = result.expires_at
            session.save()
            audit_event_record(
                app=app,
                actor=actor,
                action_type=BillingAuditAction.CREATE_CHECKOUT_SESSION,
                target_type=TARGET_TYPE,
                target_id=session.pk,
                payload_snapshot=checkout_session_snapshot(session),
            )
    except IntegrityError:
        # A concurrent retry with the same key made it first; answer that one.
        session = CheckoutSession.objects.for_app(app).get(request_key=request_key)
        _same_request(session, customer=buyer, mode=mode)
    except ProviderError as error:
        # What the provider refuses of a payment session is its amount (below its minimum).
        raise api_error_from_provider(
            error, param="amount" if mode == CheckoutMode.PAYMENT else None
        ) from None
    return session


def checkout_session_expire(
    *, app: App, actor: Actor, checkout_session_id: str, request_key: str | None = None
) -> CheckoutSession:
    """Ends an open session at the provider: its page stops taking payments."""
    session = checkout_session_get(app=app, checkout_session_id=checkout_session_id)
    if session.status != CheckoutStatus.OPEN:
        raise ConflictError(
            f"The checkout session is {session.status}; only an open one can be expired.",
            code=BillingErrorCode.CHECKOUT_SESSION_NOT_OPEN,
        )
    try:
        result = provider_for(app=app).checkout_session_expire(
            provider_reference=session.provider_session_id,
            idempotency_key=provider_idempotency_key(
                app_id=app.pk,
                request_key=request_key,
                object_id=session.pk,
                operation="checkout_session_expire",
            ),
        )
    except ProviderError as error:
        raise api_error_from_provider(error) from None
    return _checkout_apply(app=app, session_id=session.pk, result=result, actor=actor)


# Completion, from the provider's webhooks


def _session_locked(*, app: App, session_id: str) -> CheckoutSession:
    return (
        CheckoutSession.objects.for_app(app)
        .select_for_update(of=("self",))
        .select_related("app", "customer", "plan", "plan_version")
        .get(pk=session_id)
    )


def _session_for_provider(
    *, provider_reference: str, metadata: Mapping[str, Any]
) -> CheckoutSession | None:
    """Ours by the provider's id, or by the ids our metadata carries; else not ours."""
    sessions = CheckoutSession.objects.all_tenants().select_related("app")
    if provider_reference:
        session = sessions.filter(provider_session_id=provider_reference).first()
        if session is not None:
            return session
    app_id = str(metadata.get("app_id") or "")
    session_id = str(metadata.get("checkout_session_id") or "")
    if not (app_id and session_id):
        return None
    return sessions.filter(app_id=app_id, pk=session_id).first()


def _payment_link(session: CheckoutSession, result: CheckoutSessionResult) -> None:
    """Payment mode: our payment, made once for the session's PaymentIntent."""
    charge = result.payment
    if charge is None or session.payment_id is not None:
        return
    app = session.app
    payment = Payment.objects.create(
        app=app,
        customer=session.customer,
        amount=session.amount or 0,
        currency=session.currency,
        description=session.description,
        payment_method=result.payment_method,
        metadata=session.metadata,
        provider_payment_id=charge.provider_reference,
    )
    audit_event_record(
        app=app,
        actor=STRIPE,
        action_type=BillingAuditAction.CREATE_PAYMENT,
        target_type="payment",
        target_id=payment.pk,
        payload_snapshot={**payment_snapshot(payment), "checkout_session": session.pk},
    )
    session.payment = payment_result_apply(
        payment_id=payment.pk, app=app, result=charge, actor=STRIPE
    )


def _subscription_link(
    session: CheckoutSession, result: SubscriptionResult, provider_state_at: datetime
) -> None:
    """Subscription mode: our subscription, made once for the provider's, whichever event
    brings it first; then the provider's state applied to it."""
    app = session.app
    if session.subscription_id is None:
        subscription = (
            Subscription.objects.for_app(app)
            .filter(provider_subscription_id=result.provider_reference)
            .first()
        )
        if subscription is None:
            subscription = Subscription.objects.create(
                id=new_id("sub"),
                app=app,
                customer=session.customer,
                # Subscription mode always has both (checkout_session_create).
                plan=cast(Plan, session.plan),
                plan_version=cast(PlanVersion, session.plan_version),
                status=SubscriptionStatus.INCOMPLETE,
                sync_state=SyncState.PENDING,
                trial_period_days=session.trial_period_days,
                payment_method=session.payment_method,
                metadata=session.metadata,
                provider_subscription_id=result.provider_reference,
            )
            audit_event_record(
                app=app,
                actor=STRIPE,
                action_type=BillingAuditAction.CREATE_SUBSCRIPTION,
                target_type=SUBSCRIPTION_TARGET,
                target_id=subscription.pk,
                payload_snapshot={
                    **subscription_snapshot(subscription),
                    "checkout_session": session.pk,
                },
            )
        session.subscription = subscription
        session.save(update_fields=["subscription", "updated_at"])
        # What the buyer redeemed (a code typed on the page, or the session's discount); an
        # event's subscription names its discounts by id only, so they are read once more.
        discounts = result.discounts
        if any(not discount.coupon_reference for discount in discounts):
            try:
                discounts = (
                    provider_for(app=app)
                    .subscription_retrieve(provider_reference=result.provider_reference)
                    .discounts
                )
            except ProviderError as error:
                raise api_error_from_provider(error) from None
        subscription_discounts_adopt(
            subscription=subscription, discounts=discounts, checkout_session=session
        )
    subscription_sync_from_provider(result=result, provider_state_at=provider_state_at, metadata={})


def _default_card_set(session: CheckoutSession, payment_method: str) -> None:
    """The card saved at checkout becomes the customer's default for invoices, here and at the
    provider (once: a card already the default is left alone)."""
    customer = Customer.objects.for_app(session.app).select_for_update().get(pk=session.customer_id)
    if not payment_method or customer.default_payment_method == payment_method:
        return
    provider_for(app=session.app).customer_default_payment_method_set(
        provider_reference=customer.provider_customer_id,
        payment_method=payment_method,
        idempotency_key=provider_idempotency_key(
            app_id=session.app_id,
            request_key=None,
            object_id=f"{session.pk}:{payment_method}",
            operation="checkout_default_card",
        ),
    )
    customer.default_payment_method = payment_method
    customer.save(update_fields=["default_payment_method", "updated_at"])
    audit_event_record(
        app=session.app,
        actor=STRIPE,
        action_type=BillingAuditAction.UPDATE_CUSTOMER,
        target_type="customer",
        target_id=customer.pk,
        payload_snapshot={
            "changes": {"default_payment_method": payment_method},
            "checkout_session": session.pk,
            "customer": customer_snapshot(customer),
        },
    )


def _status_from_result(result: CheckoutSessionResult) -> CheckoutStatus:
    match result.status:
        case CheckoutSessionStatus.OPEN:
            return CheckoutStatus.OPEN
        case CheckoutSessionStatus.COMPLETE:
            return CheckoutStatus.COMPLETE
        case CheckoutSessionStatus.EXPIRED:
            return CheckoutStatus.EXPIRED


def _checkout_apply(
    *,
    app: App,
    session_id: str,
    result: CheckoutSessionResult,
    actor: Actor,
    provider_state_at: datetime | None = None,
) -> CheckoutSession:
    """Applies the provider's state of a session under a lock on it: what a complete one
    produced is linked once, its card made the default; an open one never goes back from
    complete or expired."""
    with transaction.atomic():
        session = _session_locked(app=app, session_id=session_id)
        before = checkout_session_snapshot(session)
        status = _status_from_result(result)
        if session.status == CheckoutStatus.OPEN or status == session.status:
            session.status = status
        if session.status == CheckoutStatus.COMPLETE:
            session.payment_status = CheckoutPaymentStatus(str(result.payment_status))
            session.completed_at = session.completed_at or timezone.now()
            session.payment_method = result.payment_method or session.payment_method
            if session.mode == CheckoutMode.PAYMENT:
                _payment_link(session, result)
            elif session.mode == CheckoutMode.SUBSCRIPTION and result.subscription is not None:
                _subscription_link(
                    session, result.subscription, provider_state_at or timezone.now()
                )
            _default_card_set(session, session.payment_method)
        if session.status != CheckoutStatus.OPEN:
            session.url = ""
        session.save()
        after = checkout_session_snapshot(session)
        if after != before and session.status != before["status"]:
            audit_event_record(
                app=app,
                actor=actor,
                action_type=(
                    BillingAuditAction.COMPLETE_CHECKOUT_SESSION
                    if session.status == CheckoutStatus.COMPLETE
                    else BillingAuditAction.EXPIRE_CHECKOUT_SESSION
                ),
                target_type=TARGET_TYPE,
                target_id=session.pk,
                payload_snapshot={"from": before["status"], "session": after},
            )
    return session


def checkout_session_sync_from_provider(
    *, provider_reference: str, metadata: Mapping[str, Any], provider_state_at: datetime
) -> CheckoutSession | None:
    """A `checkout.session.*` webhook: the session as the provider holds it now (with what it
    produced) applied to ours. Idempotent, whatever the order; not ours → None."""
    found = _session_for_provider(provider_reference=provider_reference, metadata=metadata)
    if found is None:
        return None
    try:
        result = provider_for(app=found.app).checkout_session_retrieve(
            provider_reference=found.provider_session_id or provider_reference
        )
    except ProviderError as error:
        raise api_error_from_provider(error) from None
    return _checkout_apply(
        app=found.app,
        session_id=found.pk,
        result=result,
        actor=STRIPE,
        provider_state_at=provider_state_at,
    )


def checkout_subscription_adopt(
    *, result: SubscriptionResult, metadata: Mapping[str, Any], provider_state_at: datetime
) -> Subscription | None:
    """`customer.subscription.created` of a subscription a checkout session made (its metadata
    names the session), possibly before `checkout.session.completed`: our subscription is made
    and linked now, under the session's lock, so the other event finds it. Not ours → None."""
    session_id = str(metadata.get("checkout_session_id") or "")
    if not session_id:
        return None
    found = _session_for_provider(provider_reference="", metadata=metadata)
    if found is None or found.mode != CheckoutMode.SUBSCRIPTION:
        return None
    with transaction.atomic():
        session = _session_locked(app=found.app, session_id=found.pk)
        _subscription_link(session, result, provider_state_at)
        return session.subscription
