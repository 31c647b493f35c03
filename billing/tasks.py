from celery import shared_task

from billing import payments, subscriptions


@shared_task(name="billing.tasks.payments_complete_pending")
def payments_complete_pending() -> int:
    return payments.payments_complete_pending()


@shared_task(name="billing.tasks.subscriptions_complete_pending")
def subscriptions_complete_pending() -> int:
    return subscriptions.subscriptions_complete_pending()


@shared_task(name="billing.tasks.subscription_complete_pending")
def subscription_complete_pending(*, subscription_id: str) -> None:
    subscriptions.subscription_complete_pending(subscription_id=subscription_id)
