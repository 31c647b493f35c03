"""APIForge's usage: each request's units recorded locally at once, then reported to
payment-service in batches (`POST /v1/usage/batch`), each event once by its event_id."""

import logging
import threading
import uuid

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from payment_service_client import api, models

from demo_common.client import service

from .models import UsageRecord

logger = logging.getLogger("demo")
_flushing = threading.Lock()


def usage_record(*, customer_id: str, units: int) -> None:
    UsageRecord.objects.create(
        customer_id=customer_id,
        event_id=f"apiforge-{uuid.uuid4().hex}",
        units=units,
        recorded_at=timezone.now(),
    )
    if UsageRecord.objects.filter(reported_at=None).count() >= settings.USAGE_BATCH_SIZE:
        usage_flush()


def usage_pending(customer_id: str) -> int:
    pending = UsageRecord.objects.filter(customer_id=customer_id, reported_at=None)
    return int(pending.aggregate(total=Sum("units"))["total"] or 0)


def usage_flush() -> int:
    """Reports every unreported record, up to 1,000 a batch; answers how many were sent."""
    from .hooks import METRIC

    sent = 0
    with _flushing:
        while batch := list(UsageRecord.objects.filter(reported_at=None)[:1000]):
            result = service().call(
                api.v1_usage_batch_create.sync_detailed,
                body=models.UsageBatchInputRequest(
                    events=[
                        models.UsageEventCreateInputRequest(
                            customer=record.customer_id,
                            event_id=record.event_id,
                            metric=METRIC,
                            quantity=record.units,
                        )
                        for record in batch
                    ]
                ),
                # The same batch retried is the same request.
                idempotency_key=f"apiforge-batch-{batch[0].event_id}-{len(batch)}",
            )
            for item in result.data:
                if str(item.status) == "rejected":
                    logger.warning("usage event %s refused: %s", item.event_id, item.to_dict())
            # Accepted, a duplicate of one already counted, or refused for good: done with.
            with transaction.atomic():
                UsageRecord.objects.filter(pk__in=[record.pk for record in batch]).update(
                    reported_at=timezone.now()
                )
            sent += result.accepted
    return sent
