from celery import shared_task

from api.idempotency import idempotency_keys_purge as purge


@shared_task(name="api.tasks.idempotency_keys_purge")  # type: ignore[untyped-decorator]  # Celery is untyped
def idempotency_keys_purge() -> int:
    return purge()
