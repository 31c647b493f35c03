"""Reporting usage to the provider's billing meters (Stripe Billing Meters), and reconciling.

The unit of reporting is a period rollup (one customer, metric and billing period): each change
of its value since the last run becomes one meter event. The sync runs in two steps, each safe
to crash in:

1. plan: each rollup whose value changed becomes one ledger row (`MeterReport`, pending) with a
   deterministic identifier `<app>:<customer>:<metric>:<period start>:<sequence>` (ids without
   their type prefix, to fit Stripe's 100 characters), written in the transaction that
   advances the rollup's `reported_value`. A sum or count rollup reports its delta; a last
   rollup its latest value, stamped with that value's own time.
2. send: pending rows go to the provider under a token bucket (Stripe allows ~25 calls/s in
   test mode, 100 live), then are marked reported. A row the provider already has (a crash
   between sending and marking) comes back as a duplicate identifier and is marked reported
   too; a provider outage (5xx, 429, timeouts) backs the rows off exponentially.

Meter event timestamps are kept inside the period's whole minutes, so the provider's
summaries (which take whole minutes) of a period hold exactly that period's reports. They are
also kept inside what the provider accepts (at most 35 days old, not in the future) at the
customer's own time: a customer on a test clock lives, and is billed, at its clock's time.

Only one sync runs at a time (a PostgreSQL advisory lock): the beat job and
`manage.py sync_usage` share it. Pending rows are retried within minutes, well inside the 24 h
during which Stripe remembers identifiers.
"""

import hashlib
import logging
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Min
from django.utils import timezone

from audit.services import audit_event_record
from billing.clocks import customer_clock_times, customer_time
from billing.providers.base import ProviderUnavailableError, UsageReport, UsageReportResult
from billing.providers.pending import SyncState
from billing.providers.registry import provider_for
from billing.selectors import CUSTOMER_AT_PROVIDER_JOIN
from catalog.models import Aggregation
from tenants.actors import Actor
from tenants.models import App
from usage.audit_actions import UsageAuditAction
from usage.models import MeterReport, MeterReportKind, MeterReportStatus, UsageRollup
from usage.periods import Period

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


def meter_identifier(*, rollup: UsageRollup, sequence: int) -> str:
    def bare(object_id: str) -> str:
        return object_id.split("_", 1)[-1]

    epoch = int(rollup.period_start.timestamp())
    return (
        f"{bare(rollup.app_id)}:{bare(rollup.customer_id)}:{bare(rollup.metric_id)}"
        f":{epoch}:{sequence}"
    )


