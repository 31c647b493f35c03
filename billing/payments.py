"""One-time payments and their refunds: the money path.

Each attempt is written first (pending, with its audit event) and committed, then sent to the
provider with an idempotency key derived from our row; the outcome is applied in a second
transaction. A provider outage leaves the pending row, which a client retry with the same
Idempotency-Key, or the retry job, completes with the same key — so nothing is charged twice
and nothing accepted is lost."""

from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from api.errors import ErrorCode, InvalidRequestError, NotFoundError
from audit.services import audit_event_record
from billing.audit_actions import BillingAuditAction
from billing.errors import BillingErrorCode
from billing.models import Customer, Payment, PaymentStatus, Refund, RefundStatus
from billing.payment_methods import customer_payment_method_saved
from billing.providers.base import (
    Capability,
    ChargeRequest,
    ChargeResult,
    ChargeStatus,
    ProviderDeclinedError,
    ProviderError,
    ProviderRequestError,
    ProviderWebhookChange,
    RefundRequest,
    RefundResult,
)
from billing.providers.base import RefundStatus as ProviderRefundStatus
from billing.providers.capabilities import capability_supported_check, provider_has_capability
from billing.providers.currencies import currency_supported_check
from billing.providers.errors import ProviderErrorCode, api_error_from_provider
from billing.providers.keys import provider_idempotency_key
from billing.providers.pending import RETRY_BATCH_SIZE, pending_complete, pending_retry_window
from billing.providers.registry import provider_for
from billing.selectors import customer_get
from notifications.event_types import AppEventType
from notifications.services import app_event_publish
from tenants.actors import STRIPE, SYSTEM, Actor
from tenants.models import App
from tenants.scoping import TenantScopedQuerySet

_FINAL_PAYMENT_STATUSES = {PaymentStatus.SUCCEEDED, PaymentStatus.CANCELED}
_OPEN_REFUND_STATUSES = [RefundStatus.PENDING, RefundStatus.SUCCEEDED]


def _publish(app: App, event_type: AppEventType, data: dict[str, Any]) -> None:
    app_event_publish(app=app, event_type=event_type, data=data)


def payment_snapshot(payment: Payment) -> dict[str, Any]:
    return {
        "id": payment.pk,
        "customer": payment.customer_id,
        "amount": payment.amount,
        "currency": payment.currency,
        "description": payment.description,
        "status": payment.status,
        "amount_refunded": payment.amount_refunded,
        "decline_code": payment.decline_code,
        "metadata": payment.metadata,
        "return_url": payment.return_url,
        "off_session": payment.off_session,
        "provider_payment_id": payment.provider_payment_id,
    }


def refund_snapshot(refund: Refund) -> dict[str, Any]:
    return {
        "id": refund.pk,
        "payment": refund.payment_id,
        "amount": refund.amount,
        "currency": refund.currency,
        "status": refund.status,
        "reason": refund.reason,
        "provider_refund_id": refund.provider_refund_id,
    }


# Reads


def payment_get(*, app: App, payment_id: str) -> Payment:
    payment = Payment.objects.for_app(app).filter(pk=payment_id).first()
    if payment is None:
        raise NotFoundError("payment", param="payment")
    return payment


def payment_list(
    *, app: App, customer: str | None = None, status: str | None = None
) -> TenantScopedQuerySet[Payment]:
    payments = Payment.objects.for_app(app)
    if customer:
        payments = payments.filter(customer_id=customer)
    if status:
        payments = payments.filter(status=status)
    return payments


def refund_get(*, app: App, refund_id: str) -> Refund:
    refund = Refund.objects.for_app(app).filter(pk=refund_id).first()
    if refund is None:
        raise NotFoundError("refund", param="refund")
    return refund


def refund_list(*, app: App, payment: str | None = None) -> TenantScopedQuerySet[Refund]:
    refunds = Refund.objects.for_app(app)
    if payment:
        refunds = refunds.filter(payment_id=payment)
    return refunds


# Payments


def _status_from_charge(status: ChargeStatus) -> PaymentStatus:
    match status:
        case ChargeStatus.SUCCEEDED:
            return PaymentStatus.SUCCEEDED
        case ChargeStatus.REQUIRES_ACTION:
            return PaymentStatus.REQUIRES_ACTION
        case ChargeStatus.PROCESSING:
            return PaymentStatus.PROCESSING
        case ChargeStatus.FAILED:
            return PaymentStatus.FAILED
        case ChargeStatus.CANCELED:
            return PaymentStatus.CANCELED


