"""Quotas and entitlements: what a customer may still use this billing period.

A plan's `quotas` are hard limits per period. Crossing one (on ingestion, or when a plan
change lowers it) opens ONE over_quota grace period for that period, linked from the period's
rollup: while it is active the customer stays allowed; once it has expired, not. A new period
starts a new rollup with no link; a plan upgrade resolves the grace period and clears the link.

The entitlement check is the apps' hot path: two indexed queries (the customer with its current
subscription and plan; then the plan's metrics with this period's rollups, grace periods and
included quantities), no raw events, no writes.
"""

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from django.db import transaction
from django.utils import timezone

from api.errors import NotFoundError
from billing.clocks import customer_time
from billing.models import Customer, Subscription
from billing.selectors import CUSTOMER_PLAN_CTES
from catalog.models import FeatureType, Metric
from catalog.selectors import (
    FEATURE_COLUMNS,
    FEATURES_JOIN,
    PLAN_FEATURE_GRANT,
    PLAN_FEATURE_GRANT_JOIN,
    PLAN_METERED_COMPONENT_JOIN,
)
from grace.models import GracePeriod, GraceReason, GraceStatus
from grace.selectors import GRACE_PERIOD_COLUMNS, GRACE_PERIOD_JOIN
from grace.services import grace_period_open, grace_periods_resolve_for_customer_metric
from notifications.event_types import AppEventType
from notifications.services import app_event_publish
from tenants.actors import SYSTEM, Actor
from tenants.models import App
from usage.models import UsageRollup
from usage.periods import CustomerContext, Period, period_end_sql, period_start_sql
from usage.selectors import (
    customer_context,
    metrics_by_code,
    quotas_parse,
)
from usage.statements import compact, fetch_all

logger = logging.getLogger(__name__)


class EntitlementReason:
    """Why `allowed` is what it is."""

    UNLIMITED = "unlimited"
    WITHIN_LIMIT = "within_limit"
    OVER_QUOTA_IN_GRACE = "over_quota_in_grace_period"
    OVER_QUOTA_GRACE_RESOLVED = "over_quota_grace_period_resolved"
    OVER_QUOTA = "over_quota"
    NO_ACTIVE_SUBSCRIPTION = "no_active_subscription"


@dataclass(frozen=True, slots=True)
class EntitlementGracePeriod:
    id: str
    status: str
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True, slots=True)
class Entitlement:
    customer_id: str
    metric_code: str
    metric_name: str
    aggregation: str
    unit: str
    limit: int | None
    used: int
    remaining: int | None
    allowed: bool
    reason: str
    included_quantity: int
    period: Period
    subscription_id: str | None
    plan_id: str | None
    grace_period: EntitlementGracePeriod | None
    # The metered feature's override in force that sets `limit` instead of the plan's quota.
    override_id: str | None = None
    override_expires_at: datetime | None = None


# The whole check in one statement: the customer (by id or external_id), its current
# subscription and plan, its time (a test clock's, for a customer on one), the current period (as usage.periods computes it: the subscription's,
# following on from it if its renewal has not reached us yet, else the calendar month in UTC),
# then per metric this period's rollup, its grace period and the plan's included quantity.
_ENTITLEMENTS_SQL = """
WITH {customer_plan},
clock AS (
    -- the customer's "now": its test clock's frozen time, if it lives on one
    SELECT COALESCE(
             (SELECT tc.frozen_time
                FROM billing_customer c
                JOIN billing_testclock tc ON tc.id = c.test_clock_id AND tc.deleted_at IS NULL
               WHERE c.id = customer_plan.customer_id AND c.app_id = %(app)s),
             %(now)s::timestamptz) AS now
      FROM customer_plan
),
context AS (
    SELECT customer_plan.*, {period_start} AS period_start, clock.now AS customer_now
      FROM customer_plan CROSS JOIN clock
)
SELECT context.customer_id, context.subscription_id, context.plan_id, context.quotas,
       context.period_start, {period_end}, context.customer_now,
       m.code, m.name, m.aggregation, m.unit, r.value, {grace_period_columns},
       component.included_quantity,
       metered_override.id, metered_override.value, metered_override.expires_at
  FROM context
  LEFT JOIN usage_metric m ON m.app_id = %(app)s AND {metric_condition}
  LEFT JOIN usage_rollups r
         ON r.app_id = %(app)s AND r.customer_id = context.customer_id AND r.metric_id = m.id
        AND r.period_start = context.period_start
  {grace_period_join}
  {plan_metered_component_join}
  -- a metered feature's override in force replaces the plan's quota for its metric
  LEFT JOIN LATERAL (
        SELECT o.id, o.value, o.expires_at
          FROM usage_entitlement_overrides o
          JOIN catalog_feature f
            ON f.id = o.feature_id AND f.type = 'metered' AND f.archived_at IS NULL
           AND f.metric_id = m.id
         WHERE o.app_id = %(app)s AND o.customer_id = context.customer_id
           AND o.deleted_at IS NULL
           AND (o.expires_at IS NULL OR o.expires_at > context.customer_now)
         ORDER BY o.created_at DESC, o.id DESC
         LIMIT 1) metered_override ON TRUE
 {plan_filter}
 ORDER BY m.code
"""

