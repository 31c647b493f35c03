"""Writes of the catalog's metrics and their provider meters. A metric is written first
(pending), then its meter is created at the provider outside the transaction; the retry job
completes what an outage left pending."""

import logging
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from api.errors import ConflictError
from api.errors import ProviderUnavailableError as ApiProviderUnavailableError
from audit.services import audit_event_record
from billing.providers.base import (
    Capability,
    MeterRequest,
    ProviderRequestError,
    ProviderUnavailableError,
)
from billing.providers.capabilities import capability_supported_check
from billing.providers.keys import provider_idempotency_key
from billing.providers.pending import (
    RETRY_BATCH_SIZE,
    SyncState,
    pending_complete,
    pending_retry_window,
)
from billing.providers.registry import provider_for
from catalog.audit_actions import CatalogAuditAction
from catalog.errors import CatalogErrorCode
from catalog.models import Aggregation, Metric
from tenants.actors import Actor
from tenants.models import App

logger = logging.getLogger(__name__)


def meter_event_name(*, app: App, code: str) -> str:
    """The provider meter's event name: names the app and the metric, so it is unique across
    every app sharing one Stripe account (a metric code is unique within its app)."""
    return f"ps_{app.pk}_{code}".lower()


def provider_meter_aggregation(aggregation: str) -> str:
    # We report a `count` metric as the number of events per interval, so the provider meter
    # sums those counts; `sum` and `last` map one to one.
    return "sum" if aggregation == Aggregation.COUNT else aggregation


def metric_snapshot(metric: Metric) -> dict[str, Any]:
    return {
        "id": metric.pk,
        "code": metric.code,
        "name": metric.name,
        "aggregation": metric.aggregation,
        "unit": metric.unit,
        "meter_event_name": metric.meter_event_name,
    }


def metric_create(
    *,
    app: App,
    actor: Actor,
    code: str,
    name: str,
    aggregation: str = Aggregation.SUM,
    unit: str = "",
) -> Metric:
    """Writes the metric (pending), then creates its provider meter. If the provider cannot be
    reached the metric stays pending and `metrics_sync_pending` completes it later; usage can be
    ingested meanwhile and is reported once the meter exists."""
    capability_supported_check(app=app, capability=Capability.METERED_USAGE, param=None)
    try:
        with transaction.atomic():
            metric = Metric.objects.create(
                app=app,
                code=code,
                name=name,
                aggregation=aggregation,
                unit=unit,
                meter_event_name=meter_event_name(app=app, code=code),
                sync_state=SyncState.PENDING,
            )
            audit_event_record(
                app=app,
                actor=actor,
                action_type=CatalogAuditAction.CREATE_METRIC,
                target_type="metric",
                target_id=metric.pk,
                payload_snapshot=metric_snapshot(metric),
            )
    except IntegrityError:
        raise ConflictError(
            f"A metric with code {code!r} already exists.",
            code=CatalogErrorCode.METRIC_CODE_TAKEN,
            param="code",
        ) from None
    # Outside the transaction: no row lock is held while we wait on the provider.
    return metric_provider_sync(metric=metric)


def metric_provider_sync(*, metric: Metric) -> Metric:
    """Creates the metric's provider meter if it has none. Safe to repeat and to race: the
    provider call carries an idempotency key derived from the metric id."""
    if metric.sync_state != SyncState.PENDING:
        return metric
    app = metric.app
    request = MeterRequest(
        idempotency_key=provider_idempotency_key(
            app_id=app.pk, request_key=None, object_id=metric.pk, operation="meter"
        ),
        app_id=app.pk,
        metric_code=metric.code,
        event_name=metric.meter_event_name,
        display_name=metric.name,
        aggregation=provider_meter_aggregation(metric.aggregation),
    )
    try:
        meter = provider_for(app=app).meter_create(request)
    except ProviderUnavailableError as error:
        logger.warning(
            "Meter for metric %s not created yet (%s); the retry job will.", metric.pk, error.code
        )
        return metric
    except ProviderRequestError as error:
        logger.error("The provider refused the meter for metric %s: %s", metric.pk, error)
        metric.sync_state = SyncState.FAILED
        Metric.objects.for_app(app).filter(pk=metric.pk, sync_state=SyncState.PENDING).update(
            sync_state=SyncState.FAILED, updated_at=timezone.now()
        )
        return metric
    metric.provider_meter_id = meter.provider_reference
    metric.sync_state = SyncState.SYNCED
    Metric.objects.for_app(app).filter(pk=metric.pk).update(
        provider_meter_id=meter.provider_reference,
        sync_state=SyncState.SYNCED,
        updated_at=timezone.now(),
    )
    return metric


def metrics_sync_pending(*, now: datetime | None = None) -> int:
    """The retry job, across every app: creates the provider meters that a provider outage left
    pending, through the same window and loop as payments and subscriptions. Returns how many it
    completed (or saw refused)."""
    pending = (
        Metric.objects.all_tenants()
        .filter(sync_state=SyncState.PENDING, **pending_retry_window(now or timezone.now()))
        .select_related("app")
        .order_by("created_at")[:RETRY_BATCH_SIZE]
    )
    return pending_complete(pending, _metric_complete_for_retry)


def _metric_complete_for_retry(metric: Metric) -> None:
    if metric_provider_sync(metric=metric).sync_state == SyncState.PENDING:
        raise ApiProviderUnavailableError()  # still out: stop, and let the next run try again
