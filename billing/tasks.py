from celery import shared_task

from billing import payments


@shared_task(name="billing.tasks.payments_complete_pending")
def payments_complete_pending() -> int:
    return payments.payments_complete_pending()