def _minute_floor(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(second=0, microsecond=0)


def _minute_ceil(moment: datetime) -> datetime:
    floor = _minute_floor(moment)
    return floor if floor == moment else floor + timedelta(minutes=1)


def report_window(period: Period) -> Period:
    """The whole minutes of a period: where its meter events are stamped and what the
    reconciliation asks the provider to sum."""
    start, end = _minute_ceil(period.start), _minute_floor(period.end)
    return Period(start, end) if start < end else period


def _report_timestamp(*, rollup: UsageRollup, moment: datetime, now: datetime) -> datetime | None:
    """`moment` moved inside the period's reportable window; None if the provider would not
    take any time of that window any more (older than 35 days) or not yet."""
    window = report_window(Period(rollup.period_start, rollup.period_end))
    latest = min(window.end - timedelta(seconds=1), now)
    earliest = max(window.start, now - PROVIDER_MAX_EVENT_AGE)
    if earliest > latest:
        return None
    return min(max(moment, earliest), latest)


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


_DIRTY_ROLLUPS_SQL = """
SELECT r.id
  FROM usage_rollups r
  JOIN usage_metric m ON m.id = r.metric_id
  {customer_at_provider_join}
 WHERE r.dirty_since IS NOT NULL
   AND m.sync_state = %s
   {app_filter}
 ORDER BY r.dirty_since, r.id
 LIMIT %s
   FOR UPDATE OF r SKIP LOCKED
""".replace(
    "{customer_at_provider_join}", CUSTOMER_AT_PROVIDER_JOIN.format(customer_id="r.customer_id")
)


def _plan_chunk(*, app: App | None, now: datetime, exclude: set[int]) -> tuple[int, int]:
    """Plans reports for up to PLAN_CHUNK changed rollups; returns (rollups, reports).
    `exclude` collects rollups that cannot be reported yet, so the run moves past them."""
    with transaction.atomic():
        app_filter = "AND r.app_id = %s" if app is not None else ""
        if exclude:
            app_filter += " AND NOT (r.id = ANY(%s))"
        parameters: list[Any] = [SyncState.SYNCED]
        if app is not None:
            parameters.append(app.pk)
        if exclude:
            parameters.append(list(exclude))
        parameters.append(PLAN_CHUNK)
        with connection.cursor() as cursor:
            cursor.execute(_DIRTY_ROLLUPS_SQL.format(app_filter=app_filter), parameters)
            ids = [row[0] for row in cursor.fetchall()]
        if not ids:
            return 0, 0
        rollups = list(
            UsageRollup.objects.all_tenants()
            .filter(pk__in=ids)
            .select_related("app")
            .order_by("pk")
        )
        customer_nows = _customer_nows(rollups=rollups)
        reports, cleaned = [], []
        for rollup in rollups:
            customer_now = customer_nows.get(rollup.customer_id, now)
            if rollup.aggregation == Aggregation.LAST:
                kind, value = MeterReportKind.LAST, rollup.value
                changed = rollup.reported_value != rollup.value
            else:
                kind, value = MeterReportKind.DELTA, rollup.value - (rollup.reported_value or 0)
                changed = value != 0
            moment = _report_timestamp(
                rollup=rollup, moment=rollup.last_event_at or rollup.period_start, now=customer_now
            )
            if (
                changed
                and moment is None
                and (
                    report_window(Period(rollup.period_start, rollup.period_end)).start
                    > customer_now
                )
            ):
                # Its first whole minute has not begun yet: a later run reports it.
                exclude.add(rollup.pk)
                continue
            rollup.reported_value = rollup.value
            rollup.dirty_since = None
            cleaned.append(rollup)
            if not changed:
                continue
            rollup.report_sequence += 1
            report = MeterReport(
                app_id=rollup.app_id,
                rollup=rollup,
                customer_id=rollup.customer_id,
                metric_id=rollup.metric_id,
                kind=kind,
                sequence=rollup.report_sequence,
                identifier=meter_identifier(rollup=rollup, sequence=rollup.report_sequence),
                value=value,
                meter_timestamp=moment or rollup.period_start,
                next_attempt_at=now,
            )
            if moment is None:
                report.status = MeterReportStatus.FAILED
                report.last_error = "The period is older than the provider accepts (35 days)."
                logger.error("Meter report %s too old to send.", report.identifier)
            reports.append(report)
        MeterReport.all_tenants_manager.bulk_create(reports)
        UsageRollup.all_tenants_manager.bulk_update(
            cleaned, ["reported_value", "report_sequence", "dirty_since"]
        )
    return len(rollups), len(reports)


def _customer_nows(*, rollups: list[UsageRollup]) -> dict[str, datetime]:
    """The clock time of each of these rollups' customers that lives on a test clock."""
    by_app: dict[str, tuple[App, set[str]]] = {}
    for rollup in rollups:
        by_app.setdefault(rollup.app_id, (rollup.app, set()))[1].add(rollup.customer_id)
    nows: dict[str, datetime] = {}
    for app, customer_ids in by_app.values():
        times = customer_clock_times(app=app, references=customer_ids)
        nows.update({key: value for key, value in times.items() if key in customer_ids})
    return nows


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


def _record_results(
    *, chunk: list[MeterReport], results: list[UsageReportResult], summary: SyncSummary
) -> None:
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
    """One sync run (for one app, or every app): plans reports for every changed rollup, then
    sends what is pending. Returns what it did; `skipped` if another sync holds the lock."""
    summary = SyncSummary()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [_ADVISORY_LOCK_KEY])
        if not cursor.fetchone()[0]:
            summary.skipped = True
            return summary
    try:
        now = now or timezone.now()
        not_yet: set[int] = set()
        while True:
            rollups, planned = _plan_chunk(app=app, now=now, exclude=not_yet)
            summary.planned += planned
            if rollups < PLAN_CHUNK:
                break
        bucket = TokenBucket(rate=rate_per_second or sync_rate_per_second())
        _send_pending(app=app, now=now, bucket=bucket, summary=summary)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [_ADVISORY_LOCK_KEY])
    return summary


