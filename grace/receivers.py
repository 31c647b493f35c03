"""Grace's reactions to billing's signals (billing/signals.py), connected in GraceConfig.ready().
Both run inside billing's transaction, so a grace period and its audit row commit with it."""

import contextlib
from datetime import datetime
from typing import Any

from api.errors import ConflictError
from billing.models import Subscription, TestClock
from billing.signals import (
    subscription_invoice_paid,
    subscription_invoice_payment_failed,
    test_clock_ready,
)
from grace.models import GracePeriod, GraceReason, GraceStatus
from grace.services import grace_period_open, grace_period_resolve, grace_periods_expire
from tenants.actors import Actor
from tenants.models import App


def on_subscription_invoice_paid(
    sender: Any,
    *,
    subscription: Subscription,
    invoice_reference: str,
    actor: Actor,
    now: datetime | None = None,
    **kwargs: Any,
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
                now=now,
            )


def on_subscription_invoice_payment_failed(
    sender: Any,
    *,
    subscription: Subscription,
    invoice_reference: str,
    actor: Actor,
    now: datetime | None = None,
    paid_at: datetime | None = None,
    **kwargs: Any,
) -> None:
    """Opens a payment_failed grace period named after the invoice (for the plan's
    `grace_period_days`, from when the payment failed in the customer's time), unless one is
    already open. When the failure arrives after the invoice was paid (`paid_at`), the period
    this invoice opened is resolved at once, as its on-time `invoice.paid` would have."""
    grace_period, _ = grace_period_open(
        app=subscription.app,
        actor=actor,
        customer=subscription.customer,
        reason=GraceReason.PAYMENT_FAILED,
        subscription=subscription,
        source_reference=invoice_reference,
        now=now,
    )
    if (
        paid_at is not None
        and grace_period.source_reference == invoice_reference
        and grace_period.status == GraceStatus.ACTIVE
    ):
        grace_period_resolve(
            app=subscription.app,
            actor=actor,
            grace_period_id=grace_period.pk,
            note=f"Invoice {invoice_reference} was paid.",
            now=max(paid_at, grace_period.starts_at),
        )


def on_test_clock_ready(
    sender: Any, *, app: App, test_clock_id: str, frozen_time: datetime, **kwargs: Any
) -> None:
    """The clock's customers are now at `frozen_time`: their grace periods that have ended by
    then expire, as the sweep expires everyone else's in real time."""
    grace_periods_expire(now=frozen_time, test_clock_id=test_clock_id)


def receivers_connect() -> None:
    test_clock_ready.connect(on_test_clock_ready, sender=TestClock, dispatch_uid="grace:test_clock")
    subscription_invoice_paid.connect(
        on_subscription_invoice_paid, sender=Subscription, dispatch_uid="grace:invoice_paid"
    )
    subscription_invoice_payment_failed.connect(
        on_subscription_invoice_payment_failed,
        sender=Subscription,
        dispatch_uid="grace:invoice_payment_failed",
    )
