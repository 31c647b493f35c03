"""Invoices: the provider's invoices of our customers, mirrored from its webhooks, paid now on
the app's request, and previewed (the upcoming invoice).

Every `invoice.*` event re-reads the invoice at the provider (its lines, and every charge of its
payments with their decline codes), so a duplicate or an event delivered out of order applies
the provider's current state, never the older state that event carried; a status never moves
back (a paid or void invoice does not reopen). Each change is audited, and the renewal payments
reach the apps as `invoice.paid` and `invoice.payment_failed` (with the decline code and the
next retry time)."""

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import transaction

from api.errors import ConflictError
from audit.services import audit_event_record
from billing import subscription_webhook_sync
from billing.audit_actions import BillingAuditAction
from billing.coupons import invoice_discounts_describe
from billing.credits import credit_grants_sync_for_invoice
from billing.errors import BillingErrorCode
from billing.models import (
    Customer,
    Invoice,
    InvoicePaymentAttempt,
    InvoicePaymentAttemptStatus,
    InvoiceStatus,
    Subscription,
)
from billing.providers.base import (
    InvoicePaymentAttemptResult,
    InvoicePayRequest,
    InvoiceResult,
    ProviderDeclinedError,
    ProviderError,
    ProviderRequestError,
)
from billing.providers.errors import api_error_from_provider
from billing.providers.keys import provider_idempotency_key
from billing.providers.registry import provider_for
from billing.selectors import CURRENT_SUBSCRIPTION_STATUSES, customer_get, invoice_get
from catalog.models import PlanMeteredComponent, PlanVersion
from notifications.event_types import AppEventType
from notifications.services import app_event_publish
from tenants.actors import STRIPE, Actor
from tenants.models import App

logger = logging.getLogger(__name__)

# How far along its life an invoice is: a read that shows it earlier than we hold it is stale.
_STATUS_RANK = {
    InvoiceStatus.DRAFT: 0,
    InvoiceStatus.OPEN: 1,
    InvoiceStatus.UNCOLLECTIBLE: 2,
    InvoiceStatus.PAID: 3,
    InvoiceStatus.VOID: 3,
}


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def invoice_attempt_snapshot(attempt: InvoicePaymentAttempt) -> dict[str, Any]:
    return {
        "id": attempt.pk,
        "status": attempt.status,
        "amount": attempt.amount,
        "currency": attempt.currency,
        "failure_code": attempt.failure_code,
        "failure_message": attempt.failure_message,
        "decline_code": attempt.decline_code,
        "payment_method": attempt.payment_method,
        "attempted_at": _iso(attempt.attempted_at),
        "provider_charge_id": attempt.provider_charge_id,
    }


def invoice_snapshot(invoice: Invoice) -> dict[str, Any]:
    return {
        "id": invoice.pk,
        "customer": invoice.customer_id,
        "subscription": invoice.subscription_id,
        "number": invoice.number,
        "status": invoice.status,
        "billing_reason": invoice.billing_reason,
        "currency": invoice.currency,
        "total": invoice.total,
        "amount_due": invoice.amount_due,
        "amount_paid": invoice.amount_paid,
        "amount_remaining": invoice.amount_remaining,
        "credits_applied": invoice.credits_applied,
        "attempt_count": invoice.attempt_count,
        "next_payment_attempt": _iso(invoice.next_payment_attempt),
        "hosted_invoice_url": invoice.hosted_invoice_url,
        "provider_invoice_id": invoice.provider_invoice_id,
    }


def _metered_components(app: App, subscription: Subscription | None) -> dict[str, int]:
    """The included quantity of each metered price the subscription's plan versions bill."""
    if subscription is None:
        return {}
    versions = PlanVersion.objects.for_app(app).filter(plan_id=subscription.plan_id)
    components = PlanMeteredComponent.objects.for_app(app).filter(plan_version__in=versions)
    return {
        component.provider_price_id: component.included_quantity
        for component in components
        if component.provider_price_id
    }


def invoice_lines_describe(
    *, app: App, subscription: Subscription | None, result: InvoiceResult
) -> list[dict[str, Any]]:
    """The invoice's lines in our words: `base`, `metered` (with the plan's included quantity)
    or `proration`."""
    metered = _metered_components(app, subscription)
    lines = []
    for line in result.lines:
        kind = "base"
        if line.proration:
            kind = "proration"
        elif line.price_reference in metered:
            kind = "metered"
        lines.append(
            {
                "kind": kind,
                "description": line.description,
                "amount": line.amount_minor,
                "currency": result.currency,
                "quantity": line.quantity,
                "included_quantity": metered.get(line.price_reference)
                if kind == "metered"
                else None,
                "period_start": _iso(line.period_start),
                "period_end": _iso(line.period_end),
                "provider_price_id": line.price_reference,
            }
        )
    return lines


