"""Usage alerts: levels of a metric's usage per billing period (a percentage of the customer's
quota, or an absolute quantity) at which the app hears `usage.threshold_reached`, once per
customer, metric, threshold and period.

Ingestion calls `usage_alerts_check` with the rollups it just updated. A rollup at or over an
alert's threshold in the customer's current period inserts the alert's trigger row
(`INSERT … ON CONFLICT DO NOTHING` on its unique key: alert, customer, period start); only the
request whose insert wrote the row records the audit event and publishes the app event, in the
same transaction, so requests crossing together deliver one event."""

from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from api.errors import NotFoundError
from audit.services import audit_event_record
from billing.clocks import customer_clock_times
from catalog.models import Metric
from notifications.event_types import AppEventType
from notifications.services import app_event_publish
from tenants.actors import SYSTEM, Actor
from tenants.models import App
from tenants.scoping import TenantScopedQuerySet
from usage.audit_actions import UsageAuditAction
from usage.models import UsageAlert, UsageAlertThreshold
from usage.periods import CustomerContext
from usage.selectors import metrics_by_code
from usage.statements import fetch_all

TARGET_TYPE = "usage_alert"


def usage_alert_threshold(alert: UsageAlert) -> dict[str, int]:
    """The threshold as the API shows it: `{"percent_of_quota": 80}` or `{"quantity": 5000}`."""
    return {str(alert.threshold_type): alert.threshold_value}


def usage_alert_snapshot(alert: UsageAlert) -> dict[str, Any]:
    return {
        "id": alert.pk,
        "object": "usage_alert",
        "metric": alert.metric.code,
        "threshold": usage_alert_threshold(alert),
    }


# Reads


def usage_alert_list(*, app: App, metric: str | None = None) -> TenantScopedQuerySet[UsageAlert]:
    alerts = (
        UsageAlert.objects.for_app(app)
        .filter(deleted_at__isnull=True)
        .select_related("metric")
        .order_by("-created_at", "-id")
    )
    if metric is not None:
        alerts = alerts.filter(metric__code=metric)
    return alerts


def usage_alert_get(*, app: App, usage_alert_id: str) -> UsageAlert:
    alert = usage_alert_list(app=app).filter(pk=usage_alert_id).first()
    if alert is None:
        raise NotFoundError("usage alert")
    return alert


# Writes


def usage_alert_create(
    *, app: App, actor: Actor, metric: str, threshold: dict[str, int]
) -> UsageAlert:
    """`threshold` holds exactly one of `percent_of_quota` and `quantity` (the serializer
    checks it)."""
    measured = Metric.objects.for_app(app).filter(code=metric).first()
    if measured is None:
        raise NotFoundError("metric", param="metric")
    ((threshold_type, threshold_value),) = threshold.items()
    with transaction.atomic():
        alert = UsageAlert.objects.create(
            app=app,
            metric=measured,
            threshold_type=UsageAlertThreshold(threshold_type),
            threshold_value=threshold_value,
        )
        audit_event_record(
            app=app,
            actor=actor,
            action_type=UsageAuditAction.CREATE_USAGE_ALERT,
            target_type=TARGET_TYPE,
            target_id=alert.pk,
            payload_snapshot=usage_alert_snapshot(alert),
        )
    return alert


def usage_alert_delete(*, app: App, actor: Actor, usage_alert_id: str) -> UsageAlert:
    """Stops the alert; its triggers stay for the record, the alert answers 404 after."""
    with transaction.atomic():
        alert = (
            UsageAlert.objects.for_app(app)
            .select_for_update(of=("self",))
            .select_related("metric")
            .filter(pk=usage_alert_id, deleted_at__isnull=True)
            .first()
        )
        if alert is None:
            raise NotFoundError("usage alert")
        alert.deleted_at = timezone.now()
        alert.save(update_fields=["deleted_at"])
        audit_event_record(
            app=app,
            actor=actor,
            action_type=UsageAuditAction.DELETE_USAGE_ALERT,
            target_type=TARGET_TYPE,
            target_id=alert.pk,
            payload_snapshot=usage_alert_snapshot(alert),
        )
    return alert


# Ingestion's check


_ALERTS_SQL = """
SELECT id, metric_id, threshold_type, threshold_value
  FROM usage_alerts
 WHERE app_id = %s AND deleted_at IS NULL
"""

