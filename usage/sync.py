"""Reporting usage to the provider's billing meters (Stripe Billing Meters), and reconciling.

The sync runs in two steps, each safe to crash in:

1. plan: each hourly bucket whose value differs from what was reported becomes one ledger row
   (`MeterReport`, pending) with a deterministic identifier
   `<app>:<customer>:<metric>:<bucket start>:<sequence>` (ids without their type prefix, to
   fit Stripe's 100 characters), written in the transaction that advances the bucket's
   `reported_value`. A sum or count bucket reports its delta; a last bucket its latest value,
   stamped with that value's own time.
2. send: pending rows go to the provider under a token bucket (Stripe allows ~25 calls/s in
   test mode, 100 live), then are marked reported. A row the provider already has (a crash
   between sending and marking) comes back as a duplicate identifier and is marked reported
   too; a provider outage (5xx, 429, timeouts) backs the rows off exponentially.

Only one sync runs at a time (a PostgreSQL advisory lock): the beat job and
`manage.py sync_usage` share it. Pending rows are retried within minutes, well inside the 24 h
during which Stripe remembers identifiers.
"""

import logging
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from billing.models import SyncState
from billing.providers.base import ProviderUnavailableError, UsageReport
from billing.providers.registry import provider_for
from tenants.models import App
from usage.models import (
    Aggregation,
    MeterReport,
    MeterReportKind,
    MeterReportStatus,
    UsageBucket,
)

logger = logging.getLogger(__name__)

PLAN_CHUNK = 500
SEND_CHUNK = 100
BACKOFF_BASE_SECONDS = 30
BACKOFF_CAP_SECONDS = 3600
# Stripe refuses meter events older than 35 days; keep a margin for the time the send takes.
PROVIDER_MAX_EVENT_AGE = timedelta(days=35) - timedelta(minutes=10)
_ADVISORY_LOCK_KEY = 0x75736167  # "usag"


class TokenBucket:
    """At most `rate` tokens per second on average, bursts up to `capacity`. `take` sleeps until
    the tokens are there, so the provider's rate limit is never the thing that slows us."""

    def __init__(self, *, rate: float, capacity: float | None = None) -> None:
        self.rate = rate
        self.capacity = capacity if capacity is not None else max(rate, 1.0)
        self._tokens = self.capacity
        self._updated = time.monotonic()
        self._lock = threading.Lock()

    def take(self, tokens: float = 1.0) -> float:
        """Takes `tokens`, waiting as needed; returns the seconds waited."""
        waited = 0.0
        while True:
            with self._lock:
                now = time.monotonic()
                self._tokens = min(self.capacity, self._tokens + (now - self._updated) * self.rate)
                self._updated = now
                wanted = min(tokens, self.capacity)
                if self._tokens >= wanted:
                    self._tokens -= wanted
                    tokens -= wanted
                    if tokens <= 0:
                        return waited
                    continue
                pause = (wanted - self._tokens) / self.rate
            time.sleep(pause)
            waited += pause


def sync_rate_per_second() -> float:
    configured = getattr(settings, "USAGE_SYNC_RATE_PER_SECOND", None)
    if configured:
        return float(configured)
    # Below Stripe's general limits (25/s test mode, 100/s live), leaving room for the rest.
    return 80.0 if getattr(settings, "STRIPE_LIVE_MODE", False) else 20.0


def meter_identifier(*, bucket: UsageBucket, sequence: int) -> str:
    def bare(object_id: str) -> str:
        return object_id.split("_", 1)[-1]

    epoch = int(bucket.bucket_start.timestamp())
    return (
        f"{bare(bucket.app_id)}:{bare(bucket.customer_id)}:{bare(bucket.metric_id)}"
        f":{epoch}:{sequence}"
    )


@dataclass
class SyncSummary:
    planned: int = 0
    reported: int = 0
    duplicates: int = 0
    failed: int = 0
    deferred: int = 0
    skipped: bool = False
    waited_seconds: float = 0.0
    errors: list[str] = field(default_factory=list)


_DIRTY_BUCKETS_SQL = """
SELECT b.id
  FROM usage_buckets b
  JOIN usage_metric m ON m.id = b.metric_id
  JOIN billing_customer c ON c.id = b.customer_id
 WHERE (b.reported_value IS NULL OR NOT (b.reported_value = b.value AND b.reported_value IS NOT NULL))
   -- what changes while this run goes is left to the next run, so a busy bucket cannot keep
   -- one run going
   AND b.updated_at <= %s
   AND m.sync_state = %s AND c.provider_customer_id <> ''
   {app_filter}
 ORDER BY b.bucket_start, b.id
 LIMIT %s
   FOR UPDATE OF b SKIP LOCKED
"""