def _discounts_describe(app: App, result: InvoiceResult) -> list[dict[str, Any]]:
    return invoice_discounts_describe(
        app=app,
        discounts=[
            (discount.coupon_reference, discount.promotion_code_reference, discount.amount_minor)
            for discount in result.discounts
        ],
    )


def _customer_for_provider(customer_reference: str) -> Customer | None:
    if not customer_reference:
        return None
    return (
        Customer.objects.all_tenants()
        .select_related("app")
        .filter(provider_customer_id=customer_reference)
        .first()
    )


def _subscription_for(customer: Customer, result: InvoiceResult) -> Subscription | None:
    if not result.subscription_reference:
        return None
    return (
        Subscription.objects.for_app(customer.app)
        .filter(customer=customer, provider_subscription_id=result.subscription_reference)
        .first()
    )


def _attempts_apply(
    invoice: Invoice, attempts: list[InvoicePaymentAttemptResult]
) -> list[InvoicePaymentAttempt]:
    """Records the charges not seen before (a charge's outcome is final once it failed or
    succeeded); answers the new ones."""
    known = {
        attempt.provider_charge_id: attempt
        for attempt in InvoicePaymentAttempt.objects.for_app(invoice.app).filter(invoice=invoice)
    }
    recorded = []
    for result in attempts:
        status = (
            InvoicePaymentAttemptStatus.SUCCEEDED
            if result.succeeded
            else InvoicePaymentAttemptStatus.FAILED
            if result.failure_code or result.decline_code
            else InvoicePaymentAttemptStatus.PENDING
        )
        existing = known.get(result.charge_reference)
        if existing is not None:
            if existing.status == InvoicePaymentAttemptStatus.PENDING and existing.status != status:
                existing.status = status
                existing.failure_code = result.failure_code
                existing.failure_message = result.failure_message[:500]
                existing.decline_code = result.decline_code
                existing.save()
                recorded.append(existing)
            continue
        recorded.append(
            InvoicePaymentAttempt.objects.create(
                app=invoice.app,
                invoice=invoice,
                provider_charge_id=result.charge_reference,
                provider_payment_id=result.payment_reference,
                amount=result.amount_minor,
                currency=result.currency or invoice.currency,
                status=status,
                failure_code=result.failure_code,
                failure_message=result.failure_message[:500],
                decline_code=result.decline_code,
                payment_method=result.payment_method,
                attempted_at=result.attempted_at,
            )
        )
    return recorded