_TRIGGER_INSERT_SQL = """
INSERT INTO usage_alert_triggers
       (app_id, alert_id, customer_id, period_start, period_end, threshold_quantity, used,
        created_at)
VALUES (%(app)s, %(alert)s, %(customer)s, %(period_start)s, %(period_end)s,
        %(threshold_quantity)s, %(used)s, %(now)s)
    ON CONFLICT (alert_id, customer_id, period_start) DO NOTHING
RETURNING id
"""


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _threshold_quantity(
    *, threshold_type: str, threshold_value: int, quota: int | None
) -> int | None:
    """The usage at which the alert fires for a customer: the quantity itself, or the
    percentage of the customer's quota rounded up (at least 1); None without a quota."""
    if threshold_type == UsageAlertThreshold.QUANTITY:
        return threshold_value
    if quota is None:
        return None
    return max(1, -(-quota * threshold_value // 100))


def usage_alerts_check(
    *,
    app: App,
    rollups: list[tuple[Any, ...]],
    contexts: dict[str, CustomerContext],
    now: datetime,
) -> None:
    """After ingestion updated `rollups` (rows of id, customer_id, metric_id, period start as
    epoch seconds, value, …), records and announces each alert the current period's usage has
    reached. Runs in a batch's transaction, or after a single event's statement committed."""
    if not rollups:
        return
    alerts = fetch_all(_ALERTS_SQL, [app.pk])
    if not alerts:
        return
    codes: dict[str, str] | None = None
    reached: list[tuple[tuple[Any, ...], CustomerContext, tuple[Any, ...], int]] = []
    for rollup in rollups:
        _, customer_id, metric_id, _, value, *_ = rollup
        context = contexts.get(customer_id)
        if context is None:
            continue
        for alert in alerts:
            _, alert_metric_id, threshold_type, threshold_value = alert
            if alert_metric_id != metric_id:
                continue
            quota = None
            if threshold_type == UsageAlertThreshold.PERCENT_OF_QUOTA:
                if codes is None:
                    codes = {
                        info.id: info.code for info in metrics_by_code(app=app, codes=()).values()
                    }
                quota = context.quotas.get(codes.get(metric_id, ""))
            threshold_quantity = _threshold_quantity(
                threshold_type=threshold_type, threshold_value=threshold_value, quota=quota
            )
            if threshold_quantity is not None and value >= threshold_quantity:
                reached.append((rollup, context, alert, threshold_quantity))
    if not reached:
        return
    # A customer on a test clock lives at the clock's time: its current period is the clock's.
    clock_times = customer_clock_times(
        app=app, references={context.customer_id for _, context, _, _ in reached}
    )
    codes = codes or {info.id: info.code for info in metrics_by_code(app=app, codes=()).values()}
    for rollup, context, alert, threshold_quantity in reached:
        _, customer_id, metric_id, period_epoch, value, *_ = rollup
        period = context.current_period(clock_times.get(customer_id, now))
        if period_epoch != period.start.timestamp():
            continue  # a late event in an earlier period: that period is over
        alert_id, _, threshold_type, threshold_value = alert
        with transaction.atomic():
            inserted = fetch_all(
                _TRIGGER_INSERT_SQL,
                {
                    "app": app.pk,
                    "alert": alert_id,
                    "customer": customer_id,
                    "period_start": period.start,
                    "period_end": period.end,
                    "threshold_quantity": threshold_quantity,
                    "used": value,
                    "now": now,
                },
            )
            if not inserted:
                continue  # reached before, in this period: announced then
            data: dict[str, Any] = {
                "customer": customer_id,
                "metric": codes.get(metric_id, ""),
                "alert": alert_id,
                "threshold": {str(threshold_type): threshold_value, "quantity": threshold_quantity},
                "used": value,
                # Whole microseconds, as entitlements show the period (the JSON encoder would
                # cut them to milliseconds).
                "period": {"start": _iso(period.start), "end": _iso(period.end)},
            }
            audit_event_record(
                app=app,
                actor=SYSTEM,
                action_type=UsageAuditAction.REACH_USAGE_ALERT,
                target_type=TARGET_TYPE,
                target_id=alert_id,
                payload_snapshot=data,
            )
            app_event_publish(app=app, event_type=AppEventType.USAGE_THRESHOLD_REACHED, data=data)
