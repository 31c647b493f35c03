"""Grace's reactions to billing's signals (billing/signals.py), connected in GraceConfig.ready().
Both run inside billing's transaction, so a grace period and its audit row commit with it."""

import contextlib
from typing import Any

from api.errors import ConflictError
from billing.models import Subscription
from billing.signals import subscription_invoice_paid, subscription_invoice_payment_failed
from grace.models import GracePeriod, GraceReason, GraceStatus
from grace.services import grace_period_open, grace_period_resolve
from tenants.actors import Actor


def on_subscription_invoice_paid(
    sender: Any, *, subscription: Subscription, invoice_reference: str, actor: Actor, **kwargs: Any
) -> None:
    """Resolves the payment_failed grace period this invoice opened. A period opened by another
    invoice stays open while that one is still owed, so the late delivery of an older invoice's
    payment closes nothing it should not."""
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
                actor=actor,
                grace_period_id=grace_period_id,
                note=f"Invoice {invoice_reference} was paid.",
            )


def on_subscription_invoice_payment_failed(
    sender: Any, *, subscription: Subscription, invoice_reference: str, actor: Actor, **kwargs: Any
) -> None:
    """Opens a payment_failed grace period named after the invoice (for the plan's
    `grace_period_days`), unless one is already open."""
    grace_period_open(
        app=subscription.app,
        actor=actor,
        customer=subscription.customer,
        reason=GraceReason.PAYMENT_FAILED,
        subscription=subscription,
        source_reference=invoice_reference,
    )


def receivers_connect() -> None:
    subscription_invoice_paid.connect(
        on_subscription_invoice_paid, sender=Subscription, dispatch_uid="grace:invoice_paid"
    )
    subscription_invoice_payment_failed.connect(
        on_subscription_invoice_payment_failed,
        sender=Subscription,
        dispatch_uid="grace:invoice_payment_failed",
    )