def payment_result_apply(
    *, payment_id: str, app: App, result: ChargeResult, actor: Actor
) -> Payment:
    """Applies what the provider says of a payment; a final state never moves back."""
    with transaction.atomic():
        payment = Payment.objects.for_app(app).select_for_update().get(pk=payment_id)
        previous_status = payment.status
        status = _status_from_charge(result.status)
        if previous_status in _FINAL_PAYMENT_STATUSES and status != previous_status:
            return payment
        payment.status = status
        payment.provider_payment_id = result.provider_reference or payment.provider_payment_id
        payment.provider_charge_id = result.charge_reference or payment.provider_charge_id
        requires_action = status == PaymentStatus.REQUIRES_ACTION
        payment.client_secret = result.client_secret if requires_action else ""
        payment.redirect_url = result.redirect_url if requires_action else ""
        payment.amount_refunded = max(payment.amount_refunded, result.amount_refunded)
        if status == PaymentStatus.FAILED:
            payment.failure_code = result.failure_code or ErrorCode.CARD_DECLINED
            payment.failure_message = result.failure_message
            payment.decline_code = result.decline_code
        payment.save()
        saved = result.saved_payment_method
        if saved and previous_status != status and status == PaymentStatus.SUCCEEDED:
            # What the customer paid with is saved for their next payments (PayPal's vault).
            customer_payment_method_saved(
                app=app,
                actor=actor,
                customer_id=payment.customer_id,
                payment_id=payment.pk,
                payment_method=saved,
                customer_reference=result.saved_customer_reference,
            )
        if previous_status != status:
            audit_event_record(
                app=app,
                actor=actor,
                action_type=BillingAuditAction.UPDATE_PAYMENT_STATUS,
                target_type="payment",
                target_id=payment.pk,
                payload_snapshot={
                    "from": previous_status,
                    "to": status,
                    "payment": payment_snapshot(payment),
                },
            )
            if status in (PaymentStatus.SUCCEEDED, PaymentStatus.FAILED):
                _publish(
                    app,
                    AppEventType.PAYMENT_SUCCEEDED
                    if status == PaymentStatus.SUCCEEDED
                    else AppEventType.PAYMENT_FAILED,
                    payment_snapshot(payment),
                )
        return payment


def _payment_charge(*, payment: Payment, actor: Actor) -> Payment:
    """Sends a pending payment to the provider and applies the outcome. Raises the API error
    of a decline (402) or an outage (502) after recording what is known."""
    app = payment.app
    request = ChargeRequest(
        idempotency_key=provider_idempotency_key(
            app_id=app.pk, request_key=None, object_id=payment.pk, operation="charge"
        ),
        app_id=app.pk,
        payment_id=payment.pk,
        amount_minor=payment.amount,
        currency=payment.currency,
        customer_reference=payment.customer.provider_customer_id,
        payment_method=payment.payment_method or payment.customer.default_payment_method,
        description=payment.description,
        metadata=payment.metadata,
        return_url=payment.return_url,
        off_session=payment.off_session,
    )
    try:
        result = provider_for(app=app).charge(request)
    except ProviderDeclinedError as error:
        failed = error.charge or ChargeResult(
            status=ChargeStatus.FAILED,
            provider_reference="",
            failure_code=error.code,
            failure_message=error.message,
            decline_code=error.decline_code,
        )
        payment_result_apply(payment_id=payment.pk, app=app, result=failed, actor=actor)
        raise api_error_from_provider(error) from None
    except ProviderRequestError as error:
        payment_result_apply(
            payment_id=payment.pk,
            app=app,
            result=ChargeResult(
                status=ChargeStatus.FAILED,
                provider_reference="",
                failure_code=error.code or ProviderErrorCode.PROVIDER_REJECTED,
                failure_message=error.message,
            ),
            actor=actor,
        )
        raise api_error_from_provider(error, param="payment_method") from None
    except ProviderError as error:
        raise api_error_from_provider(error) from None
    return payment_result_apply(payment_id=payment.pk, app=app, result=result, actor=actor)