def invoice_apply(*, customer: Customer, result: InvoiceResult, actor: Actor) -> Invoice:
    """Applies the provider's invoice to ours (creating it the first time), in one transaction
    with its audit event and app events."""
    app = customer.app
    subscription = _subscription_for(customer, result)
    status = InvoiceStatus(str(result.status))
    with transaction.atomic():
        invoice, created = Invoice.objects.for_app(app).get_or_create(
            provider_invoice_id=result.provider_reference,
            defaults={
                "app": app,
                "customer": customer,
                "currency": result.currency,
                "status": status,
            },
        )
        invoice = Invoice.objects.for_app(app).select_for_update().get(pk=invoice.pk)
        before = None if created else invoice_snapshot(invoice)
        previous_status = None if created else InvoiceStatus(invoice.status)
        stale = previous_status is not None and (
            _STATUS_RANK[status] < _STATUS_RANK[previous_status]
            or (
                previous_status in (InvoiceStatus.PAID, InvoiceStatus.VOID)
                and status != previous_status
            )
        )
        if not stale:
            fields = {
                "customer": customer,
                "subscription": subscription or invoice.subscription,
                "status": status,
                "number": result.number,
                "billing_reason": result.billing_reason,
                "currency": result.currency,
                "subtotal": result.subtotal,
                "total": result.total,
                "amount_due": result.amount_due,
                "amount_paid": result.amount_paid,
                "amount_remaining": result.amount_remaining,
                "credits_applied": result.credits_applied_minor,
                "period_start": result.period_start,
                "period_end": result.period_end,
                "lines": invoice_lines_describe(
                    app=app, subscription=subscription or invoice.subscription, result=result
                ),
                "discounts": _discounts_describe(app, result),
                "hosted_invoice_url": result.hosted_invoice_url,
                "invoice_pdf": result.invoice_pdf,
                "attempt_count": max(invoice.attempt_count, result.attempt_count),
                "next_payment_attempt": result.next_payment_attempt,
                "provider_created_at": result.created,
                "finalized_at": result.finalized_at,
                "paid_at": result.paid_at,
                "voided_at": result.voided_at,
                "marked_uncollectible_at": result.marked_uncollectible_at,
            }
            changed = [name for name, value in fields.items() if getattr(invoice, name) != value]
            for name in changed:
                setattr(invoice, name, fields[name])
            if changed:
                invoice.save()
        new_attempts = _attempts_apply(invoice, list(result.attempts))
        after = invoice_snapshot(invoice)
        if after != before or new_attempts:
            audit_event_record(
                app=app,
                actor=actor,
                action_type=BillingAuditAction.SYNC_INVOICE,
                target_type="invoice",
                target_id=invoice.pk,
                payload_snapshot={
                    "from": before,
                    "to": after,
                    "new_attempts": [invoice_attempt_snapshot(item) for item in new_attempts],
                },
            )
        for attempt in new_attempts:
            if attempt.status == InvoicePaymentAttemptStatus.FAILED:
                app_event_publish(
                    app=app,
                    event_type=AppEventType.INVOICE_PAYMENT_FAILED,
                    data={
                        **after,
                        "decline_code": attempt.decline_code,
                        "failure_code": attempt.failure_code,
                        "failure_message": attempt.failure_message,
                        "attempt": invoice_attempt_snapshot(attempt),
                    },
                )
        if invoice.status == InvoiceStatus.PAID and previous_status != InvoiceStatus.PAID:
            app_event_publish(app=app, event_type=AppEventType.INVOICE_PAID, data=after)
    return invoice


def invoice_sync_from_provider(
    *, invoice_object: Mapping[str, Any], actor: Actor = STRIPE
) -> Invoice | None:
    """A webhook's invoice, read again at the provider and applied to ours. An invoice of a
    customer that is not ours (another system on the same account) → None, nothing done."""
    customer = _customer_for_provider(str(invoice_object.get("customer") or ""))
    reference = str(invoice_object.get("id") or "")
    if customer is None or not reference:
        return None
    try:
        result = provider_for(app=customer.app).invoice_retrieve(provider_reference=reference)
    except ProviderRequestError as error:
        # A deleted draft: nothing left to mirror.
        logger.warning("Invoice %s not readable at the provider: %s", reference, error.message)
        return None
    invoice = invoice_apply(customer=customer, result=result, actor=actor)
    # The credits it applied are uses of the customer's grants, each recorded once.
    credit_grants_sync_for_invoice(
        invoice=invoice, transaction_references=list(result.credit_transaction_references)
    )
    return invoice


def invoice_pay(
    *,
    app: App,
    actor: Actor,
    invoice_id: str,
    payment_method: str = "",
    request_key: str | None = None,
) -> Invoice:
    """Asks the provider to charge the open invoice now, with `payment_method` (attached to the
    customer first) or the invoice's default card. The outcome is applied at once (the attempt,
    the status, the app events; a paid renewal resolves its grace period); a decline answers
    402 with the decline code after recording the failed attempt."""
    invoice = invoice_get(app=app, invoice_id=invoice_id)
    if invoice.status == InvoiceStatus.PAID:
        raise ConflictError(
            "This invoice is already paid.", code=BillingErrorCode.INVOICE_ALREADY_PAID
        )
    if invoice.status not in (InvoiceStatus.OPEN, InvoiceStatus.UNCOLLECTIBLE):
        raise ConflictError(
            f"Only an open or uncollectible invoice can be paid; this one is {invoice.status}.",
            code=BillingErrorCode.INVOICE_NOT_PAYABLE,
        )
    customer = invoice.customer
    with transaction.atomic():
        audit_event_record(
            app=app,
            actor=actor,
            action_type=BillingAuditAction.PAY_INVOICE,
            target_type="invoice",
            target_id=invoice.pk,
            payload_snapshot={
                "invoice": invoice_snapshot(invoice),
                "payment_method": payment_method,
            },
        )
    provider = provider_for(app=app)
    request = InvoicePayRequest(
        # Without the app's key each attempt is its own: a retry after a decline pays again.
        idempotency_key=provider_idempotency_key(
            app_id=app.pk,
            request_key=request_key,
            object_id=f"{invoice.pk}:{invoice.attempt_count}",
            operation="invoice_pay",
        ),
        provider_reference=invoice.provider_invoice_id,
        customer_reference=customer.provider_customer_id,
        payment_method=payment_method,
    )
    try:
        result = provider.invoice_pay(request)
    except ProviderDeclinedError as error:
        _invoice_refresh(customer=customer, invoice=invoice, actor=actor)
        raise api_error_from_provider(error) from None
    except ProviderRequestError as error:
        if error.code == BillingErrorCode.INVOICE_ALREADY_PAID:
            # Paid at the provider before its webhook reached us (on its hosted page, say).
            _invoice_refresh(customer=customer, invoice=invoice, actor=actor)
            raise ConflictError(
                "This invoice is already paid.", code=BillingErrorCode.INVOICE_ALREADY_PAID
            ) from None
        raise api_error_from_provider(error, param="payment_method") from None
    except ProviderError as error:
        raise api_error_from_provider(error) from None
    paid = invoice_apply(customer=customer, result=result, actor=actor)
    if paid.status == InvoiceStatus.PAID and result.subscription_reference:
        # The provider's invoice.paid follows as a webhook; the grace period this renewal
        # opened is resolved now rather than when it arrives (the handler is idempotent).
        subscription_webhook_sync.subscription_invoice_paid(
            provider_subscription_reference=result.subscription_reference,
            metadata=result.subscription_metadata,
            invoice_reference=result.provider_reference,
            provider_time=result.paid_at,
        )
    return invoice_get(app=app, invoice_id=paid.pk)


