"""What happened per day or week, for the operator charts: failed payments and the ones
recovered, grace periods opened, resolved and expired, failing webhook deliveries, and the
subscriptions and trials running. Each figure is one grouped query over our own tables (never
the provider's), bounded by the period shown."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.db.models.functions import TruncDay, TruncWeek
from django.utils import timezone

from billing.models import Payment, PaymentStatus, Subscription, SubscriptionStatus
from catalog.models import Metric
from grace.models import GracePeriod, GraceReason, GraceStatus
from notifications.models import WebhookDelivery, WebhookDeliveryStatus
from tenants.models import App
from usage.models import MeterReport, MeterReportKind

# The subscriptions whose plan's quotas are in force.
QUOTA_STATUSES = (
    SubscriptionStatus.TRIALING,
    SubscriptionStatus.ACTIVE,
    SubscriptionStatus.PAST_DUE,
)
# The period selector: the last 30 days day by day, or the last 12 months week by week.
BUCKETS = {"30d": ("day", 30), "12m": ("week", 52)}


@dataclass(frozen=True, kw_only=True)
class Bucket:
    start: datetime
    label: str


@dataclass(frozen=True, kw_only=True)
class Activity:
    """Named counts over the same buckets, e.g. {"opened": [...], "resolved": [...]}."""

    buckets: list[Bucket]
    counts: dict[str, list[int]]

    def rows(self) -> list[dict[str, Any]]:
        return [
            {"label": bucket.label, **{name: values[index] for name, values in self.counts.items()}}
            for index, bucket in enumerate(self.buckets)
        ]


def buckets_for(period: str, *, now: datetime | None = None) -> tuple[str, list[Bucket]]:
    unit, count = BUCKETS.get(period, BUCKETS["12m"])
    now = now or timezone.now()
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    if unit == "week":
        day -= timedelta(days=day.weekday())  # Monday, as TruncWeek counts weeks
        step = timedelta(weeks=1)
    else:
        step = timedelta(days=1)
    starts = [day - step * offset for offset in range(count - 1, -1, -1)]
    return unit, [Bucket(start=start, label=start.strftime("%Y-%m-%d")) for start in starts]


def _counted(queryset: QuerySet[Any], *, field: str, unit: str, buckets: list[Bucket]) -> list[int]:
    truncate = TruncWeek if unit == "week" else TruncDay
    counts = dict(
        queryset.filter(**{f"{field}__gte": buckets[0].start})
        .annotate(bucket=truncate(field))
        .values_list("bucket")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return [counts.get(bucket.start, 0) for bucket in buckets]


def _scoped(model: Any, app: App | None) -> QuerySet[Any]:
    scoped: QuerySet[Any] = (
        model.objects.all_tenants() if app is None else model.objects.for_app(app)
    )
    return scoped


def payment_recovery(*, app: App | None, period: str) -> Activity:
    """Failed payments per bucket, and payments recovered: the failed-payment grace periods
    resolved (the customer paid) against those opened, with the recovery rate in percent."""
    unit, buckets = buckets_for(period)
    failed = _counted(
        _scoped(Payment, app).filter(status=PaymentStatus.FAILED),
        field="created_at",
        unit=unit,
        buckets=buckets,
    )
    payment_grace = _scoped(GracePeriod, app).filter(reason=GraceReason.PAYMENT_FAILED)
    opened = _counted(payment_grace, field="starts_at", unit=unit, buckets=buckets)
    recovered = _counted(
        payment_grace.filter(status=GraceStatus.RESOLVED),
        field="resolved_at",
        unit=unit,
        buckets=buckets,
    )
    rate = [
        round(100 * won / lost) if lost else 0 for won, lost in zip(recovered, opened, strict=True)
    ]
    return Activity(
        buckets=buckets,
        counts={
            "failed_payments": failed,
            "failed_renewals": opened,
            "recovered": recovered,
            "recovery_rate_percent": rate,
        },
    )


def grace_period_activity(*, app: App | None, period: str) -> Activity:
    unit, buckets = buckets_for(period)
    grace = _scoped(GracePeriod, app)
    return Activity(
        buckets=buckets,
        counts={
            "opened": _counted(grace, field="starts_at", unit=unit, buckets=buckets),
            "resolved": _counted(
                grace.filter(status=GraceStatus.RESOLVED),
                field="resolved_at",
                unit=unit,
                buckets=buckets,
            ),
            "expired": _counted(
                grace.filter(status=GraceStatus.EXPIRED),
                field="ends_at",
                unit=unit,
                buckets=buckets,
            ),
        },
    )


def webhook_failure_activity(*, app: App | None, period: str) -> Activity:
    unit, buckets = buckets_for(period)
    return Activity(
        buckets=buckets,
        counts={
            "failed_deliveries": _counted(
                _scoped(WebhookDelivery, app).filter(status=WebhookDeliveryStatus.FAILED),
                field="created_at",
                unit=unit,
                buckets=buckets,
            )
        },
    )


def subscription_activity(*, app: App | None, period: str) -> Activity:
    """Subscriptions running (trials included) and trials at the end of each bucket, from when
    each began, its trial's end and when it was cancelled: one query with one conditional count
    per bucket."""
    _, buckets = buckets_for(period)
    subscriptions = _scoped(Subscription, app).exclude(
        status__in=(SubscriptionStatus.INCOMPLETE, SubscriptionStatus.INCOMPLETE_EXPIRED)
    )
    aggregates: dict[str, Any] = {}
    step = buckets[1].start - buckets[0].start if len(buckets) > 1 else timedelta(days=1)
    for index, bucket in enumerate(buckets):
        end = bucket.start + step
        running = Q(created_at__lt=end) & (Q(canceled_at__isnull=True) | Q(canceled_at__gte=end))
        aggregates[f"running_{index}"] = Count("pk", filter=running)
        aggregates[f"trialing_{index}"] = Count("pk", filter=running & Q(trial_end__gte=end))
    totals = subscriptions.aggregate(**aggregates)
    counts: dict[str, list[int]] = defaultdict(list)
    for index in range(len(buckets)):
        counts["subscriptions"].append(totals[f"running_{index}"])
        counts["trials"].append(totals[f"trialing_{index}"])
    return Activity(buckets=buckets, counts=dict(counts))


@dataclass(frozen=True, kw_only=True)
class MetricActivity:
    code: str
    activity: Activity


def usage_activity(*, app: App, period: str) -> list[MetricActivity]:
    """Per metric, the usage per bucket as reported to the provider's meters (the meter reports'
    deltas and corrections; a `last` metric's highest value), beside the quota line: the
    bucket's share of the quotas of the app's current subscribers (their allowance per month,
    spread evenly), the usage at which they would all run out together. The usage events
    themselves are never scanned: that table keeps one index, for ingestion's speed."""
    unit, buckets = buckets_for(period)
    truncate = TruncWeek if unit == "week" else TruncDay
    reports = (
        MeterReport.objects.for_app(app)
        .filter(meter_timestamp__gte=buckets[0].start)
        .annotate(bucket=truncate("meter_timestamp"))
        .values("metric_id", "bucket")
        .annotate(
            added=Sum("value", filter=~Q(kind=MeterReportKind.LAST)),
            highest=Max("value", filter=Q(kind=MeterReportKind.LAST)),
        )
        .order_by()
    )
    usage: dict[str, dict[datetime, int]] = defaultdict(dict)
    for row in reports:
        usage[row["metric_id"]][row["bucket"]] = row["added"] or row["highest"] or 0
    quotas: dict[str, int] = defaultdict(int)
    # One row per plan, however many subscribers it has.
    for plan_quotas, subscribers in (
        Subscription.objects.for_app(app)
        .filter(status__in=QUOTA_STATUSES)
        .values_list("plan__quotas")
        .annotate(subscribers=Count("pk"))
        .order_by()
    ):
        for code, limit in (plan_quotas or {}).items():
            quotas[code] += int(limit) * subscribers
    share = 7 / 30 if unit == "week" else 1 / 30
    charts = []
    for metric in Metric.objects.for_app(app).order_by("code"):
        values = usage.get(metric.pk, {})
        charts.append(
            MetricActivity(
                code=metric.code,
                activity=Activity(
                    buckets=buckets,
                    counts={
                        "usage": [values.get(bucket.start, 0) for bucket in buckets],
                        "quota": [round(quotas.get(metric.code, 0) * share)] * len(buckets),
                    },
                ),
            )
        )
    return charts