def payment_create(
    *,
    app: App,
    actor: Actor,
    customer: str,
    amount: int,
    currency: str,
    description: str = "",
    payment_method: str = "",
    metadata: dict[str, str] | None = None,
    return_url: str = "",
    off_session: bool = False,
    request_key: str | None = None,
) -> Payment:
    """Charges the customer now. `return_url`: the customer is present and may be sent to
    authenticate (3-D Secure), then back there; the payment answers `requires_action` with its
    `redirect_url`. `off_session`: the customer is not present (a saved card); a card that
    needs authentication is declined with `authentication_required`. Neither: no redirect is
    possible, a card that needs authentication answers `requires_action` with only the
    `client_secret` for the app's page (Stripe.js)."""
    currency_supported_check(app=app, currency=currency)
    if return_url and off_session:
        raise InvalidRequestError(
            "Pass return_url when the customer is present, or off_session when not; not both.",
            code=ErrorCode.PARAMETERS_EXCLUSIVE,
            param="off_session",
        )
    if payment_method:
        capability_supported_check(
            app=app, capability=Capability.SAVED_PAYMENT_METHODS, param="payment_method"
        )
    if off_session:
        capability_supported_check(
            app=app, capability=Capability.OFF_SESSION_PAYMENTS, param="off_session"
        )
    if not return_url:
        capability_supported_check(
            app=app, capability=Capability.PAYMENTS_WITHOUT_REDIRECT, param="return_url"
        )
    payer: Customer = customer_get(app=app, customer_id=customer)
    saved_methods = provider_has_capability(app=app, capability=Capability.SAVED_PAYMENT_METHODS)
    # A customer with nothing saved yet may still pay on the provider's page, where what they
    # pay with is saved (PayPal), when they are present to be sent there.
    saved_at_approval = bool(return_url) and provider_has_capability(
        app=app, capability=Capability.PAYMENT_METHOD_SAVED_AT_APPROVAL
    )
    if saved_methods and not (payment_method or payer.default_payment_method or saved_at_approval):
        raise InvalidRequestError(
            "The customer has no default payment method; pass payment_method.",
            code=BillingErrorCode.PAYMENT_METHOD_REQUIRED,
            param="payment_method",
        )
    payment = None
    if request_key:
        payment = (
            Payment.objects.for_app(app)
            .filter(request_key=request_key)
            .select_related("customer")
            .first()
        )
        if payment is not None and payment.status != PaymentStatus.PENDING:
            return payment
    if payment is None:
        try:
            with transaction.atomic():
                payment = Payment.objects.create(
                    app=app,
                    customer=payer,
                    amount=amount,
                    currency=currency,
                    description=description,
                    payment_method=payment_method,
                    metadata=metadata or {},
                    return_url=return_url,
                    off_session=off_session,
                    request_key=request_key,
                )
                audit_event_record(
                    app=app,
                    actor=actor,
                    action_type=BillingAuditAction.CREATE_PAYMENT,
                    target_type="payment",
                    target_id=payment.pk,
                    payload_snapshot=payment_snapshot(payment),
                )
        except IntegrityError:
            # A concurrent retry with the same key made it first; continue with that one.
            payment = (
                Payment.objects.for_app(app).select_related("customer").get(request_key=request_key)
            )
    return _payment_charge(payment=payment, actor=actor)


def payments_complete_pending(*, now: Any = None) -> int:
    """The retry job: pending payments whose request died or met an outage are sent again with
    the same idempotency key, so the provider answers with the first attempt if there was one."""
    now = now or timezone.now()
    pending = Payment.objects.all_tenants().filter(
        status=PaymentStatus.PENDING, **pending_retry_window(now)
    )
    return pending_complete(
        pending.select_related("app", "customer")[:RETRY_BATCH_SIZE],
        # A decline is an outcome: _payment_charge records it on the payment.
        _payment_charge_for_retry,
    )


def _payment_charge_for_retry(payment: Payment) -> None:
    _payment_charge(payment=payment, actor=SYSTEM)


def payment_sync_from_intent(*, intent: Mapping[str, Any]) -> Payment | None:
    """A provider's payment (from a webhook) applied to ours; not ours → None, nothing done."""
    metadata = intent.get("metadata") or {}
    payment = (
        Payment.objects.all_tenants()
        .select_related("app")
        .filter(Q(provider_payment_id=intent.get("id")) | Q(pk=metadata.get("payment_id", "")))
        .first()
    )
    if payment is None or (metadata.get("app_id") and metadata["app_id"] != payment.app_id):
        return None
    result = provider_for(app=payment.app).charge_from_object(intent)
    return payment_result_apply(payment_id=payment.pk, app=payment.app, result=result, actor=STRIPE)


