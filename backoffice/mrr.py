"""The MRR ledger: every change of a subscription's monthly recurring revenue becomes one
movement (new, expansion, contraction, churn) at the time it happened, so MRR over time and its
movements per month are sums over one indexed table, never a replay of the apps' history.

Movements are recorded when billing says a subscription changed (`subscription_changed`,
after commit) and by a periodic reconciliation that catches whatever a lost signal missed; both
compare a subscription's MRR now with what it was last counted at (`SubscriptionMrr`), so
recording twice records nothing twice."""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from fractions import Fraction
from typing import Any

from django.db import transaction
from django.db.models import QuerySet, Sum
from django.db.models.functions import TruncDay, TruncMonth
from django.utils import timezone

from backoffice.models import MrrMovement, MrrMovementKind, SubscriptionMrr
from billing.clocks import customer_time
from billing.models import Customer, Subscription, SubscriptionStatus
from tenants.models import App

# The subscriptions that bring in money every period: past_due still owes it.
MRR_STATUSES = (SubscriptionStatus.ACTIVE, SubscriptionStatus.PAST_DUE)
MONTHLY_FACTOR = {
    "day": Fraction(365, 12),
    "week": Fraction(52, 12),
    "month": Fraction(1),
    "year": Fraction(1, 12),
}
RECONCILE_BATCH = 1000


def monthly_amount(*, amount_minor: int, interval: str, interval_count: int) -> Fraction:
    return (
        Fraction(amount_minor)
        * MONTHLY_FACTOR.get(interval, Fraction(1))
        / max(interval_count or 1, 1)
    )


def subscription_mrr_minor(subscription: Subscription) -> int:
    """What the subscription brings in per month now, in its plan's currency's minor unit."""
    version = subscription.plan_version
    if subscription.status not in MRR_STATUSES or version.base_amount is None:
        return 0
    return round(
        monthly_amount(
            amount_minor=version.base_amount,
            interval=version.interval,
            interval_count=version.interval_count,
        )
    )


def _movement(
    subscription: Subscription, *, currency: str, before: int, after: int, at: datetime
) -> MrrMovement:
    if before == 0:
        kind = MrrMovementKind.NEW
    elif after == 0:
        kind = MrrMovementKind.CHURN
    elif after > before:
        kind = MrrMovementKind.EXPANSION
    else:
        kind = MrrMovementKind.CONTRACTION
    return MrrMovement.objects.create(
        app_id=subscription.app_id,
        subscription=subscription,
        kind=kind,
        currency=currency,
        delta_minor=after - before,
        mrr_after_minor=after,
        occurred_at=at,
    )


@transaction.atomic
def subscription_mrr_record(*, subscription: Subscription, at: datetime) -> list[MrrMovement]:
    """Records the difference between the subscription's MRR now and what it was last counted
    at; nothing when they agree."""
    app = subscription.app
    current = subscription_mrr_minor(subscription)
    currency = subscription.plan.currency
    counted = (
        SubscriptionMrr.objects.for_app(app)
        .select_for_update()
        .filter(subscription=subscription)
        .first()
    )
    if counted is None:
        if current == 0:
            return []
        counted, _ = SubscriptionMrr.objects.for_app(app).get_or_create(
            app=app, subscription=subscription, defaults={"currency": currency, "mrr_minor": 0}
        )
        counted = SubscriptionMrr.objects.for_app(app).select_for_update().get(pk=counted.pk)
    movements = []
    before = counted.mrr_minor
    if counted.currency != currency:
        # A plan in another currency: the old money churns and the new one is new.
        if before:
            movements.append(
                _movement(subscription, currency=counted.currency, before=before, after=0, at=at)
            )
        before = 0
    if current != before:
        movements.append(
            _movement(subscription, currency=currency, before=before, after=current, at=at)
        )
    if movements:
        counted.currency, counted.mrr_minor = currency, current
        counted.save(update_fields=["currency", "mrr_minor", "updated_at"])
    return movements


def customer_mrr_record(*, customer: Customer) -> list[MrrMovement]:
    """After a committed change to one of the customer's subscriptions: record each of them at
    the customer's time."""
    at = customer_time(customer=customer)
    subscriptions = (
        Subscription.objects.for_app(customer.app)
        .filter(customer=customer)
        .select_related("app", "plan", "plan_version")
    )
    movements: list[MrrMovement] = []
    for subscription in subscriptions:
        movements += subscription_mrr_record(subscription=subscription, at=at)
    return movements


def mrr_reconcile(*, batch_size: int = RECONCILE_BATCH) -> int:
    """Every subscription whose MRR differs from what it was counted at gets its movement now
    (a signal lost to a crash, rows written before the ledger existed). Answers how many
    movements it recorded. One read of the ledger per batch of subscriptions."""
    recorded = 0
    subscriptions = (
        Subscription.objects.all_tenants()
        .select_related("app", "customer", "plan", "plan_version")
        .order_by("pk")
    )
    for chunk in _chunks(subscriptions.iterator(chunk_size=batch_size), batch_size):
        counted = {
            row.subscription_id: (row.currency, row.mrr_minor)
            for row in SubscriptionMrr.objects.all_tenants().filter(
                subscription_id__in=[subscription.pk for subscription in chunk]
            )
        }
        for subscription in chunk:
            known = counted.get(subscription.pk, (subscription.plan.currency, 0))
            if known == (subscription.plan.currency, subscription_mrr_minor(subscription)):
                continue
            at = customer_time(customer=subscription.customer)
            recorded += len(subscription_mrr_record(subscription=subscription, at=at))
    return recorded


