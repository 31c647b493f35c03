from celery import shared_task

from grace.services import grace_periods_expire as expire


@shared_task(name="grace.tasks.grace_periods_expire")  # type: ignore[untyped-decorator]  # Celery is untyped
def grace_periods_expire() -> int:
    return expire()