# Refunds


def _refund_status(status: ProviderRefundStatus) -> RefundStatus:
    match status:
        case ProviderRefundStatus.SUCCEEDED:
            return RefundStatus.SUCCEEDED
        case ProviderRefundStatus.PENDING:
            return RefundStatus.PENDING
        case ProviderRefundStatus.FAILED:
            return RefundStatus.FAILED
        case ProviderRefundStatus.CANCELED:
            return RefundStatus.CANCELED


def _refunded_total(payment: Payment) -> int:
    return (
        Refund.objects.for_app(payment.app)
        .filter(payment=payment, status__in=_OPEN_REFUND_STATUSES)
        .aggregate(total=Sum("amount"))["total"]
        or 0
    )


def _refund_transition_allowed(previous: str, status: str) -> bool:
    """pending → any; succeeded → failed or canceled (a refund can fail after it was accepted:
    the card can't take the money back); failed and canceled are final."""
    if previous == status or previous == RefundStatus.PENDING:
        return True
    return previous == RefundStatus.SUCCEEDED and status in (
        RefundStatus.FAILED,
        RefundStatus.CANCELED,
    )


def _refund_apply(*, refund_id: str, app: App, result: RefundResult, actor: Actor) -> Refund:
    with transaction.atomic():
        refund = Refund.objects.for_app(app).select_for_update().get(pk=refund_id)
        payment = Payment.objects.for_app(app).select_for_update().get(pk=refund.payment_id)
        previous_status = refund.status
        status = _refund_status(result.status)
        if not _refund_transition_allowed(previous_status, status):
            return refund
        refund.status = status
        refund.provider_refund_id = result.provider_reference or refund.provider_refund_id
        if result.failure_reason:
            refund.failure_reason = result.failure_reason[:500]
        refund.save()
        if previous_status == RefundStatus.SUCCEEDED and status != previous_status:
            # The money came back: what was counted as refunded is not any more.
            payment.amount_refunded = max(0, payment.amount_refunded - refund.amount)
        else:
            succeeded = (
                Refund.objects.for_app(app)
                .filter(payment=payment, status=RefundStatus.SUCCEEDED)
                .aggregate(total=Sum("amount"))["total"]
                or 0
            )
            payment.amount_refunded = max(payment.amount_refunded, succeeded)
        payment.save(update_fields=["amount_refunded", "updated_at"])
        if previous_status != status:
            audit_event_record(
                app=app,
                actor=actor,
                action_type=BillingAuditAction.UPDATE_REFUND_STATUS,
                target_type="refund",
                target_id=refund.pk,
                payload_snapshot={
                    "from": previous_status,
                    "to": status,
                    "refund": refund_snapshot(refund),
                    "payment_amount_refunded": payment.amount_refunded,
                },
            )
            if status == RefundStatus.SUCCEEDED:
                _publish(app, AppEventType.REFUND_CREATED, refund_snapshot(refund))
            elif status == RefundStatus.FAILED:
                _publish(app, AppEventType.REFUND_FAILED, refund_snapshot(refund))
        return refund


def refund_create(
    *,
    app: App,
    actor: Actor,
    payment_id: str,
    amount: int | None = None,
    reason: str = "",
    metadata: dict[str, str] | None = None,
    request_key: str | None = None,
) -> Refund:
    """Full (no amount) or partial; never more than what is left, checked here before the
    provider is called, under a lock on the payment so concurrent refunds can't overdraw."""
    refund = None
    if request_key:
        refund = Refund.objects.for_app(app).filter(request_key=request_key).first()
        if refund is not None and refund.status != RefundStatus.PENDING:
            return refund
    if refund is None:
        refund = _refund_pending_create(
            app=app,
            actor=actor,
            payment_id=payment_id,
            amount=amount,
            reason=reason,
            metadata=metadata,
            request_key=request_key,
        )
    return _refund_provider_call(app=app, actor=actor, refund=refund)


