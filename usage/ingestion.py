"""Usage ingestion: validate each event, store it exactly once, and fold it into its period
rollup, in one transaction that commits before we answer.

Dedupe is the database's job: `INSERT … ON CONFLICT (app_id, event_id) DO NOTHING RETURNING`
answers which events are new, also when retries of the same batch race each other (the loser
waits for the winner's commit, then inserts nothing). Only the returned rows are aggregated, so
a duplicate is never counted twice.

A batch is two statements whatever its size (plus its audit event): one insert of the raw
events and one upsert of the period rollups aggregated in Python from the newly inserted
events. Rows travel as one JSON parameter (parsed by PostgreSQL in C; quoting 1,000-element
arrays in Python cost more than the inserts). Rows are written in key order so that concurrent
batches always lock in the same order and cannot deadlock, and the rollups, which concurrent
batches share, are written last so their row locks are held only until the commit.
"""

import enum
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from django.db import transaction
from django.utils import timezone

from api.errors import ErrorCode, InvalidRequestError, NotFoundError, ServiceError
from audit.services import AUDIT_EVENT_INSERT_SQL, audit_event_parameters, audit_event_record
from billing.clocks import customer_clock_times
from billing.selectors import CUSTOMER_PLAN_CTES
from catalog.models import Aggregation
from tenants.actors import Actor
from tenants.models import App
from usage.alerts import usage_alerts_check
from usage.audit_actions import UsageAuditAction
from usage.entitlements import rollups_check_quota
from usage.errors import UsageErrorCode
from usage.periods import (
    CustomerContext,
    Period,
    period_before_subscription,
    period_end_sql,
    period_start_sql,
)
from usage.selectors import (
    METERED_LIMITS_SQL,
    customer_contexts,
    known_periods,
    metrics_by_code,
    quotas_in_force,
)
from usage.statements import compact, fetch_all

MAX_BATCH_EVENTS = 1000
# The provider's own limits on meter event timestamps (Stripe: 35 days back, 5 minutes ahead).
MAX_EVENT_AGE = timedelta(days=35)
MAX_EVENT_AHEAD = timedelta(minutes=5)
# Quantities are whole numbers of the metric's unit. The cap keeps a period's sum far inside
# a 64-bit integer.
MAX_QUANTITY = 10**15
EVENT_ID_MAX_LENGTH = 255
CUSTOMER_REFERENCE_MAX_LENGTH = 200
METRIC_CODE_MAX_LENGTH = 100
EVENT_FIELDS = ("customer", "metric", "quantity", "timestamp", "event_id")
_EVENT_FIELD_SET = frozenset(EVENT_FIELDS)


class EventStatus(enum.StrEnum):
    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"


@dataclass(slots=True)
class UsageEventInput:
    index: int
    event_id: str
    customer_reference: str
    metric_code: str
    quantity: int
    timestamp: datetime
    customer_id: str = ""
    metric_id: str = ""
    aggregation: str = ""
    period: Period | None = None


@dataclass(slots=True)
class EventResult:
    index: int
    event_id: str | None
    status: EventStatus
    error: ServiceError | None = None
    event: UsageEventInput | None = None


def _invalid(
    param: str | None, message: str, code: StrEnum = ErrorCode.PARAMETER_INVALID
) -> ServiceError:
    return InvalidRequestError(message, code=code, param=param)


def _string_field(
    raw: dict[str, Any], name: str, max_length: int
) -> tuple[str | None, ServiceError | None]:
    if name not in raw or raw[name] is None:
        return None, _invalid(name, f"{name}: This field is required.", ErrorCode.PARAMETER_MISSING)
    value = raw[name]
    if not isinstance(value, str):
        return None, _invalid(name, f"{name}: Must be a string.")
    if not value:
        return None, _invalid(
            name, f"{name}: This field may not be blank.", ErrorCode.PARAMETER_MISSING
        )
    if len(value) > max_length:
        return None, _invalid(
            name,
            f"{name}: Ensure this field has no more than {max_length} characters.",
            ErrorCode.PARAMETER_TOO_LONG,
        )
    return value, None


