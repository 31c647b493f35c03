from celery import shared_task

from catalog import metrics


@shared_task(name="catalog.tasks.metrics_sync_pending")  # type: ignore[untyped-decorator]  # Celery is untyped
def metrics_sync_pending() -> int:
    return metrics.metrics_sync_pending()
