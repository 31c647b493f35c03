"""Reads of the usage app. Every function takes the app first and sees only that app's rows."""

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from django.db import connection
from django.utils import timezone

from api.errors import NotFoundError
from billing.selectors import CUSTOMER_CONTEXT_SQL
from catalog.models import Metric
from tenants.models import App
from usage.models import UsageRollup
from usage.periods import CustomerContext, Period
from usage.statements import compact, fetch_all

# Metric codes and aggregations never change once created, so each process keeps an app's
# metrics for a minute; a code it does not know yet makes it look again (a new metric is
# usable at once).
METRIC_CACHE_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class MetricInfo:
    id: str
    code: str
    aggregation: str


_metric_cache: dict[str, tuple[float, dict[str, MetricInfo]]] = {}


def metric_get_by_code(*, app: App, code: str, param: str = "metric") -> Metric:
    try:
        return Metric.objects.for_app(app).get(code=code)
    except Metric.DoesNotExist:
        raise NotFoundError("metric", param=param) from None


def metrics_by_code(*, app: App, codes: Iterable[str]) -> dict[str, MetricInfo]:
    """The app's metrics, from the process cache when it knows every code asked for."""
    cached = _metric_cache.get(app.pk)
    if cached is not None and cached[0] > time.monotonic():
        metrics = cached[1]
        if all(code in metrics for code in codes):
            return metrics
    metrics = {
        code: MetricInfo(id=metric_id, code=code, aggregation=aggregation)
        for code, metric_id, aggregation in Metric.objects.for_app(app).values_list(
            "code", "id", "aggregation"
        )
    }
    _metric_cache[app.pk] = (time.monotonic() + METRIC_CACHE_SECONDS, metrics)
    return metrics


# A metered feature's override in force at the customer's time replaces the plan's quota for its
# metric: usage_metered_limits (usage/migrations/0009_metered_limits_function.py) answers them
# as a JSON object of metric code to limit.
METERED_LIMITS_SQL = "usage_metered_limits({customer_id}, %(now)s)"

_CUSTOMER_CONTEXT_WITH_OVERRIDES_SQL = compact(
    """
SELECT context.*, {metered_limits}
  FROM ({customer_context}) context (customer_id, external_id, provider_customer_id,
       subscription_id, plan_id, plan_version_id, period_start, period_end, quotas)
""".format(
        metered_limits=METERED_LIMITS_SQL.format(customer_id="context.customer_id"),
        customer_context=CUSTOMER_CONTEXT_SQL,
    )
)


def customer_contexts(
    *, app: App, references: Iterable[str], now: datetime | None = None
) -> dict[str, CustomerContext]:
    """Customers by our id (`cus_…`) or the app's `external_id`, each with its current
    subscription's period and quotas (the plan's, with the metered overrides in force at the
    customer's time over them), in one query. Unknown references are left out."""
    references = set(references)
    if not references:
        return {}
    ids = [reference for reference in references if reference.startswith("cus_")]
    rows = fetch_all(
        _CUSTOMER_CONTEXT_WITH_OVERRIDES_SQL,
        {
            "app": app.pk,
            "ids": ids,
            "references": list(references),
            "now": now or timezone.now(),
        },
    )
    by_id: dict[str, CustomerContext] = {}
    by_external_id: dict[str, CustomerContext] = {}
    for (
        customer_id,
        external_id,
        provider_customer_id,
        subscription_id,
        plan_id,
        plan_version_id,
        period_start,
        period_end,
        quotas,
        metered_limits,
    ) in rows:
        context = CustomerContext(
            customer_id=customer_id,
            external_id=external_id,
            provider_customer_id=provider_customer_id,
            subscription_id=subscription_id,
            plan_id=plan_id,
            plan_version_id=plan_version_id,
            subscription_period=(
                Period(period_start, period_end) if period_start and period_end else None
            ),
            quotas=quotas_in_force(
                subscription_id=subscription_id, quotas=quotas, metered_limits=metered_limits
            ),
        )
        by_id[customer_id] = context
        if external_id is not None:
            by_external_id[external_id] = context
    resolved = {}
    for reference in references:
        found = by_id.get(reference) if reference.startswith("cus_") else None
        found = found or by_external_id.get(reference)
        if found is not None:
            resolved[reference] = found
    return resolved


