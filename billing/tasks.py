from celery import shared_task

from billing import credits, payments
from billing import subscription_provider_sync as subscriptions
from billing.subscription_provider_sync import (
    subscription_complete_pending_task as subscription_complete_pending,
)


@shared_task(name="billing.tasks.payments_complete_pending")  # type: ignore[untyped-decorator]  # Celery is untyped
def payments_complete_pending() -> int:
    return payments.payments_complete_pending()


@shared_task(name="billing.tasks.payments_sync_awaiting_action")  # type: ignore[untyped-decorator]  # Celery is untyped
def payments_sync_awaiting_action() -> int:
    return payments.payments_sync_awaiting_action()


@shared_task(name="billing.tasks.subscriptions_complete_pending")  # type: ignore[untyped-decorator]  # Celery is untyped
def subscriptions_complete_pending() -> int:
    return subscriptions.subscriptions_complete_pending()


@shared_task(name="billing.tasks.credit_grants_expire_due")  # type: ignore[untyped-decorator]  # Celery is untyped
def credit_grants_expire_due() -> int:
    return credits.credit_grants_expire_due()


__all__ = ["subscription_complete_pending"]