def _report_timestamp(*, bucket: UsageBucket, kind: str, now: datetime) -> datetime:
    if kind == MeterReportKind.LAST:
        return bucket.last_event_at or bucket.bucket_start
    # A delta belongs anywhere in its bucket; its start unless that is too old for the provider.
    return max(bucket.bucket_start, min(now - PROVIDER_MAX_EVENT_AGE, bucket.last_event_at))  # type: ignore[type-var]


def _plan_chunk(*, app: App | None, now: datetime) -> tuple[int, int]:
    """Plans reports for up to PLAN_CHUNK changed buckets; returns (buckets, reports)."""
    with transaction.atomic():
        app_filter = "AND b.app_id = %s" if app is not None else ""
        parameters: list = [now, SyncState.SYNCED]
        if app is not None:
            parameters.append(app.pk)
        parameters.append(PLAN_CHUNK)
        with connection.cursor() as cursor:
            cursor.execute(_DIRTY_BUCKETS_SQL.format(app_filter=app_filter), parameters)
            ids = [row[0] for row in cursor.fetchall()]
        if not ids:
            return 0, 0
        buckets = list(UsageBucket.objects.all_tenants().filter(pk__in=ids).order_by("pk"))
        reports = []
        for bucket in buckets:
            if bucket.aggregation == Aggregation.LAST:
                kind, value = MeterReportKind.LAST, bucket.value
            else:
                kind, value = MeterReportKind.DELTA, bucket.value - (bucket.reported_value or 0)
            bucket.reported_value = bucket.value
            if kind == MeterReportKind.DELTA and value == 0:
                continue  # nothing to tell the provider (e.g. only zero quantities)
            bucket.report_sequence += 1
            reports.append(
                MeterReport(
                    app_id=bucket.app_id,
                    bucket=bucket,
                    customer_id=bucket.customer_id,
                    metric_id=bucket.metric_id,
                    kind=kind,
                    sequence=bucket.report_sequence,
                    identifier=meter_identifier(bucket=bucket, sequence=bucket.report_sequence),
                    value=value,
                    meter_timestamp=_report_timestamp(bucket=bucket, kind=kind, now=now),
                    next_attempt_at=now,
                )
            )
        MeterReport.all_tenants_manager.bulk_create(reports)
        UsageBucket.all_tenants_manager.bulk_update(buckets, ["reported_value", "report_sequence"])
    return len(buckets), len(reports)


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** (attempts - 1)))


def _send_pending(
    *, app: App | None, now: datetime, bucket: TokenBucket, summary: SyncSummary
) -> None:
    pending = MeterReport.objects.all_tenants().filter(
        status=MeterReportStatus.PENDING, next_attempt_at__lte=now
    )
    if app is not None:
        pending = pending.filter(app=app)
    by_app: dict[str, list[MeterReport]] = defaultdict(list)
    for report in pending.select_related("app", "metric", "customer").order_by("id"):
        by_app[report.app_id].append(report)
    for reports in by_app.values():
        provider = provider_for(app=reports[0].app)
        for start in range(0, len(reports), SEND_CHUNK):
            chunk = reports[start : start + SEND_CHUNK]
            summary.waited_seconds += bucket.take(len(chunk))
            try:
                results = provider.usage_report(
                    [
                        UsageReport(
                            identifier=report.identifier,
                            event_name=report.metric.meter_event_name,
                            customer_reference=report.customer.provider_customer_id,
                            value=report.value,
                            timestamp=report.meter_timestamp,
                        )
                        for report in chunk
                    ]
                )
            except ProviderUnavailableError as error:
                # Back off this app's remaining rows; the next run retries them.
                deferred = reports[start:]
                for report in deferred:
                    report.attempts += 1
                    report.next_attempt_at = timezone.now() + _backoff(report.attempts)
                    report.last_error = str(error)[:1000]
                MeterReport.all_tenants_manager.bulk_update(
                    deferred, ["attempts", "next_attempt_at", "last_error"]
                )
                summary.deferred += len(deferred)
                summary.errors.append(f"{reports[0].app_id}: {error}")
                break
            _record_results(chunk=chunk, results=results, summary=summary)


