from celery import shared_task

from tenants.idempotency import idempotency_keys_purge as purge


@shared_task(name="tenants.tasks.idempotency_keys_purge")
def idempotency_keys_purge() -> int:
    return purge()