def _chunks(items: Iterator[Subscription], size: int) -> Iterator[list[Subscription]]:
    chunk: list[Subscription] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# Reading the ledger


@dataclass(kw_only=True)
class MrrPeriod:
    """One month (or day) of one currency: its movements and the MRR at its end."""

    start: datetime
    currency: str
    new_minor: int = 0
    expansion_minor: int = 0
    contraction_minor: int = 0
    churn_minor: int = 0
    mrr_minor: int = 0

    @property
    def change_minor(self) -> int:
        return self.new_minor + self.expansion_minor - self.contraction_minor - self.churn_minor


@dataclass(kw_only=True)
class MrrSeries:
    currency: str
    periods: list[MrrPeriod] = field(default_factory=list)


PERIODS = {"12m": "month", "30d": "day"}


def _period_starts(*, unit: str, now: datetime) -> list[datetime]:
    if unit == "day":
        today = now.replace(hour=0, minute=0, second=0, microsecond=0)
        return [today - timedelta(days=offset) for offset in range(29, -1, -1)]
    month = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    starts = [month]
    for _ in range(11):
        month = (month - timedelta(days=1)).replace(day=1)
        starts.append(month)
    return starts[::-1]


def mrr_series(
    *, app: App | None = None, period: str = "12m", now: datetime | None = None
) -> list[MrrSeries]:
    """MRR per currency over the last 12 months (or 30 days), with each period's movements:
    two grouped queries over the ledger, whatever the number of apps or subscriptions."""
    unit = PERIODS.get(period, "month")
    now = now or timezone.now()
    starts = _period_starts(unit=unit, now=now)
    movements: QuerySet[MrrMovement] = (
        MrrMovement.objects.all_tenants() if app is None else MrrMovement.objects.for_app(app)
    )
    opening = dict(
        movements.filter(occurred_at__lt=starts[0])
        .values_list("currency")
        .annotate(total=Sum("delta_minor"))
        .order_by()
    )
    truncate = TruncDay if unit == "day" else TruncMonth
    grouped = (
        movements.filter(occurred_at__gte=starts[0])
        .annotate(period_start=truncate("occurred_at"))
        .values("period_start", "currency", "kind")
        .annotate(total=Sum("delta_minor"))
        .order_by()
    )
    return _series(starts, opening, (dict(row) for row in grouped))


def _series(
    starts: list[datetime], opening: dict[str, int], grouped: Iterable[dict[str, Any]]
) -> list[MrrSeries]:
    totals: dict[tuple[str, datetime], dict[str, int]] = defaultdict(dict)
    currencies = set(opening)
    for row in grouped:
        currencies.add(row["currency"])
        totals[row["currency"], row["period_start"]][row["kind"]] = row["total"]
    series = []
    for currency in sorted(currencies):
        running = opening.get(currency, 0) or 0
        periods = []
        for start in starts:
            kinds = totals.get((currency, start), {})
            running += sum(kinds.values())
            periods.append(
                MrrPeriod(
                    start=start,
                    currency=currency,
                    new_minor=kinds.get(MrrMovementKind.NEW, 0),
                    expansion_minor=kinds.get(MrrMovementKind.EXPANSION, 0),
                    contraction_minor=-kinds.get(MrrMovementKind.CONTRACTION, 0),
                    churn_minor=-kinds.get(MrrMovementKind.CHURN, 0),
                    mrr_minor=running,
                )
            )
        series.append(MrrSeries(currency=currency, periods=periods))
    return series


def mrr_by_app_and_month(*, months: int = 12, now: datetime | None = None) -> list[dict[str, Any]]:
    """For the finance export: per app, currency and month, the movements and the MRR at the
    month's end, from two grouped queries."""
    now = now or timezone.now()
    starts = _period_starts(unit="month", now=now)[-months:]
    movements = MrrMovement.objects.all_tenants()
    opening: dict[str, dict[str, int]] = defaultdict(dict)
    for row in (
        movements.filter(occurred_at__lt=starts[0])
        .values("app_id", "currency")
        .annotate(total=Sum("delta_minor"))
        .order_by()
    ):
        opening[row["app_id"]][row["currency"]] = row["total"]
    per_app: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in (
        movements.filter(occurred_at__gte=starts[0])
        .annotate(period_start=TruncMonth("occurred_at"))
        .values("app_id", "period_start", "currency", "kind")
        .annotate(total=Sum("delta_minor"))
        .order_by()
    ):
        per_app[row["app_id"]].append(dict(row))
    names = dict(App.objects.values_list("pk", "name"))
    rows = []
    for app_id in sorted(set(per_app) | set(opening)):
        for series in _series(starts, opening.get(app_id, {}), per_app.get(app_id, [])):
            for period in series.periods:
                rows.append({"app_id": app_id, "app_name": names.get(app_id, ""), "period": period})
    return rows
