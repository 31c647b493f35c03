"""One strategy for calling the provider, shared by customers, payments, subscriptions and
usage: write our row first as pending (with its audit event) and commit; call the provider
with an idempotency key derived from the row's id; apply its answer. An outage leaves the
pending row, which the request's own retry or the beat's retry job completes with the same
key, so the provider makes one object however often we ask. The retry job's window and loop
are here, written once."""

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.db import models

from api.errors import ProviderUnavailableError, ServiceError


class SyncState(models.TextChoices):
    """Where a row stands with the provider: written first as pending, so a provider outage never
    leaves a half-made object behind, then completed by the request or by the retry job."""

    PENDING = "pending", "Pending"
    SYNCED = "synced", "Synced"
    FAILED = "failed", "Failed"


# A pending row younger than this may still be in flight in its own request.
RETRY_PENDING_AFTER = timedelta(minutes=2)
# Provider idempotency keys are kept 24 h; asking again after that could make a second object.
RETRY_PENDING_FOR = timedelta(hours=23)
RETRY_BATCH_SIZE = 100

Row = TypeVar("Row")


def pending_retry_window(now: datetime) -> dict[str, Any]:
    """The filter of the pending rows the retry job may ask for again: old enough that their own
    request is over, young enough that the provider still knows their idempotency key."""
    return {
        "created_at__lt": now - RETRY_PENDING_AFTER,
        "created_at__gt": now - RETRY_PENDING_FOR,
    }


def pending_complete(rows: Iterable[Row], complete: Callable[[Row], object]) -> int:
    """Completes each pending row in turn, stopping at the first outage (the next run tries
    again). A refusal is an outcome (`complete` recorded it on the row) and counts as done.
    Returns how many it completed or saw refused."""
    completed = 0
    for row in rows:
        try:
            complete(row)
        except ProviderUnavailableError:
            break
        except ServiceError:
            pass
        completed += 1
    return completed