def _quantity(raw: dict[str, Any]) -> tuple[int | None, ServiceError | None]:
    if "quantity" not in raw or raw["quantity"] is None:
        return None, _invalid(
            "quantity", "quantity: This field is required.", ErrorCode.PARAMETER_MISSING
        )
    value = raw["quantity"]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        return None, _invalid(
            "quantity",
            "quantity: Must be a whole number (an integer of the metric's unit, e.g. 1500 "
            "for 1.5 thousand).",
        )
    if value < 0:
        return None, _invalid("quantity", "quantity: Must not be negative.")
    if value > MAX_QUANTITY:
        return None, _invalid("quantity", f"quantity: Must be at most {MAX_QUANTITY}.")
    return value, None


def _timestamp(raw: dict[str, Any], now: datetime) -> tuple[datetime | None, ServiceError | None]:
    value = raw.get("timestamp")
    if value is None:
        return now, None
    if not isinstance(value, str):
        return None, _invalid(
            "timestamp", "timestamp: Must be an ISO 8601 string, e.g. 2026-03-01T12:00:00Z."
        )
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None, _invalid(
            "timestamp", "timestamp: Must be an ISO 8601 string, e.g. 2026-03-01T12:00:00Z."
        )
    if moment.tzinfo is None:
        return None, _invalid(
            "timestamp", "timestamp: Must include a UTC offset, e.g. 2026-03-01T12:00:00Z."
        )
    moment = moment.astimezone(UTC)
    if moment < now - MAX_EVENT_AGE:
        return None, _invalid(
            "timestamp",
            "timestamp: Must be within the past 35 days.",
            UsageErrorCode.TIMESTAMP_TOO_OLD,
        )
    if moment > now + MAX_EVENT_AHEAD:
        return None, _invalid(
            "timestamp",
            "timestamp: Must not be more than 5 minutes in the future.",
            UsageErrorCode.TIMESTAMP_IN_FUTURE,
        )
    return moment, None


def usage_event_parse(*, index: int, raw: Any, now: datetime) -> EventResult:
    """One event's own checks, before anything is looked up."""
    if not isinstance(raw, dict):
        return EventResult(
            index=index,
            event_id=None,
            status=EventStatus.REJECTED,
            error=_invalid(None, "Each event must be a JSON object."),
        )
    raw_event_id = raw.get("event_id")
    shown_event_id = raw_event_id if isinstance(raw_event_id, str) else None
    for name in raw:
        if name not in _EVENT_FIELD_SET:
            return EventResult(
                index=index,
                event_id=shown_event_id,
                status=EventStatus.REJECTED,
                error=_invalid(name, f"{name}: Unknown field.", ErrorCode.PARAMETER_UNKNOWN),
            )
    event_id, error = _string_field(raw, "event_id", EVENT_ID_MAX_LENGTH)
    customer, error = (
        (None, error) if error else _string_field(raw, "customer", CUSTOMER_REFERENCE_MAX_LENGTH)
    )
    metric, error = (None, error) if error else _string_field(raw, "metric", METRIC_CODE_MAX_LENGTH)
    quantity, error = (None, error) if error else _quantity(raw)
    moment, error = (None, error) if error else _timestamp(raw, now)
    if error is not None:
        return EventResult(
            index=index, event_id=shown_event_id, status=EventStatus.REJECTED, error=error
        )
    return EventResult(
        index=index,
        event_id=event_id,
        status=EventStatus.ACCEPTED,
        event=UsageEventInput(
            index=index,
            event_id=event_id,  # type: ignore[arg-type]  # each is not None once no error was found above
            customer_reference=customer,  # type: ignore[arg-type]  # not None: no error
            metric_code=metric,  # type: ignore[arg-type]  # not None: no error
            quantity=quantity,  # type: ignore[arg-type]  # not None: no error
            timestamp=moment,  # type: ignore[arg-type]  # not None: no error
        ),
    )


def _reject(result: EventResult, error: ServiceError) -> None:
    result.status = EventStatus.REJECTED
    result.error = error
    result.event = None