def _refund_pending_create(
    *,
    app: App,
    actor: Actor,
    payment_id: str,
    amount: int | None,
    reason: str,
    metadata: dict[str, str] | None,
    request_key: str | None,
) -> Refund:
    """The pending refund and its audit event, checked under a lock on the payment so
    concurrent refunds can't overdraw."""
    with transaction.atomic():
        payment = Payment.objects.for_app(app).select_for_update().filter(pk=payment_id).first()
        if payment is None:
            raise NotFoundError("payment", param="payment")
        if payment.status != PaymentStatus.SUCCEEDED:
            raise InvalidRequestError(
                f"Only a succeeded payment can be refunded; this one is {payment.status}.",
                code=BillingErrorCode.PAYMENT_NOT_REFUNDABLE,
            )
        remaining = payment.amount - max(_refunded_total(payment), payment.amount_refunded)
        if remaining <= 0:
            raise InvalidRequestError(
                "This payment has already been fully refunded.",
                code=BillingErrorCode.PAYMENT_ALREADY_REFUNDED,
                param="amount",
            )
        amount = remaining if amount is None else amount
        if amount > remaining:
            raise InvalidRequestError(
                f"Refund amount ({amount}) is greater than what is left to refund ({remaining}).",
                code=BillingErrorCode.AMOUNT_TOO_LARGE,
                param="amount",
            )
        refund = Refund.objects.create(
            app=app,
            payment=payment,
            amount=amount,
            currency=payment.currency,
            reason=reason,
            metadata=metadata or {},
            request_key=request_key,
        )
        audit_event_record(
            app=app,
            actor=actor,
            action_type=BillingAuditAction.CREATE_REFUND,
            target_type="refund",
            target_id=refund.pk,
            payload_snapshot=refund_snapshot(refund),
        )
    return refund


def _refund_provider_call(*, app: App, actor: Actor, refund: Refund) -> Refund:
    """Asks the provider for the pending refund (its idempotency key from our row id) and
    applies the answer; a refusal marks the refund failed."""
    payment = refund.payment
    try:
        result = provider_for(app=app).refund(
            RefundRequest(
                idempotency_key=provider_idempotency_key(
                    app_id=app.pk, request_key=None, object_id=refund.pk, operation="refund"
                ),
                app_id=app.pk,
                refund_id=refund.pk,
                payment_reference=payment.provider_payment_id,
                amount_minor=refund.amount,
                reason=refund.reason,
                metadata=refund.metadata,
            )
        )
    except ProviderRequestError as error:
        with transaction.atomic():
            Refund.objects.for_app(app).filter(pk=refund.pk).update(
                status=RefundStatus.FAILED, failure_reason=error.message[:500]
            )
            audit_event_record(
                app=app,
                actor=actor,
                action_type=BillingAuditAction.UPDATE_REFUND_STATUS,
                target_type="refund",
                target_id=refund.pk,
                payload_snapshot={
                    "from": RefundStatus.PENDING,
                    "to": RefundStatus.FAILED,
                    "reason": error.message,
                },
            )
        raise api_error_from_provider(error, param="amount") from None
    except ProviderError as error:
        raise api_error_from_provider(error) from None
    return _refund_apply(refund_id=refund.pk, app=app, result=result, actor=actor)


def _payment_for_provider(*, charge_reference: str, payment_reference: str) -> Payment | None:
    return (
        Payment.objects.all_tenants()
        .select_related("app")
        .filter(
            Q(provider_charge_id=charge_reference or "-")
            | Q(provider_payment_id=payment_reference or "-")
        )
        .first()
    )


def _refund_record_external(
    *, payment: Payment, result: RefundResult, actor: Actor = STRIPE
) -> Refund:
    """A refund made outside our API (the provider's dashboard), recorded so totals agree."""
    app = payment.app
    with transaction.atomic():
        refund = Refund.objects.create(
            app=app,
            payment=payment,
            amount=result.amount_minor,
            currency=payment.currency,
            provider_refund_id=result.provider_reference,
            reason="provider_dashboard",
        )
        audit_event_record(
            app=app,
            actor=actor,
            action_type=BillingAuditAction.CREATE_REFUND,
            target_type="refund",
            target_id=refund.pk,
            payload_snapshot=refund_snapshot(refund),
        )
    return refund


def refund_sync_from_provider(*, refund: Mapping[str, Any]) -> Refund | None:
    """A provider refund as its own events report it (`refund.created`, `refund.updated`,
    `refund.failed`), applied to ours: found by the provider's id, or by our id in its metadata
    (the event can beat the creating request's answer); one made outside our API is recorded.
    A refund that fails after it succeeded gives its amount back to the payment's
    `amount_refunded`. Idempotent; not ours → None."""
    payment = _payment_for_provider(
        charge_reference=str(refund.get("charge") or ""),
        payment_reference=str(refund.get("payment_intent") or ""),
    )
    if payment is None:
        return None
    result = provider_for(app=payment.app).refund_from_object(refund)
    return _refund_sync(payment=payment, result=result, actor=STRIPE)


