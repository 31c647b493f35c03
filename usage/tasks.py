from celery import shared_task

from usage import services


@shared_task(name="usage.tasks.metrics_sync_pending")
def metrics_sync_pending() -> int:
    return services.metrics_sync_pending()
