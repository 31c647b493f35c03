from celery import shared_task

from backoffice.mrr import mrr_reconcile as reconcile


@shared_task(name="backoffice.tasks.mrr_reconcile")  # type: ignore[untyped-decorator]  # Celery is untyped
def mrr_reconcile() -> int:
    return reconcile()
