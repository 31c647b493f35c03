"""State for the dashboard tests, made through the services (Stripe is the emulator); a
subscription's status is applied as Stripe's webhooks would apply it. A failed webhook delivery
is a row: reaching that state for real takes the retry schedule's days."""

from billing.models import Customer, Subscription
from billing.services import customer_create
from billing.subscriptions import subscription_create
from catalog.models import Plan
from catalog.services import plan_create
from notifications.models import AppEvent, WebhookDelivery, WebhookDeliveryStatus
from notifications.services import webhook_endpoint_create
from tenants.actors import Actor
from tenants.models import App
from tests.factories import subscription_state_apply

OPERATOR = Actor.staff("admin-tests")


def customer_make(app: App, external_id: str, **fields: str) -> Customer:
    return customer_create(app=app, actor=OPERATOR, external_id=external_id, **fields)


def plan_make(
    app: App, code: str, *, amount: int, interval: str = "month", currency: str = "usd"
) -> Plan:
    return plan_create(
        app=app,
        actor=OPERATOR,
        code=code,
        name=code.title(),
        currency=currency,
        base={"amount": amount, "interval": interval, "interval_count": 1},
    )


def subscription_make(app: App, customer: Customer, plan: Plan, status: str) -> Subscription:
    subscription = subscription_create(
        app=app, actor=OPERATOR, customer=customer.pk, plan=plan.pk, payment_method="pm_card_visa"
    )
    return subscription_state_apply(subscription, status=status)


def failed_delivery_make(app: App, *, error: str = "HTTP 500 from the app") -> WebhookDelivery:
    endpoint = webhook_endpoint_create(
        app=app, actor=OPERATOR, url="https://receiver.example/hooks", enabled_events=["*"]
    )
    event = AppEvent.objects.create(app=app, event_type="payment.failed", data={"id": "pay_x"})
    return WebhookDelivery.objects.create(
        app=app,
        endpoint=endpoint,
        event=event,
        status=WebhookDeliveryStatus.FAILED,
        attempt_count=8,
        last_response_status=500,
        last_error=error,
    )