def usage_backlog(*, app: App) -> tuple[int, datetime | None]:
    """How many of the app's meter reports wait to be sent to the provider, and since when."""
    backlog = (
        MeterReport.objects.for_app(app)
        .filter(status=MeterReportStatus.PENDING)
        .aggregate(count=Count("pk"), oldest=Min("created_at"))
    )
    return backlog["count"], backlog["oldest"]


def usage_sync_run(*, app: App, actor: Actor) -> SyncSummary:
    """An operator's "sync now" for one app: the same run as the periodic job, audited. The
    operator asks for now, so reports waiting out a retry backoff are due now too."""
    MeterReport.objects.for_app(app).filter(status=MeterReportStatus.PENDING).update(
        next_attempt_at=timezone.now()
    )
    summary = usage_sync(app=app)
    with transaction.atomic():
        audit_event_record(
            app=app,
            actor=actor,
            action_type=UsageAuditAction.RUN_USAGE_SYNC,
            target_type="app",
            target_id=app.pk,
            payload_snapshot={
                "planned": summary.planned,
                "reported": summary.reported,
                "failed": summary.failed,
                "deferred": summary.deferred,
                "skipped": summary.skipped,
            },
        )
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


def _reported(*, rollup: UsageRollup) -> int:
    """What the ledger says the provider holds for the rollup."""
    reports = MeterReport.objects.for_app(rollup.app).filter(
        rollup=rollup, status=MeterReportStatus.REPORTED
    )
    if rollup.aggregation == Aggregation.LAST:
        latest = reports.order_by("-meter_timestamp", "-id").values_list("value", flat=True).first()
        return latest or 0
    return sum(reports.values_list("value", flat=True))


def correction_identifier(*, rollup: UsageRollup, ours: int, theirs: int) -> str:
    """The same for every run that finds the same difference, so a run that reads a summary
    still lagging behind an earlier correction cannot send that correction again: our ledger
    (and the provider, which refuses a known identifier for 24 h) already holds it."""
    digest = hashlib.sha256(f"{rollup.pk}:{ours}:{theirs}".encode()).hexdigest()[:12]
    return meter_identifier(rollup=rollup, sequence=0).rsplit(":", 1)[0] + f":c{digest}"


def _correction(
    *, rollup: UsageRollup, ours: int, theirs: int, amount: int, now: datetime
) -> MeterReport:
    identifier = correction_identifier(rollup=rollup, ours=ours, theirs=theirs)
    with transaction.atomic():
        rollup = UsageRollup.objects.for_app(rollup.app).select_for_update().get(pk=rollup.pk)
        existing = MeterReport.objects.for_app(rollup.app).filter(identifier=identifier).first()
        if existing is not None:
            return existing
        rollup.report_sequence += 1
        rollup.save(update_fields=["report_sequence"])
        customer = rollup.customer
        customer_now = customer_time(customer=customer) if customer.test_clock_id else now
        # A last value is stamped now, after anything reported, so that it becomes the latest.
        moment = _report_timestamp(
            rollup=rollup,
            moment=customer_now if rollup.aggregation == Aggregation.LAST else rollup.period_start,
            now=customer_now,
        )
        report = MeterReport(
            app=rollup.app,
            rollup=rollup,
            customer_id=rollup.customer_id,
            metric_id=rollup.metric_id,
            kind=MeterReportKind.CORRECTION,
            sequence=rollup.report_sequence,
            identifier=identifier,
            value=amount,
            meter_timestamp=moment or rollup.period_start,
            next_attempt_at=now,
        )
        if moment is None:
            report.status = MeterReportStatus.FAILED
            report.last_error = "The period is older than the provider accepts (35 days)."
        report.save()
        return report