_PARTS = {
    "customer_plan": CUSTOMER_PLAN_CTES,
    "grace_period_columns": GRACE_PERIOD_COLUMNS,
    "grace_period_join": GRACE_PERIOD_JOIN.format(grace_period_id="r.over_quota_grace_period_id"),
    "plan_metered_component_join": PLAN_METERED_COMPONENT_JOIN.format(
        plan_version_id="context.plan_version_id", metric_id="m.id"
    ),
    # current_period: a subscription that starts later governs from now on
    "period_start": period_start_sql(
        moment="clock.now",
        starts="customer_plan.starts",
        ends="customer_plan.ends",
        before_start="customer_plan.starts",
    ),
    "period_end": period_end_sql(
        start="context.period_start", starts="context.starts", ends="context.ends"
    ),
}
_ONE_METRIC_SQL = compact(
    _ENTITLEMENTS_SQL.format(metric_condition="m.code = %(metric)s", plan_filter="", **_PARTS)
)
# The plan's metrics: those it limits and those it bills. (%(metric)s is unused here but kept,
# so both statements take the same parameters.)
_PLAN_METRICS_SQL = compact(
    _ENTITLEMENTS_SQL.format(
        **_PARTS,
        metric_condition="%(metric)s = %(metric)s",
        plan_filter="WHERE m.id IS NULL OR context.subscription_id IS NULL "
        "OR context.quotas ? m.code OR component.id IS NOT NULL OR metered_override.id IS NOT NULL",
    )
)


def _allowed(
    *, limit: int | None, used: int, grace: EntitlementGracePeriod | None, now: datetime
) -> tuple[bool, str]:
    if limit is None:
        return True, EntitlementReason.UNLIMITED
    if used <= limit:
        return True, EntitlementReason.WITHIN_LIMIT
    if grace is not None:
        if grace.status == GraceStatus.ACTIVE and grace.ends_at > now:
            return True, EntitlementReason.OVER_QUOTA_IN_GRACE
        if grace.status == GraceStatus.RESOLVED:
            return True, EntitlementReason.OVER_QUOTA_GRACE_RESOLVED
    return False, EntitlementReason.OVER_QUOTA


def _entitlements(
    *, app: App, customer_reference: str, metric_code: str | None, now: datetime
) -> list[Entitlement]:
    """Raises NotFoundError for an unknown customer, or an unknown metric when one is named."""
    rows = fetch_all(
        _ONE_METRIC_SQL if metric_code else _PLAN_METRICS_SQL,
        {
            "app": app.pk,
            "reference": customer_reference,
            "now": now,
            "metric": metric_code or "",
        },
    )
    if not rows:
        raise NotFoundError("customer", param="customer")
    entitlements = []
    for (
        customer_id,
        subscription_id,
        plan_id,
        raw_quotas,
        period_start,
        period_end,
        customer_now,
        code,
        name,
        aggregation,
        unit,
        value,
        grace_id,
        grace_status,
        grace_starts_at,
        grace_ends_at,
        included_quantity,
        override_id,
        override_value,
        override_expires_at,
    ) in rows:
        if code is None:
            if metric_code is not None:
                raise NotFoundError("metric", param="metric")
            continue
        used = value or 0
        grace = (
            EntitlementGracePeriod(
                id=grace_id, status=grace_status, starts_at=grace_starts_at, ends_at=grace_ends_at
            )
            if grace_id
            else None
        )
        if subscription_id is None:
            limit: int | None = 0
            allowed, reason = False, EntitlementReason.NO_ACTIVE_SUBSCRIPTION
            override_id = override_expires_at = None
        else:
            limit = (
                quotas_parse(raw_quotas).get(code)
                if override_id is None
                else int(json.loads(override_value))  # the connection reads jsonb as text
            )
            allowed, reason = _allowed(limit=limit, used=used, grace=grace, now=customer_now)
        entitlements.append(
            Entitlement(
                customer_id=customer_id,
                metric_code=code,
                metric_name=name,
                aggregation=aggregation,
                unit=unit,
                limit=limit,
                used=used,
                remaining=None if limit is None else max(limit - used, 0),
                allowed=allowed,
                reason=reason,
                included_quantity=included_quantity or 0,
                period=Period(period_start, period_end),
                subscription_id=subscription_id,
                plan_id=plan_id,
                grace_period=grace,
                override_id=override_id,
                override_expires_at=override_expires_at,
            )
        )
    if metric_code is None and rows[0][1] is None:
        return []  # no current plan, no entitlements
    return entitlements


