"""State for the grace tests. Customers, metrics and grace periods come from the services; the
grace services take models, so these helpers answer models. Plans and subscriptions are still
rows made directly: subscribing through the service publishes subscription events to the app,
and the grace tests assert the app's whole event stream, so moving them needs those tests
reworked (not done yet)."""

from datetime import UTC, datetime
from typing import Any

from billing.models import Customer, Subscription, SubscriptionStatus
from billing.services import customer_create
from catalog.models import Metric, Plan, PlanVersion
from catalog.services import metric_create
from grace.models import GracePeriod, GraceReason
from grace.services import grace_period_open
from tenants.actors import STRIPE, SYSTEM, Actor
from tenants.models import App

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def customer_make(app: App, external_id: str = "user-1") -> Customer:
    return customer_create(app=app, actor=Actor.staff("test"), external_id=external_id)


def metric_make(app: App, code: str = "api_calls") -> Metric:
    return metric_create(
        app=app, actor=Actor.staff("test"), code=code, name=code.replace("_", " ").title()
    )


def subscription_make(
    app: App, customer: Customer, *, grace_period_days: int = 7, code: str = "pro"
) -> Subscription:
    plan = Plan.objects.create(
        app=app, code=code, name=code.title(), currency="usd", grace_period_days=grace_period_days
    )
    version = PlanVersion.objects.create(app=app, plan=plan, version=1, base_amount=2900)
    return Subscription.objects.create(
        app=app,
        customer=customer,
        plan=plan,
        plan_version=version,
        status=SubscriptionStatus.PAST_DUE,
    )


def payment_failed_open(
    app: App, subscription: Subscription, **options: Any
) -> tuple[GracePeriod, bool]:
    return grace_period_open(
        app=app,
        actor=STRIPE,
        customer=subscription.customer,
        reason=GraceReason.PAYMENT_FAILED,
        subscription=subscription,
        **options,
    )


def over_quota_open(
    app: App, customer: Customer, metric: Metric, **options: Any
) -> tuple[GracePeriod, bool]:
    return grace_period_open(
        app=app,
        actor=SYSTEM,
        customer=customer,
        reason=GraceReason.OVER_QUOTA,
        metric=metric,
        **options,
    )