def _invoice_refresh(*, customer: Customer, invoice: Invoice, actor: Actor) -> None:
    try:
        result = provider_for(app=customer.app).invoice_retrieve(
            provider_reference=invoice.provider_invoice_id
        )
    except ProviderError:
        return  # the webhook brings it
    invoice_apply(customer=customer, result=result, actor=actor)


def invoice_upcoming(*, app: App, customer_id: str) -> dict[str, Any]:
    """The provider's preview of the customer's next invoice for their current subscription,
    with this period's usage so far."""
    customer = customer_get(app=app, customer_id=customer_id)
    subscription = (
        Subscription.objects.for_app(app)
        .filter(customer=customer, status__in=CURRENT_SUBSCRIPTION_STATUSES)
        .exclude(provider_subscription_id="")
        .order_by("-created_at")
        .first()
    )
    if subscription is None or subscription.cancel_at_period_end:
        # Nothing will be invoiced again: an empty preview.
        return {
            "object": "upcoming_invoice",
            "customer": customer.pk,
            "subscription": None,
            "currency": None,
            "subtotal": 0,
            "total": 0,
            "amount_due": 0,
            "period_start": None,
            "period_end": None,
            "next_payment_attempt": None,
            "lines": [],
            "discounts": [],
        }
    try:
        result = provider_for(app=app).invoice_preview(
            customer_reference=customer.provider_customer_id,
            subscription_reference=subscription.provider_subscription_id,
        )
    except ProviderError as error:
        raise api_error_from_provider(error) from None
    return invoice_preview_describe(
        app=app, customer=customer, subscription=subscription, result=result
    )


def invoice_preview_describe(
    *, app: App, customer: Customer, subscription: Subscription | None, result: InvoiceResult
) -> dict[str, Any]:
    return {
        "object": "upcoming_invoice",
        "customer": customer.pk,
        "subscription": subscription.pk if subscription else None,
        "currency": result.currency,
        "subtotal": result.subtotal,
        "total": result.total,
        "amount_due": result.amount_due,
        "period_start": result.period_start,
        "period_end": result.period_end,
        "next_payment_attempt": result.next_payment_attempt,
        "lines": invoice_lines_describe(app=app, subscription=subscription, result=result),
        "discounts": _discounts_describe(app, result),
    }


def invoice_upcoming_announce(*, invoice_object: Mapping[str, Any]) -> None:
    """The provider's `invoice.upcoming` (a preview, no id): told to the app as
    `invoice.upcoming`. Not ours → nothing."""
    customer = _customer_for_provider(str(invoice_object.get("customer") or ""))
    if customer is None:
        return
    result = provider_for(app=customer.app).invoice_from_object(invoice_object)
    subscription = _subscription_for(customer, result)
    preview = invoice_preview_describe(
        app=customer.app, customer=customer, subscription=subscription, result=result
    )
    with transaction.atomic():
        app_event_publish(app=customer.app, event_type=AppEventType.INVOICE_UPCOMING, data=preview)