def entitlement_get(
    *, app: App, customer_reference: str, metric_code: str, now: datetime | None = None
) -> Entitlement:
    """One metric's entitlement. A metric the customer's plan neither limits nor bills is
    unlimited; a customer without a current subscription is entitled to nothing."""
    (entitlement,) = _entitlements(
        app=app,
        customer_reference=customer_reference,
        metric_code=metric_code,
        now=now or timezone.now(),
    )
    return entitlement


def entitlement_list(
    *, app: App, customer_reference: str, now: datetime | None = None
) -> list[Entitlement]:
    """An entitlement per metric of the customer's current plan (none without a plan)."""
    return _entitlements(
        app=app, customer_reference=customer_reference, metric_code=None, now=now or timezone.now()
    )


def entitlement_data(entitlement: Entitlement) -> dict[str, Any]:
    """The API's entitlement object (built by hand: this is the apps' hot path, and a DRF
    serializer would cost more than the query)."""
    grace = entitlement.grace_period
    return {
        "object": "entitlement",
        "customer": entitlement.customer_id,
        "metric": entitlement.metric_code,
        "aggregation": entitlement.aggregation,
        "unit": entitlement.unit,
        "limit": entitlement.limit,
        "used": entitlement.used,
        "remaining": entitlement.remaining,
        "allowed": entitlement.allowed,
        "reason": entitlement.reason,
        "included_quantity": entitlement.included_quantity,
        "period_start": _iso(entitlement.period.start),
        "period_end": _iso(entitlement.period.end),
        "subscription": entitlement.subscription_id,
        "plan": entitlement.plan_id,
        "grace_period": None
        if grace is None
        else {
            "id": grace.id,
            "status": grace.status,
            "starts_at": _iso(grace.starts_at),
            "ends_at": _iso(grace.ends_at),
        },
    }


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


# --- features ---------------------------------------------------------------------------------


class FeatureReason:
    """Why a feature entitlement's `allowed` is what it is (a metered one takes its metric's
    EntitlementReason)."""

    GRANTED = "granted"
    NOT_GRANTED = "not_granted"
    OVERRIDDEN = "overridden"
    NO_ACTIVE_SUBSCRIPTION = EntitlementReason.NO_ACTIVE_SUBSCRIPTION


@dataclass(frozen=True, slots=True)
class FeatureEntitlement:
    feature_code: str
    feature_name: str
    type: str
    value: Any
    allowed: bool
    reason: str
    source: str | None  # "plan", "override" or None (nothing grants it)
    override_id: str | None
    override_expires_at: datetime | None
    metric_code: str | None
    limit: int | None
    used: int | None
    remaining: int | None


@dataclass(frozen=True, slots=True)
class Entitlements:
    metrics: list[Entitlement]
    features: list[FeatureEntitlement]


# Every live feature of the app with the customer's current plan's grant of it and its
# override in force at the customer's time (the newest, if several): one statement.
_FEATURES_SQL_TEMPLATE = """
WITH {customer_plan},
context AS (
    SELECT customer_plan.*,
           COALESCE(
             (SELECT tc.frozen_time
                FROM billing_customer c
                JOIN billing_testclock tc ON tc.id = c.test_clock_id AND tc.deleted_at IS NULL
               WHERE c.id = customer_plan.customer_id AND c.app_id = %(app)s),
             %(now)s::timestamptz) AS customer_now
      FROM customer_plan
)
SELECT context.subscription_id, {feature_columns}, {plan_feature_grant},
       override.id, override.value, override.expires_at
  FROM context
  {features_join}
  {plan_feature_grant_join}
  LEFT JOIN LATERAL (
        SELECT o.id, o.value, o.expires_at
          FROM usage_entitlement_overrides o
         WHERE o.app_id = %(app)s AND o.customer_id = context.customer_id
           AND o.feature_id = feature.id AND o.deleted_at IS NULL
           AND (o.expires_at IS NULL OR o.expires_at > context.customer_now)
         ORDER BY o.created_at DESC, o.id DESC
         LIMIT 1) override ON TRUE
 ORDER BY feature.code
"""