def _resolve(*, app: App, results: list[EventResult], now: datetime) -> dict[str, CustomerContext]:
    """Customers, metrics and periods for the events that passed their own checks. Returns the
    customers' contexts by customer id."""
    pending = [result for result in results if result.event is not None]
    contexts = customer_contexts(
        app=app,
        now=now,
        references={result.event.customer_reference for result in pending},  # type: ignore[union-attr]  # pending keeps only results with an event
    )
    metrics = metrics_by_code(
        app=app,
        codes={result.event.metric_code for result in pending},  # type: ignore[union-attr]  # pending keeps only results with an event
    )
    late: list[tuple[UsageEventInput, CustomerContext]] = []
    for result in pending:
        event: UsageEventInput = result.event  # type: ignore[assignment]  # pending keeps only results with an event
        context = contexts.get(event.customer_reference)
        if context is None:
            _reject(result, NotFoundError("customer", param="customer"))
            continue
        metric = metrics.get(event.metric_code)
        if metric is None:
            _reject(result, NotFoundError("metric", param="metric"))
            continue
        event.customer_id = context.customer_id
        event.metric_id = metric.id
        event.aggregation = metric.aggregation
        event.period = context.period_for(event.timestamp)
        if event.period is None:
            late.append((event, context))
    if late:
        periods = known_periods(
            app=app,
            customer_ids={context.customer_id for _, context in late},
            since=min(event.timestamp for event, _ in late),
        )
        for event, context in late:
            event.period = period_before_subscription(
                moment=event.timestamp,
                known=periods.get(context.customer_id, []),
                subscription=context.subscription_period,  # type: ignore[arg-type]  # a late event implies a subscription period
            )
    return {context.customer_id: context for context in contexts.values()}


_INSERT_EVENTS_SQL = """
INSERT INTO usage_events
       (app_id, event_id, customer_id, metric_id, quantity, "timestamp", period_start, received_at)
SELECT %(app)s, e->>0, e->>1, e->>2, (e->>3)::bigint, (e->>4)::timestamptz, (e->>5)::timestamptz,
       %(now)s
  FROM json_array_elements(%(events)s::json) AS e
    ON CONFLICT (app_id, event_id) DO NOTHING
RETURNING event_id
"""

# sum and count add up; last keeps the value of the newest event (a tie goes to the later
# write). `aggregation` is stored on the row so one statement serves every metric.
# `dirty_since` only changes when the rollup was clean, so the update is usually in place.
# `{rows}` selects the rows to fold in.
_UPSERT_ROLLUPS = """
INSERT INTO usage_rollups AS target
       (app_id, customer_id, metric_id, aggregation, period_start, period_end, value,
        event_count, last_event_at, report_sequence, dirty_since, updated_at)
{rows}
    ON CONFLICT (app_id, customer_id, metric_id, period_start) DO UPDATE SET
       value = CASE
                 WHEN target.aggregation <> 'last' THEN target.value + EXCLUDED.value
                 WHEN target.last_event_at IS NULL
                      OR EXCLUDED.last_event_at >= target.last_event_at THEN EXCLUDED.value
                 ELSE target.value
               END,
       event_count = target.event_count + EXCLUDED.event_count,
       last_event_at = GREATEST(target.last_event_at, EXCLUDED.last_event_at),
       dirty_since = COALESCE(target.dirty_since, EXCLUDED.dirty_since),
       updated_at = EXCLUDED.updated_at
RETURNING target.id, target.customer_id, target.metric_id,
          extract(epoch FROM target.period_start)::float8, target.value,
          target.over_quota_grace_period_id
"""
_UPSERT_ROLLUPS_SQL = _UPSERT_ROLLUPS.format(
    rows="""
SELECT %(app)s, r->>0, r->>1, r->>2, (r->>3)::timestamptz, (r->>4)::timestamptz, (r->>5)::bigint,
       (r->>6)::bigint, (r->>7)::timestamptz, 0, %(now)s, %(now)s
  FROM json_array_elements(%(rollups)s::json) AS r"""
)

