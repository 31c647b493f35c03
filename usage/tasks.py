from celery import shared_task

from usage import sync


@shared_task(name="usage.tasks.usage_sync")  # type: ignore[untyped-decorator]  # Celery is untyped
def usage_sync() -> int:
    return sync.usage_sync().reported