def _features_sql(feature_condition: str) -> str:
    return compact(
        _FEATURES_SQL_TEMPLATE.format(
            customer_plan=CUSTOMER_PLAN_CTES,
            feature_columns=FEATURE_COLUMNS,
            plan_feature_grant=PLAN_FEATURE_GRANT,
            features_join=FEATURES_JOIN.format(feature_condition=feature_condition),
            plan_feature_grant_join=PLAN_FEATURE_GRANT_JOIN.format(plan_id="context.plan_id"),
        )
    )


# (%(feature)s is unused in the first but kept, so both statements take the same parameters.)
_FEATURES_SQL = _features_sql("%(feature)s = %(feature)s")
_ONE_FEATURE_SQL = _features_sql("feature.code = %(feature)s")


def _feature_entitlements(
    *,
    app: App,
    customer_reference: str,
    metrics: list[Entitlement] | None,
    now: datetime,
    feature_code: str | None = None,
) -> list[FeatureEntitlement]:
    """Every live feature's entitlement, or only `feature_code`'s. `metrics`: the plan's metric
    entitlements; None to read a metered feature's own (the one-feature check)."""
    rows = fetch_all(
        _ONE_FEATURE_SQL if feature_code else _FEATURES_SQL,
        {"app": app.pk, "reference": customer_reference, "now": now, "feature": feature_code or ""},
    )
    if not rows:
        raise NotFoundError("customer", param="customer")
    by_metric = {entitlement.metric_code: entitlement for entitlement in metrics or []}
    answer = []
    for (
        subscription_id,
        feature_id,
        code,
        name,
        feature_type,
        metric_code,
        grant,
        override_id,
        override_value,
        override_expires_at,
    ) in rows:
        if feature_id is None:
            continue
        # Django's connection reads json as text (its JSONField decodes it).
        grant = None if grant is None else json.loads(grant)
        override_value = None if override_value is None else json.loads(override_value)
        limit = used = remaining = None
        source: str | None = None
        if subscription_id is None:
            value: Any = None
            allowed, reason = False, FeatureReason.NO_ACTIVE_SUBSCRIPTION
            override_id = override_expires_at = None
        elif feature_type == FeatureType.METERED:
            if metrics is None:  # as the list answers it: from the plan's metrics
                by_metric = {
                    entitlement.metric_code: entitlement
                    for entitlement in _entitlements(
                        app=app, customer_reference=customer_reference, metric_code=None, now=now
                    )
                }
            metric = by_metric.get(metric_code)
            if metric is None:
                value, allowed, reason = None, False, FeatureReason.NOT_GRANTED
            else:
                value, limit, used, remaining = (
                    metric.limit,
                    metric.limit,
                    metric.used,
                    metric.remaining,
                )
                allowed, reason = metric.allowed, metric.reason
                source = "plan" if metric.override_id is None else "override"
            # The metric's answer says which override sets its limit (the newest in force of
            # the metered features measuring it).
            override_id = None if metric is None else metric.override_id
            override_expires_at = None if metric is None else metric.override_expires_at
        elif override_id is not None:
            value, source, reason = override_value, "override", FeatureReason.OVERRIDDEN
            allowed = value is not False and value is not None
        else:
            value = grant
            source = None if grant is None else "plan"
            allowed = grant is not False and grant is not None
            reason = FeatureReason.GRANTED if allowed else FeatureReason.NOT_GRANTED
        answer.append(
            FeatureEntitlement(
                feature_code=code,
                feature_name=name,
                type=feature_type,
                value=False if feature_type == FeatureType.BOOLEAN and value is None else value,
                allowed=allowed,
                reason=reason,
                source=source,
                override_id=override_id,
                override_expires_at=override_expires_at,
                metric_code=metric_code,
                limit=limit,
                used=used,
                remaining=remaining,
            )
        )
    return answer