# A single event in ONE statement: its customer's current subscription and the event's period
# (usage.periods in SQL), the event, its rollup and its audit event. In autocommit that is one
# round trip and one transaction, where the general path takes six (customer, BEGIN, insert,
# audit, rollup, COMMIT). Nothing is written for an unknown customer or an event from before
# the current subscription period (`period` is empty); the caller then takes the general path.
# The rollup takes the event only if the insert did (not a duplicate), and the audit snapshot
# says which it was.
_RECORD_ONE = """
WITH {customer_plan},
period_start AS (
    SELECT customer_plan.*, {period_start} AS period_start FROM customer_plan
), period AS (
    SELECT period_start.*, {period_end} AS period_end
      FROM period_start
     WHERE period_start.period_start IS NOT NULL
), inserted AS (
    INSERT INTO usage_events
           (app_id, event_id, customer_id, metric_id, quantity, "timestamp", period_start,
            received_at)
    SELECT %(app)s, %(event_id)s, period.customer_id, %(metric)s, %(quantity)s, %(timestamp)s,
           period.period_start, %(now)s
      FROM period
        ON CONFLICT (app_id, event_id) DO NOTHING
    RETURNING event_id
), rollup AS ({upsert_rollup}),
audit AS ({insert_audit_event})
SELECT customer_plan.*, {metered_limits}, period.period_start IS NOT NULL,
       EXISTS (SELECT FROM inserted), rollup.*
  FROM (VALUES (1)) AS one
  LEFT JOIN customer_plan ON TRUE
  LEFT JOIN period ON TRUE
  LEFT JOIN rollup ON TRUE
"""
_RECORD_ONE_SQL = compact(
    _RECORD_ONE.format(
        customer_plan=CUSTOMER_PLAN_CTES,
        metered_limits=METERED_LIMITS_SQL.format(customer_id="customer_plan.customer_id"),
        period_start=period_start_sql(
            moment="%(timestamp)s::timestamptz",
            starts="customer_plan.starts",
            ends="customer_plan.ends",
        ),
        period_end=period_end_sql(
            start="period_start.period_start",
            starts="period_start.starts",
            ends="period_start.ends",
        ),
        upsert_rollup=_UPSERT_ROLLUPS.format(
            rows="""
SELECT %(app)s, period.customer_id, %(metric)s, %(aggregation)s, period.period_start,
       period.period_end, %(value)s, 1, %(timestamp)s, 0, %(now)s, %(now)s
  FROM period
 WHERE EXISTS (SELECT FROM inserted)"""
        ),
        insert_audit_event=AUDIT_EVENT_INSERT_SQL.format(
            target_id="period.customer_id",
            payload="%(audit_payload_snapshot)s::jsonb || jsonb_build_object('customer', period.customer_id, "
            "'status', CASE WHEN EXISTS (SELECT FROM inserted) THEN 'accepted' ELSE 'duplicate' END)",
            rows="FROM period",
        ),
    )
)


def _event_value(aggregation: str, quantity: int) -> int:
    """What one event adds to a sum or a count, or sets a last to."""
    return 1 if aggregation == Aggregation.COUNT else quantity


class _Aggregate:
    """The fold of some new events into one rollup row."""

    __slots__ = ("aggregation", "period_end", "value", "event_count", "last_event_at")

    def __init__(self, aggregation: str, period_end: datetime) -> None:
        self.aggregation = aggregation
        self.period_end = period_end
        self.value = 0
        self.event_count = 0
        self.last_event_at: datetime | None = None

    def add(self, event: UsageEventInput) -> None:
        self.event_count += 1
        value = _event_value(self.aggregation, event.quantity)
        if self.aggregation != Aggregation.LAST:
            self.value += value
        elif self.last_event_at is None or event.timestamp >= self.last_event_at:
            self.value = value
        if self.last_event_at is None or event.timestamp > self.last_event_at:
            self.last_event_at = event.timestamp


def _rollup_rows(events: list[UsageEventInput]) -> list[list[Any]]:
    folded: dict[tuple[str, str, datetime], _Aggregate] = {}
    for event in events:
        period: Period = event.period  # type: ignore[assignment]  # _resolve gave every event left a period
        key = (event.customer_id, event.metric_id, period.start)
        aggregate = folded.get(key)
        if aggregate is None:
            aggregate = folded[key] = _Aggregate(event.aggregation, period.end)
        aggregate.add(event)
    # Key order = lock order, the same in every transaction.
    return [
        [
            customer_id,
            metric_id,
            aggregate.aggregation,
            period_start.isoformat(),
            aggregate.period_end.isoformat(),
            aggregate.value,
            aggregate.event_count,
            aggregate.last_event_at.isoformat(),  # type: ignore[union-attr]  # set by the first add()
        ]
        for (customer_id, metric_id, period_start), aggregate in sorted(folded.items())
    ]


