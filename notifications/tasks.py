from celery import shared_task

from notifications import services


@shared_task(name="notifications.tasks.webhook_delivery_attempt")  # type: ignore[untyped-decorator]  # Celery is untyped
def webhook_delivery_attempt(*, delivery_id: str) -> None:
    services.webhook_delivery_attempt(delivery_id=delivery_id)


@shared_task(name="notifications.tasks.webhook_deliveries_retry_due")  # type: ignore[untyped-decorator]  # Celery is untyped
def webhook_deliveries_retry_due() -> int:
    return services.webhook_deliveries_retry_due()