def customer_context(*, app: App, reference: str, param: str = "customer") -> CustomerContext:
    context = customer_contexts(app=app, references=[reference]).get(reference)
    if context is None:
        raise NotFoundError("customer", param=param)
    return context


def quotas_in_force(
    *, subscription_id: str | None, quotas: object, metered_limits: object
) -> dict[str, int]:
    """The plan's quotas with the customer's metered overrides over them (none without a
    current subscription: it is entitled to nothing)."""
    if subscription_id is None:
        return quotas_parse(quotas)
    return quotas_parse(quotas) | quotas_parse(metered_limits)


def quotas_parse(raw: object) -> dict[str, int]:
    if isinstance(raw, str):  # Django has psycopg hand jsonb back as text
        raw = json.loads(raw)
    # A JSON object of metric code to limit (jsonb), whether decoded here or by psycopg.
    quotas = cast(dict[str, Any], raw or {})
    return {str(code): int(limit) for code, limit in quotas.items() if limit is not None}


_KNOWN_PERIODS_SQL = """
SELECT DISTINCT customer_id, period_start, period_end
  FROM usage_rollups
 WHERE app_id = %s AND customer_id = ANY(%s) AND period_end > %s
"""


def known_periods(
    *, app: App, customer_ids: Iterable[str], since: datetime
) -> dict[str, list[Period]]:
    """The periods we keep usage for, per customer, that end after `since` (for late events)."""
    with connection.cursor() as cursor:
        cursor.execute(_KNOWN_PERIODS_SQL, [app.pk, list(customer_ids), since])
        rows = cursor.fetchall()
    periods: dict[str, list[Period]] = {}
    for customer_id, start, end in rows:
        periods.setdefault(customer_id, []).append(Period(start, end))
    for customer_periods in periods.values():
        customer_periods.sort(key=lambda period: period.start, reverse=True)
    return periods


@dataclass(frozen=True, slots=True)
class MetricUsage:
    metric: str
    aggregation: str
    unit: str
    total: int
    periods: list[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class CustomerUsage:
    customer: str
    current_period_start: datetime
    current_period_end: datetime
    data: list[MetricUsage]


def customer_usage(
    *,
    app: App,
    customer_reference: str,
    metric_code: str | None = None,
    period_from: datetime | None = None,
    period_to: datetime | None = None,
    now: datetime | None = None,
) -> CustomerUsage:
    """The customer's usage per metric, read from the period rollups (never the raw events).

    Without `from`/`to`: the current billing period. With them: every billing period that
    overlaps [from, to), each counted whole. A metric's `total` adds its periods up (sum,
    count) or is the latest period's value (last)."""
    context = customer_context(app=app, reference=customer_reference)
    current = context.current_period(now or timezone.now())
    rollups = UsageRollup.objects.for_app(app).filter(customer_id=context.customer_id)
    if metric_code is not None:
        metric = metric_get_by_code(app=app, code=metric_code)
        rollups = rollups.filter(metric=metric)
    if period_from is None and period_to is None:
        rollups = rollups.filter(period_start=current.start)
    else:
        if period_from is not None:
            rollups = rollups.filter(period_end__gt=period_from)
        if period_to is not None:
            rollups = rollups.filter(period_start__lt=period_to)
    by_metric: dict[str, list[Any]] = {}
    for rollup in rollups.select_related("metric").order_by("metric__code", "period_start"):
        by_metric.setdefault(rollup.metric.code, []).append(rollup)
    data = []
    for code, metric_rollups in by_metric.items():
        metric = metric_rollups[0].metric
        total = (
            metric_rollups[-1].value
            if metric.aggregation == "last"
            else sum(rollup.value for rollup in metric_rollups)
        )
        data.append(
            MetricUsage(
                metric=code,
                aggregation=metric.aggregation,
                unit=metric.unit,
                total=total,
                periods=[
                    {
                        "period_start": rollup.period_start,
                        "period_end": rollup.period_end,
                        "value": rollup.value,
                        "event_count": rollup.event_count,
                    }
                    for rollup in metric_rollups
                ],
            )
        )
    return CustomerUsage(
        customer=context.customer_id,
        current_period_start=current.start,
        current_period_end=current.end,
        data=data,
    )