def usage_reconcile(
    *,
    app: App | None = None,
    fix: bool = False,
    now: datetime | None = None,
    rate_per_second: float | None = None,
) -> list[Drift]:
    """Compares, per customer, metric and billing period of the last 35 days, our total with the
    provider meter's summary, and returns every period that differs (`unsent`: how much of it
    our ledger has not reported yet). A period with a report sent in the last
    USAGE_RECONCILE_SETTLE_SECONDS is left alone: the provider's summary may not count it yet.

    With `fix`, sends what is unsent, and reports what sending cannot explain (what the
    provider holds against what our ledger says it was sent) as one correction, a negative one
    where the provider holds more. Summaries are not read again after sending: they would lag.
    A second run before the provider has counted a correction finds the same difference and
    the same correction identifier, so it adds nothing."""
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


def _provider_total(*, app: App, rollup: UsageRollup, rate_bucket: TokenBucket) -> int:
    window = report_window(Period(rollup.period_start, rollup.period_end))
    rate_bucket.take()
    return provider_for(app=app).usage_summary(
        meter_reference=rollup.metric.provider_meter_id,
        customer_reference=rollup.customer.provider_customer_id,
        start=window.start,
        end=window.end,
    )


def _reconcile_app(
    *, app: App, now: datetime, rate_bucket: TokenBucket
) -> list[tuple[Drift, UsageRollup]]:
    settling = MeterReport.objects.for_app(app).filter(
        status=MeterReportStatus.REPORTED,
        reported_at__gt=now - timedelta(seconds=settings.USAGE_RECONCILE_SETTLE_SECONDS),
    )
    rollups = (
        UsageRollup.objects.for_app(app)
        .filter(
            period_end__gt=now - PROVIDER_MAX_EVENT_AGE,
            metric__sync_state=SyncState.SYNCED,
        )
        .exclude(customer__provider_customer_id="")
        .exclude(pk__in=settling.values("rollup_id"))
        .select_related("app", "metric", "customer")
        .order_by("customer_id", "metric__code", "period_start")
    )
    found = []
    for rollup in rollups:
        theirs = _provider_total(app=app, rollup=rollup, rate_bucket=rate_bucket)
        if rollup.value == theirs:
            continue
        window = report_window(Period(rollup.period_start, rollup.period_end))
        drift = Drift(
            app_id=app.pk,
            customer_id=rollup.customer_id,
            metric_code=rollup.metric.code,
            window_start=window.start,
            window_end=window.end,
            ours=rollup.value,
            provider=theirs,
            unsent=rollup.value - _reported(rollup=rollup),
        )
        found.append((drift, rollup))
    return found


def _fix_app(
    *, app: App, drifts: list[tuple[Drift, UsageRollup]], now: datetime, rate_bucket: TokenBucket
) -> None:
    usage_sync(app=app, now=now, rate_per_second=rate_bucket.rate)
    corrections = []
    for drift, rollup in drifts:
        unsent_left = (
            MeterReport.objects.for_app(app)
            .filter(rollup=rollup, status=MeterReportStatus.PENDING)
            .exists()
        )
        if rollup.aggregation == Aggregation.LAST:
            unexplained = drift.unsent == 0
            amount = rollup.value
        else:
            amount = drift.drift - drift.unsent  # what we sent, less what the provider holds
            unexplained = amount != 0
        if not unexplained:
            drift.fixed = not unsent_left
            continue
        corrections.append(
            (
                drift,
                _correction(
                    rollup=rollup, ours=drift.ours, theirs=drift.provider, amount=amount, now=now
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