def _record_results(*, chunk: list[MeterReport], results: list, summary: SyncSummary) -> None:
    by_identifier = {result.identifier: result for result in results}
    reported_at = timezone.now()
    for report in chunk:
        result = by_identifier.get(report.identifier)
        report.attempts += 1
        if result is not None and result.accepted:
            report.status = MeterReportStatus.REPORTED
            report.reported_at = reported_at
            report.last_error = ""
            if result.duplicate:
                summary.duplicates += 1
            else:
                summary.reported += 1
        else:
            report.status = MeterReportStatus.FAILED
            report.last_error = (result.error if result else "no result")[:1000]
            summary.failed += 1
            logger.error("Meter report %s refused: %s", report.identifier, report.last_error)
    MeterReport.all_tenants_manager.bulk_update(
        chunk, ["status", "reported_at", "attempts", "last_error"]
    )


def usage_sync(
    *, app: App | None = None, now: datetime | None = None, rate_per_second: float | None = None
) -> SyncSummary:
    """One sync run (for one app, or every app): plans reports for every changed bucket, then
    sends what is pending. Returns what it did; `skipped` if another sync holds the lock."""
    summary = SyncSummary()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [_ADVISORY_LOCK_KEY])
        if not cursor.fetchone()[0]:
            summary.skipped = True
            return summary
    try:
        now = now or timezone.now()
        while True:
            buckets, planned = _plan_chunk(app=app, now=now)
            summary.planned += planned
            if buckets < PLAN_CHUNK:
                break
        bucket = TokenBucket(rate=rate_per_second or sync_rate_per_second())
        _send_pending(app=app, now=now, bucket=bucket, summary=summary)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [_ADVISORY_LOCK_KEY])
    return summary


# --- reconciliation ---------------------------------------------------------------------------


@dataclass
class Drift:
    app_id: str
    customer_id: str
    metric_code: str
    window_start: datetime
    window_end: datetime
    ours: int
    provider: int
    unsent: int
    fixed: bool = False

    @property
    def drift(self) -> int:
        return self.ours - self.provider


