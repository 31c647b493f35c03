"""One way to make an object of each tenant-owned model that a `/v1/` route points at, used by
the cross-tenant test. A new resource adds its model here, or that test fails and says so."""

from collections.abc import Callable
from enum import StrEnum
from typing import Any

from django.db import transaction

from audit.services import audit_event_record
from billing.payments import payment_create, refund_create
from billing.services import customer_create
from billing.subscriptions import subscription_create
from catalog.services import metric_create, plan_create
from grace.models import GraceReason
from grace.services import grace_period_open
from notifications.services import webhook_endpoint_create
from tenants.actors import Actor
from tenants.models import App

FACTORY_ACTOR = Actor.staff("factory")


class FactoryAuditAction(StrEnum):
    """Test-only action types: no service records them."""

    FACTORY = "FACTORY"


def customer_factory(app: App) -> Any:
    # /customers/{id}/entitlements/{metric} is walked with the metric `api_calls`.
    metric_create(app=app, actor=FACTORY_ACTOR, code="api_calls", name="API calls")
    return customer_create(app=app, actor=FACTORY_ACTOR, external_id="factory-customer")


def audit_event_factory(app: App) -> Any:
    with transaction.atomic():
        return audit_event_record(
            app=app,
            actor=FACTORY_ACTOR,
            action_type=FactoryAuditAction.FACTORY,
            target_type="nothing",
        )


def webhook_endpoint_factory(app: App) -> Any:
    return webhook_endpoint_create(
        app=app, actor=FACTORY_ACTOR, url="https://factory.example/hooks", enabled_events=["*"]
    )


def grace_period_factory(app: App) -> Any:
    customer = customer_create(app=app, actor=FACTORY_ACTOR, external_id="factory-grace-customer")
    grace_period, _ = grace_period_open(
        app=app, actor=FACTORY_ACTOR, customer=customer, reason=GraceReason.PAYMENT_FAILED
    )
    return grace_period


def plan_factory(app: App) -> Any:
    return plan_create(
        app=app,
        actor=FACTORY_ACTOR,
        code="factory-plan",
        name="Factory plan",
        currency="usd",
        base={"amount": 1000, "interval": "month", "interval_count": 1},
    )


def metric_factory(app: App) -> Any:
    return metric_create(app=app, actor=FACTORY_ACTOR, code="factory_metric", name="Factory metric")


def payment_factory(app: App) -> Any:
    customer = customer_create(
        app=app, actor=FACTORY_ACTOR, external_id="factory-payer", payment_method="pm_card_visa"
    )
    return payment_create(
        app=app, actor=FACTORY_ACTOR, customer=customer.pk, amount=1000, currency="usd"
    )


def refund_factory(app: App) -> Any:
    payment = payment_factory(app)
    return refund_create(app=app, actor=FACTORY_ACTOR, payment_id=payment.pk, amount=100)


def subscription_factory(app: App) -> Any:
    customer = customer_create(
        app=app,
        actor=FACTORY_ACTOR,
        external_id="factory-subscriber",
        payment_method="pm_card_visa",
    )
    plan = plan_create(
        app=app,
        actor=FACTORY_ACTOR,
        code="factory-subscription-plan",
        name="Factory subscription plan",
        currency="usd",
        base={"amount": 1000, "interval": "month", "interval_count": 1},
    )
    return subscription_create(app=app, actor=FACTORY_ACTOR, customer=customer.pk, plan=plan.pk)


OBJECT_FACTORIES: dict[str, Callable[[App], Any]] = {
    "catalog.Metric": metric_factory,
    "billing.Customer": customer_factory,
    "catalog.Plan": plan_factory,
    "billing.Payment": payment_factory,
    "billing.Refund": refund_factory,
    "billing.Subscription": subscription_factory,
    "audit.AuditEvent": audit_event_factory,
    "grace.GracePeriod": grace_period_factory,
    "notifications.WebhookEndpoint": webhook_endpoint_factory,
}
