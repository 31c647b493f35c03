from celery import shared_task

from usage import services, sync


@shared_task(name="usage.tasks.metrics_sync_pending")  # type: ignore[untyped-decorator]  # Celery is untyped
def metrics_sync_pending() -> int:
    return services.metrics_sync_pending()


@shared_task(name="usage.tasks.usage_sync")  # type: ignore[untyped-decorator]  # Celery is untyped
def usage_sync() -> int:
    return sync.usage_sync().reported