def _refund_sync(*, payment: Payment, result: RefundResult, actor: Actor) -> Refund:
    app = payment.app
    refunds = Refund.objects.for_app(app).filter(payment=payment)
    row = refunds.filter(provider_refund_id=result.provider_reference).first()
    if row is None and result.refund_id:
        row = refunds.filter(pk=result.refund_id).first()
    if row is None:
        row = _refund_record_external(payment=payment, result=result, actor=actor)
    return _refund_apply(refund_id=row.pk, app=app, result=result, actor=actor)


def payment_sync_from_charge(*, charge: Mapping[str, Any]) -> Payment | None:
    """A provider charge's refunded total (from `charge.refunded`) applied to ours; each refund
    is tracked by its own events (refund_sync_from_provider). Idempotent."""
    payment = _payment_for_provider(
        charge_reference=str(charge.get("id") or ""),
        payment_reference=str(charge.get("payment_intent") or ""),
    )
    if payment is None:
        return None
    app = payment.app
    state = provider_for(app=app).refund_state_from_object(charge)
    with transaction.atomic():
        payment = Payment.objects.for_app(app).select_for_update().get(pk=payment.pk)
        if state.amount_refunded > payment.amount_refunded:
            previous = payment.amount_refunded
            payment.amount_refunded = state.amount_refunded
            payment.save(update_fields=["amount_refunded", "updated_at"])
            audit_event_record(
                app=app,
                actor=STRIPE,
                action_type=BillingAuditAction.UPDATE_PAYMENT_REFUNDED,
                target_type="payment",
                target_id=payment.pk,
                payload_snapshot={"from": previous, "to": payment.amount_refunded},
            )
    return payment


def payment_sync_from_webhook_change(*, change: ProviderWebhookChange, actor: Actor) -> None:
    """What a provider's event (from the generic webhook endpoint) changed, applied to ours: the
    payment is read again from the provider (which may complete it there, e.g. capture an
    approved order), so duplicated and reordered events end in the same state; a refund is
    applied as the event reports it. Objects that are not ours are ignored."""
    if change.payment_reference:
        payment = _payment_for_provider(
            charge_reference="", payment_reference=change.payment_reference
        )
        if payment is not None:
            _payment_refresh(payment=payment, actor=actor)
    if change.refund is not None:
        payment = _payment_for_provider(
            charge_reference=change.refund.charge_reference,
            payment_reference=change.refund.payment_reference,
        )
        if payment is not None:
            _refund_sync(payment=payment, result=change.refund, actor=actor)


def _payment_refresh(*, payment: Payment, actor: Actor) -> Payment:
    """The payment read again from the provider, which completes it there if it can (captures
    an approved PayPal order, with a key derived from our row), and the answer applied."""
    try:
        result = provider_for(app=payment.app).charge_retrieve(
            provider_reference=payment.provider_payment_id
        )
    except ProviderDeclinedError as error:
        if error.charge is None:
            raise
        result = error.charge
    return payment_result_apply(payment_id=payment.pk, app=payment.app, result=result, actor=actor)


def payments_sync_awaiting_action(*, now: Any = None) -> int:
    """The sweep of payments waiting on the customer (`requires_action`): each is read again
    from the provider, so one the customer completed whose webhook never came (a lost
    CHECKOUT.ORDER.APPROVED, a lost payment_intent.succeeded) is still settled; an approved
    PayPal order is captured here. The webhook and this sweep capture with the same key, so a
    race between them makes one capture. A payment younger than the retry window is left to
    its webhook; older than the providers keep keys, to nobody."""
    now = now or timezone.now()
    waiting = Payment.objects.all_tenants().filter(
        status=PaymentStatus.REQUIRES_ACTION, **pending_retry_window(now)
    )
    return pending_complete(
        waiting.exclude(provider_payment_id="")
        .select_related("app", "customer")
        .order_by("created_at")[:RETRY_BATCH_SIZE],
        _payment_refresh_by_sweep,
    )


def _payment_refresh_by_sweep(payment: Payment) -> None:
    try:
        _payment_refresh(payment=payment, actor=SYSTEM)
    except ProviderError as error:
        # An outage stops the sweep (the next run tries again); a refusal of one payment
        # leaves it waiting and the sweep goes on.
        raise api_error_from_provider(error) from None
