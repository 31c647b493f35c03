from celery import shared_task

from tenants.idempotency import idempotency_keys_purge as purge


@shared_task(name="tenants.tasks.idempotency_keys_purge")  # type: ignore[untyped-decorator]  # Celery is untyped
def idempotency_keys_purge() -> int:
    return purge()
