"""Usage's reactions to billing's signals (billing/signals.py), connected in UsageConfig.ready()."""

from typing import Any

from billing.models import Customer, Subscription
from billing.signals import subscription_changed
from tenants.actors import Actor
from tenants.models import App
from usage.entitlements import entitlements_refresh_for_customer


def on_subscription_changed(
    sender: Any, *, app: App, customer: Customer, actor: Actor, **kwargs: Any
) -> None:
    """A committed subscription change (a new period, a plan change, a cancellation)
    re-applies the customer's quotas."""
    entitlements_refresh_for_customer(app=app, customer=customer, actor=actor)


def receivers_connect() -> None:
    subscription_changed.connect(
        on_subscription_changed, sender=Subscription, dispatch_uid="usage:subscription_changed"
    )