def _minute_floor(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(second=0, microsecond=0)


def _minute_ceil(moment: datetime) -> datetime:
    floor = _minute_floor(moment)
    return floor if floor == moment else floor + timedelta(minutes=1)


_WINDOWS_SQL = """
SELECT r.customer_id, c.provider_customer_id, m.id, m.code, m.aggregation, m.provider_meter_id,
       r.period_start, r.period_end
  FROM usage_rollups r
  JOIN usage_metric m ON m.id = r.metric_id
  JOIN billing_customer c ON c.id = r.customer_id
 WHERE r.app_id = %s AND r.period_end > %s AND m.sync_state = %s
   AND c.provider_customer_id <> ''
 ORDER BY r.customer_id, m.code, r.period_start
"""


def _ours(
    *, app: App, customer_id: str, metric_id: str, aggregation: str, start: datetime, end: datetime
) -> tuple[int, UsageBucket | None]:
    buckets = list(
        UsageBucket.objects.for_app(app)
        .filter(
            customer_id=customer_id,
            metric_id=metric_id,
            bucket_start__gte=start,
            bucket_start__lt=end,
        )
        .order_by("bucket_start")
    )
    if not buckets:
        return 0, None
    if aggregation == Aggregation.LAST:
        latest = max(buckets, key=lambda bucket: (bucket.last_event_at, bucket.bucket_start))
        return latest.value, latest
    return sum(bucket.value for bucket in buckets), buckets[-1]


def _reported(
    *, app: App, customer_id: str, metric_id: str, aggregation: str, start: datetime, end: datetime
) -> int:
    """What the ledger says the provider holds for the window."""
    reports = MeterReport.objects.for_app(app).filter(
        customer_id=customer_id,
        metric_id=metric_id,
        meter_timestamp__gte=start,
        meter_timestamp__lt=end,
        status=MeterReportStatus.REPORTED,
    )
    if aggregation == Aggregation.LAST:
        latest = reports.order_by("-meter_timestamp", "-id").values_list("value", flat=True).first()
        return latest or 0
    return sum(reports.values_list("value", flat=True))


def _correction(
    *,
    app: App,
    bucket: UsageBucket,
    aggregation: str,
    drift: int,
    ours: int,
    now: datetime,
    window_end: datetime,
) -> MeterReport:
    with transaction.atomic():
        bucket = UsageBucket.objects.for_app(app).select_for_update().get(pk=bucket.pk)
        bucket.report_sequence += 1
        bucket.save(update_fields=["report_sequence"])
        if aggregation == Aggregation.LAST:
            # Later than anything we reported in the window, so it becomes the latest value.
            value, moment = ours, min(now, window_end - timedelta(seconds=1))
        else:
            value = drift
            moment = max(bucket.bucket_start, now - PROVIDER_MAX_EVENT_AGE)
        return MeterReport.objects.create(
            app=app,
            bucket=bucket,
            customer_id=bucket.customer_id,
            metric_id=bucket.metric_id,
            kind=MeterReportKind.CORRECTION,
            sequence=bucket.report_sequence,
            identifier=meter_identifier(bucket=bucket, sequence=bucket.report_sequence),
            value=value,
            meter_timestamp=moment,
            next_attempt_at=now,
        )


def usage_reconcile(
    *,
    app: App | None = None,
    fix: bool = False,
    now: datetime | None = None,
    rate_per_second: float | None = None,
) -> list[Drift]:
    """Compares, per customer, metric and billing period of the last 35 days, our total with the
    provider meter's summary, and returns every window that differs (`unsent`: how much of it
    our ledger has not reported yet). With `fix`, first sends what is unsent, then reports each
    difference that remains as a correction (a negative one where the provider holds more)."""
    now = now or timezone.now()
    rate_bucket = TokenBucket(rate=rate_per_second or sync_rate_per_second())
    apps = [app] if app is not None else list(App.objects.filter(is_active=True).order_by("pk"))
    drifts: list[Drift] = []
    for current_app in apps:
        found = _reconcile_app(app=current_app, now=now, rate_bucket=rate_bucket)
        if fix and found:
            _fix_app(app=current_app, drifts=found, now=now, rate_bucket=rate_bucket)
        drifts.extend(drift for drift, _ in found)
    return drifts


def _reconcile_app(
    *, app: App, now: datetime, rate_bucket: TokenBucket
) -> list[tuple[Drift, dict]]:
    provider = provider_for(app=app)
    with connection.cursor() as cursor:
        cursor.execute(_WINDOWS_SQL, [app.pk, now - PROVIDER_MAX_EVENT_AGE, SyncState.SYNCED])
        windows = cursor.fetchall()
    found = []
    for (
        customer_id,
        provider_customer_id,
        metric_id,
        code,
        aggregation,
        meter_id,
        period_start,
        period_end,
    ) in windows:
        # Stripe's summaries take whole minutes.
        start, end = _minute_floor(period_start), _minute_ceil(period_end)
        scope = {
            "app": app,
            "customer_id": customer_id,
            "metric_id": metric_id,
            "aggregation": aggregation,
            "start": start,
            "end": end,
        }
        provider_scope = {
            "meter_reference": meter_id,
            "customer_reference": provider_customer_id,
            "start": start,
            "end": end,
        }
        ours, _ = _ours(**scope)
        rate_bucket.take()
        theirs = provider.usage_summary(**provider_scope)
        if ours != theirs:
            drift = Drift(
                app_id=app.pk,
                customer_id=customer_id,
                metric_code=code,
                window_start=start,
                window_end=end,
                ours=ours,
                provider=theirs,
                unsent=ours - _reported(**scope),
            )
            found.append((drift, {"scope": scope, "provider": provider_scope}))
    return found


def _fix_app(
    *, app: App, drifts: list[tuple[Drift, dict]], now: datetime, rate_bucket: TokenBucket
) -> None:
    usage_sync(app=app, now=now, rate_per_second=rate_bucket.rate)
    provider = provider_for(app=app)
    corrections = []
    for drift, scopes in drifts:
        ours, latest_bucket = _ours(**scopes["scope"])
        rate_bucket.take()
        theirs = provider.usage_summary(**scopes["provider"])
        if ours == theirs:
            drift.fixed = True
            continue
        if latest_bucket is None:
            continue  # the provider holds usage we have no bucket for: report only
        corrections.append(
            (
                drift,
                _correction(
                    app=app,
                    bucket=latest_bucket,
                    aggregation=scopes["scope"]["aggregation"],
                    drift=ours - theirs,
                    ours=ours,
                    now=now,
                    window_end=drift.window_end,
                ),
            )
        )
    if not corrections:
        return
    summary = SyncSummary()
    _send_pending(app=app, now=now, bucket=rate_bucket, summary=summary)
    sent = set(
        MeterReport.objects.for_app(app)
        .filter(pk__in=[report.pk for _, report in corrections], status=MeterReportStatus.REPORTED)
        .values_list("pk", flat=True)
    )
    for drift, report in corrections:
        drift.fixed = report.pk in sent
        if not drift.fixed:
            logger.error("Reconcile correction %s not sent: %s", report.identifier, summary)