def _insert_events(*, app: App, events: list[UsageEventInput], now: datetime) -> set[str]:
    rows = [
        [
            event.event_id,
            event.customer_id,
            event.metric_id,
            event.quantity,
            event.timestamp.isoformat(),
            event.period.start.isoformat(),  # type: ignore[union-attr]  # _resolve gave every event left a period
        ]
        for event in sorted(events, key=lambda event: event.event_id)
    ]
    return {
        row[0]
        for row in fetch_all(
            _INSERT_EVENTS_SQL, {"app": app.pk, "now": now, "events": json.dumps(rows)}
        )
    }


def _upsert_rollups(
    *, app: App, events: list[UsageEventInput], now: datetime
) -> list[tuple[Any, ...]]:
    return fetch_all(
        _UPSERT_ROLLUPS_SQL,
        {"app": app.pk, "now": now, "rollups": json.dumps(_rollup_rows(events))},
    )


def _record_one(*, app: App, actor: Actor, result: EventResult, now: datetime) -> bool:
    """The single-event path (see _RECORD_ONE): the event is committed when this returns True,
    and the quota check has run on its rollup (taking the rollup's lock itself). False: nothing
    was written (an unknown customer or metric, an event from before the current subscription
    period), and the general path takes it."""
    event: UsageEventInput = result.event  # type: ignore[assignment]  # the single path only runs on an accepted event
    metric = metrics_by_code(app=app, codes=[event.metric_code]).get(event.metric_code)
    if metric is None:
        return False
    event.metric_id, event.aggregation = metric.id, metric.aggregation
    (
        (
            customer_id,
            subscription_id,
            plan_id,
            plan_version_id,
            starts,
            ends,
            quotas,
            metered_limits,
            recorded,
            inserted,
            *rollup,
        ),
    ) = fetch_all(
        _RECORD_ONE_SQL,
        {
            "app": app.pk,
            "reference": event.customer_reference,
            "event_id": event.event_id,
            "metric": metric.id,
            "aggregation": metric.aggregation,
            "quantity": event.quantity,
            "value": _event_value(metric.aggregation, event.quantity),
            "timestamp": event.timestamp,
            "now": now,
            **audit_event_parameters(
                app=app,
                actor=actor,
                action_type=UsageAuditAction.SET_USAGE,
                target_type="usage",
                # The statement adds the customer's id and "status": accepted or duplicate.
                payload_snapshot=_event_audit_payload(event),
                now=now,
            ),
        },
    )
    if not recorded:
        return False
    event.customer_id = customer_id
    if not inserted:
        result.status = EventStatus.DUPLICATE
        return True
    context = CustomerContext(
        customer_id=customer_id,
        subscription_id=subscription_id,
        plan_id=plan_id,
        plan_version_id=plan_version_id,
        subscription_period=Period(starts, ends) if starts and ends else None,
        quotas=quotas_in_force(
            subscription_id=subscription_id, quotas=quotas, metered_limits=metered_limits
        ),
    )
    touched = [tuple(rollup)]
    rollups_check_quota(app=app, rollups=touched, contexts={customer_id: context}, now=now)
    usage_alerts_check(app=app, rollups=touched, contexts={customer_id: context}, now=now)
    return True


def _customer_now(raw: Any, clock_times: dict[str, datetime], now: datetime) -> datetime:
    if not clock_times or not isinstance(raw, dict):
        return now
    customer = raw.get("customer")
    return clock_times.get(customer, now) if isinstance(customer, str) else now


