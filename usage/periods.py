"""Billing periods for usage: the customer's current subscription period if it has one
(trialing, active or past_due), else the calendar month in UTC."""

from dataclasses import dataclass, field
from datetime import UTC, datetime


@dataclass(frozen=True, slots=True)
class Period:
    start: datetime
    end: datetime

    def __contains__(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


def calendar_month(moment: datetime) -> Period:
    moment = moment.astimezone(UTC)
    start = moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = (
        start.replace(year=start.year + 1, month=1)
        if start.month == 12
        else start.replace(month=start.month + 1)
    )
    return Period(start, end)


@dataclass(frozen=True, slots=True)
class CustomerContext:
    """What usage needs to know about a customer: its current subscription's period and plan."""

    customer_id: str
    external_id: str | None = None
    provider_customer_id: str = ""
    subscription_id: str | None = None
    plan_id: str | None = None
    plan_version_id: int | None = None
    subscription_period: Period | None = None
    # {metric code: hard limit per period}
    quotas: dict[str, int] = field(default_factory=dict)

    def period_for(self, moment: datetime) -> Period | None:
        """The period an event at `moment` counts in; None for an event from before the current
        subscription period (the caller finds the earlier period it belongs to)."""
        subscription_period = self.subscription_period
        if subscription_period is None:
            return calendar_month(moment)
        if moment < subscription_period.start:
            return None
        if moment < subscription_period.end:
            return subscription_period
        # The renewal has not reached us yet: the next periods follow on from this one.
        length = subscription_period.end - subscription_period.start
        skipped = (moment - subscription_period.end) // length
        start = subscription_period.end + skipped * length
        return Period(start, start + length)

    def current_period(self, now: datetime) -> Period:
        return self.period_for(now) or self.subscription_period or calendar_month(now)


def period_start_sql(*, moment: str, starts: str, ends: str, before_start: str = "NULL") -> str:
    """`CustomerContext.period_for` in SQL, for statements that work out a period themselves:
    the start of the period holding `moment`, given the current subscription period's `starts`
    and `ends` (NULL without a subscription: the calendar month in UTC; the session's time
    zone is UTC). `before_start` is the answer for a moment before the subscription period
    (NULL: the caller finds the earlier period; `starts` gives `current_period`)."""
    return f"""CASE
         WHEN {starts} IS NULL OR {ends} IS NULL THEN date_trunc('month', {moment}, 'UTC')
         WHEN {moment} < {starts} THEN {before_start}
         WHEN {moment} < {ends} THEN {starts}
         ELSE {ends} + ({ends} - {starts}) * floor(
                extract(epoch FROM {moment} - {ends}) / extract(epoch FROM {ends} - {starts}))
       END"""


def period_end_sql(*, start: str, starts: str, ends: str) -> str:
    """The end of the period that starts at `start` (see period_start_sql)."""
    return (
        f"CASE WHEN {starts} IS NULL OR {ends} IS NULL THEN {start} + interval '1 month' "
        f"ELSE {start} + ({ends} - {starts}) END"
    )


def period_before_subscription(
    *, moment: datetime, known: list[Period], subscription: Period
) -> Period:
    """The period of a late event from before the current subscription period: the earlier
    period we already keep usage for that holds it, else its calendar month cut short where the
    subscription period starts."""
    for period in known:
        if moment in period:
            return period
    month = calendar_month(moment)
    return Period(month.start, min(month.end, subscription.start))
