"""The back office's reactions to billing's signals (billing/signals.py), connected in
BackofficeConfig.ready()."""

from typing import Any

from backoffice.mrr import customer_mrr_record
from billing.models import Customer, Subscription
from billing.signals import subscription_changed


def on_subscription_changed(sender: Any, *, customer: Customer, **kwargs: Any) -> None:
    """A committed subscription change (created at the provider, a new status, a plan change,
    a cancellation) moves the MRR ledger."""
    customer_mrr_record(customer=customer)


def receivers_connect() -> None:
    subscription_changed.connect(
        on_subscription_changed,
        sender=Subscription,
        dispatch_uid="backoffice:subscription_changed",
    )