def entitlements_with_features(
    *, app: App, customer_reference: str, now: datetime | None = None
) -> Entitlements:
    """The customer's entitlements per metric of its plan and per live feature of the app: two
    statements whatever the number of features, overrides and metrics."""
    now = now or timezone.now()
    metrics = _entitlements(
        app=app, customer_reference=customer_reference, metric_code=None, now=now
    )
    features = _feature_entitlements(
        app=app, customer_reference=customer_reference, metrics=metrics, now=now
    )
    return Entitlements(metrics=metrics, features=features)


def feature_entitlement_get(
    *, app: App, customer_reference: str, feature_code: str, now: datetime | None = None
) -> FeatureEntitlement:
    """One live feature's entitlement; raises NotFoundError (as for an unknown metric) when the
    app has no such feature."""
    features = _feature_entitlements(
        app=app,
        customer_reference=customer_reference,
        metrics=None,
        now=now or timezone.now(),
        feature_code=feature_code,
    )
    if not features:
        raise NotFoundError("metric or feature", param="metric")
    return features[0]


def feature_entitlement_data(entitlement: FeatureEntitlement) -> dict[str, Any]:
    return {
        "object": "feature_entitlement",
        "feature": entitlement.feature_code,
        "name": entitlement.feature_name,
        "type": entitlement.type,
        "value": entitlement.value,
        "allowed": entitlement.allowed,
        "reason": entitlement.reason,
        "source": entitlement.source,
        "override": None
        if entitlement.override_id is None
        else {
            "id": entitlement.override_id,
            "expires_at": None
            if entitlement.override_expires_at is None
            else _iso(entitlement.override_expires_at),
        },
        "metric": entitlement.metric_code,
        "limit": entitlement.limit,
        "used": entitlement.used,
        "remaining": entitlement.remaining,
    }


# --- enforcement ------------------------------------------------------------------------------


def _publish_quota_exceeded(
    *,
    app: App,
    customer_id: str,
    metric_code: str,
    limit: int,
    used: int,
    period: Period,
    grace_period: GracePeriod,
) -> None:
    app_event_publish(
        app=app,
        event_type=AppEventType.USAGE_QUOTA_EXCEEDED,
        data={
            "customer": customer_id,
            "metric": metric_code,
            "limit": limit,
            "used": used,
            "period_start": period.start,
            "period_end": period.end,
            "grace_period": grace_period.pk,
            "grace_period_ends_at": grace_period.ends_at,
        },
    )


def _over_quota_open(
    *,
    app: App,
    rollup_id: int,
    context: CustomerContext,
    metric_id: str,
    metric_code: str,
    used: int,
    limit: int,
    period: Period,
    now: datetime,
) -> GracePeriod:
    """Opens the period's over-quota grace period and links it from the rollup. The caller holds
    the rollup's row lock, so two requests crossing together open one."""
    customer = Customer.objects.for_app(app).get(pk=context.customer_id)
    if customer.test_clock_id is not None:
        now = customer_time(customer=customer)  # its grace period lives at the clock's time
    metric = Metric.objects.for_app(app).get(pk=metric_id)
    subscription = (
        Subscription.objects.for_app(app).select_related("plan").get(pk=context.subscription_id)
        if context.subscription_id
        else None
    )
    # One still active from an earlier period belongs to that period: this one starts afresh.
    grace_periods_resolve_for_customer_metric(
        app=app,
        actor=SYSTEM,
        customer=customer,
        metric=metric,
        note="A new billing period started.",
        now=now,
    )
    grace_period, created = grace_period_open(
        app=app,
        actor=SYSTEM,
        customer=customer,
        reason=GraceReason.OVER_QUOTA,
        subscription=subscription,
        metric=metric,
        now=now,
    )
    UsageRollup.objects.for_app(app).filter(pk=rollup_id).update(
        over_quota_grace_period=grace_period
    )
    if created:
        _publish_quota_exceeded(
            app=app,
            customer_id=context.customer_id,
            metric_code=metric_code,
            limit=limit,
            used=used,
            period=period,
            grace_period=grace_period,
        )
    return grace_period


_ROLLUP_GRACE_FOR_UPDATE_SQL = (
    "SELECT over_quota_grace_period_id FROM usage_rollups WHERE id = %s FOR UPDATE"
)