def usage_events_record(
    *, app: App, actor: Actor, raw_events: list[Any], batch: bool, now: datetime | None = None
) -> list[EventResult]:
    """Records usage events: each is accepted (stored and counted), a duplicate (its event_id
    was seen before: accepted, counted once) or rejected with its own error; the others are
    kept either way. Everything accepted is committed before this returns.

    Writes one SET_USAGE audit event per call: a batch's event summarises its counts rather
    than repeating up to 1,000 events (the events themselves are kept in usage_events). A
    single event (`batch` false) that is rejected raises its error."""
    now = now or timezone.now()
    # A customer on a test clock lives at the clock's time: its events default to that time
    # and are bounded by it (35 days back, 5 minutes ahead), as Stripe's meters bound them.
    clock_times = customer_clock_times(
        app=app,
        references={
            raw["customer"]
            for raw in raw_events
            if isinstance(raw, dict) and isinstance(raw.get("customer"), str)
        },
    )
    results = [
        usage_event_parse(index=index, raw=raw, now=_customer_now(raw, clock_times, now))
        for index, raw in enumerate(raw_events)
    ]
    seen: set[str] = set()
    for result in results:
        if result.event is None:
            continue
        if result.event.event_id in seen:
            # Counted once, as the first of the same id in the batch.
            result.status = EventStatus.DUPLICATE
            result.event = None
        else:
            seen.add(result.event.event_id)
    if not batch and results[0].event is None:
        raise results[0].error  # type: ignore[misc]  # a rejected result always has its error
    if batch or not _record_one(app=app, actor=actor, result=results[0], now=now):
        _record_in_transaction(app=app, actor=actor, results=results, batch=batch, now=now)
    if not batch:
        _duplicate_as_recorded(app=app, result=results[0])
    return results


def _record_in_transaction(
    *, app: App, actor: Actor, results: list[EventResult], batch: bool, now: datetime
) -> None:
    """The general path: a batch, or a single event the one-statement path left alone."""
    contexts = _resolve(app=app, results=results, now=now)
    events = [result.event for result in results if result.event is not None]
    if not batch and not events:
        raise results[0].error  # type: ignore[misc]  # a rejected result always has its error
    with transaction.atomic():
        inserted = _insert_events(app=app, events=events, now=now) if events else set()
        new_events = []
        for result in results:
            if result.event is not None:
                if result.event.event_id in inserted:
                    new_events.append(result.event)
                else:
                    result.status = EventStatus.DUPLICATE
        audit_event_record(
            app=app,
            actor=actor,
            action_type=UsageAuditAction.SET_USAGE,
            target_type="usage",
            target_id=events[0].customer_id if not batch else "",
            payload_snapshot=_audit_payload(results=results, batch=batch),
        )
        if new_events:
            touched = _upsert_rollups(app=app, events=new_events, now=now)
            rollups_check_quota(app=app, rollups=touched, contexts=contexts, now=now)
            usage_alerts_check(app=app, rollups=touched, contexts=contexts, now=now)


_RECORDED_EVENT_SQL = """
SELECT e.customer_id, m.code, e.quantity, e."timestamp"
  FROM usage_events e
  JOIN usage_metric m ON m.id = e.metric_id
 WHERE e.app_id = %s AND e.event_id = %s
"""


def _duplicate_as_recorded(*, app: App, result: EventResult) -> None:
    """A single duplicate is answered with the event as first recorded (what is counted), not as
    resent: a retry without a timestamp, or with another quantity, shows what counts."""
    if result.status != EventStatus.DUPLICATE or result.event is None:
        return
    rows = fetch_all(_RECORDED_EVENT_SQL, [app.pk, result.event.event_id])
    if rows:
        event = result.event
        event.customer_id, event.metric_code, event.quantity, event.timestamp = rows[0]


def _event_audit_payload(event: UsageEventInput) -> dict[str, Any]:
    return {
        "event_id": event.event_id,
        "metric": event.metric_code,
        "quantity": event.quantity,
        "timestamp": event.timestamp.isoformat(),
    }


def _audit_payload(*, results: list[EventResult], batch: bool) -> dict[str, Any]:
    if not batch:
        result = results[0]
        event: UsageEventInput = result.event  # type: ignore[assignment]  # a single event here was accepted
        return {
            **_event_audit_payload(event),
            "customer": event.customer_id,
            "status": result.status.value,
        }
    counts = dict.fromkeys(EventStatus, 0)
    for result in results:
        counts[result.status] += 1
    return {
        "events": len(results),
        **{status.value: count for status, count in counts.items()},
    }