def rollups_check_quota(
    *,
    app: App,
    rollups: list[tuple[Any, ...]],
    contexts: dict[str, CustomerContext],
    now: datetime,
) -> None:
    """After ingestion updated `rollups` (rows of id, customer_id, metric_id, period start as
    epoch seconds, value, over_quota_grace_period_id), opens a grace period for each current
    period that has just gone over its quota. Runs in a batch's transaction, or after a single
    event's statement committed."""
    codes: dict[str, str] | None = None
    for rollup_id, customer_id, metric_id, period_epoch, value, grace_id in rollups:
        context = contexts.get(customer_id)
        if grace_id is not None or context is None or not context.quotas:
            continue
        if codes is None:
            codes = {
                metric.id: metric.code for metric in metrics_by_code(app=app, codes=()).values()
            }
        code = codes.get(metric_id)
        limit = context.quotas.get(code) if code else None
        if limit is None or value <= limit:
            continue
        period = context.current_period(now)
        if period_epoch != period.start.timestamp():
            continue  # a late event in an earlier period: that period is over
        with transaction.atomic():
            # Under the rollup's lock (already held by a batch's transaction): two requests
            # crossing together open one grace period.
            ((grace_id,),) = fetch_all(_ROLLUP_GRACE_FOR_UPDATE_SQL, [rollup_id])
            if grace_id is not None:
                continue
            _over_quota_open(
                app=app,
                rollup_id=rollup_id,
                context=context,
                metric_id=metric_id,
                metric_code=code,  # type: ignore[arg-type]  # not None: the quota lookup above needed it
                used=value,
                limit=limit,
                period=period,
                now=now,
            )


def entitlements_refresh_for_customer(
    *, app: App, customer: Customer, actor: Actor = SYSTEM, now: datetime | None = None
) -> None:
    """Re-applies the customer's quotas after its subscription changed (a new period, a plan
    upgrade or downgrade, a cancellation); usage/receivers.py calls it on billing's
    subscription_changed signal, once the change is committed. Idempotent:

    - an active over_quota grace period from an earlier period, or for a metric that is no
      longer over its (new) limit, is resolved (and unlinked, so a later crossing opens anew);
    - a metric of the current period that is over its (new) limit with no grace period opens
      one, as crossing it on ingestion would.
    """
    now = now or timezone.now()
    context = customer_context(app=app, reference=customer.pk)
    period = context.current_period(now)
    codes = {metric.id: metric.code for metric in metrics_by_code(app=app, codes=()).values()}
    with transaction.atomic():
        rollups = list(
            UsageRollup.objects.for_app(app)
            .filter(customer=customer, period_start=period.start)
            .select_for_update(of=("self",))
            .select_related("over_quota_grace_period", "metric")
            .order_by("customer_id", "metric_id", "period_start")
        )
        current_grace_ids = set()
        for rollup in rollups:
            code = codes.get(rollup.metric_id, rollup.metric.code)
            limit = context.quotas.get(code) if context.subscription_id else None
            grace = rollup.over_quota_grace_period
            over = limit is not None and rollup.value > limit
            if grace is not None and not over:
                if grace.status == GraceStatus.ACTIVE:
                    grace_periods_resolve_for_customer_metric(
                        app=app,
                        actor=actor,
                        customer=customer,
                        metric=rollup.metric,
                        note="The quota was raised.",
                        now=now,
                    )
                UsageRollup.objects.for_app(app).filter(pk=rollup.pk).update(
                    over_quota_grace_period=None
                )
            elif grace is None and over:
                grace = _over_quota_open(
                    app=app,
                    rollup_id=rollup.pk,
                    context=context,
                    metric_id=rollup.metric_id,
                    metric_code=code,
                    used=rollup.value,
                    limit=limit,  # type: ignore[arg-type]  # not None: `over` needs a limit
                    period=Period(rollup.period_start, rollup.period_end),
                    now=now,
                )
            if grace is not None and over:
                current_grace_ids.add(grace.pk)
        # Whatever is still active and not this period's belongs to a period that has ended.
        stale = (
            GracePeriod.objects.for_app(app)
            .filter(customer=customer, reason=GraceReason.OVER_QUOTA, status=GraceStatus.ACTIVE)
            .exclude(pk__in=current_grace_ids)
            .select_related("metric")
        )
        for grace_period in stale:
            grace_periods_resolve_for_customer_metric(
                app=app,
                actor=actor,
                customer=customer,
                # Never None: an over-quota grace period is always about a metric.
                metric=cast(Metric, grace_period.metric),
                note="A new billing period started.",
                now=now,
            )
