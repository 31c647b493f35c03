"""Grace periods: opened when a payment fails or a customer goes over quota, closed when the
money arrives or the quota is lifted (resolved), or when time runs out (expired).

Callers are Stripe webhook handlers (which see every event at least twice, out of order), the
usage pipeline, the API, the admin and the periodic sweep, so every service here is idempotent
and lets the database constraints, not a read-then-write, decide who wins a race."""

from datetime import datetime, timedelta
from typing import Any, TypedDict

from django.db import IntegrityError, transaction
from django.utils import timezone

from api.errors import ConflictError, InvalidRequestError, NotFoundError
from audit.services import audit_event_record
from billing.clocks import customer_time, customers_on_test_clocks
from billing.models import Customer, Subscription
from catalog.models import Metric
from grace.audit_actions import GraceAuditAction
from grace.errors import GraceErrorCode
from grace.models import GracePeriod, GraceReason, GraceStatus
from grace.serializers import grace_period_data
from notifications.event_types import AppEventType
from notifications.services import app_event_publish
from tenants.actors import SYSTEM, Actor
from tenants.models import App
from tenants.scoping import TenantScopedQuerySet

DEFAULT_GRACE_PERIOD_DAYS = 7
# Small batches keep each sweep transaction short, so its row locks never block an API resolve
# for long.
EXPIRY_BATCH_SIZE = 100

TARGET_TYPE = "grace_period"


def _publish(*, grace_period: GracePeriod, event_type: AppEventType) -> None:
    """Tells the app through its outbound webhooks. The notifications app stores the event in
    this transaction and delivers it on commit."""
    app_event_publish(
        app=grace_period.app, event_type=event_type, data=grace_period_data(grace_period)
    )


def _record(
    *,
    grace_period: GracePeriod,
    actor: Actor,
    action_type: GraceAuditAction,
    payload_snapshot: dict[str, Any] | None = None,
) -> None:
    audit_event_record(
        app=grace_period.app,
        actor=actor,
        action_type=action_type,
        target_type=TARGET_TYPE,
        target_id=grace_period.pk,
        payload_snapshot=payload_snapshot or grace_period_data(grace_period),
    )


def _check_belongs_to_app(*, app: App, name: str, instance: Any) -> None:
    if instance is not None and instance.app_id != app.pk:
        raise InvalidRequestError(f"The {name} belongs to another app.", param=name)


def _validate_open(
    *,
    app: App,
    customer: Customer,
    reason: str,
    subscription: Subscription | None,
    metric: Metric | None,
    grace_period_days: int | None,
) -> None:
    if reason not in GraceReason.values:
        raise InvalidRequestError(
            f"reason must be one of {', '.join(GraceReason.values)}.", param="reason"
        )
    if reason == GraceReason.OVER_QUOTA and metric is None:
        raise InvalidRequestError("An over_quota grace period needs a metric.", param="metric")
    if reason == GraceReason.PAYMENT_FAILED and metric is not None:
        raise InvalidRequestError(
            "A payment_failed grace period is not about a metric.", param="metric"
        )
    for name, instance in (
        ("customer", customer),
        ("subscription", subscription),
        ("metric", metric),
    ):
        _check_belongs_to_app(app=app, name=name, instance=instance)
    if subscription is not None and subscription.customer_id != customer.pk:
        raise InvalidRequestError(
            "The subscription belongs to another customer.", param="subscription"
        )
    if grace_period_days is not None and (
        isinstance(grace_period_days, bool)
        or not isinstance(grace_period_days, int)
        or grace_period_days < 0
    ):
        raise InvalidRequestError(
            "grace_period_days must be a non-negative integer.", param="grace_period_days"
        )


def _active_for_subject(
    *,
    app: App,
    customer: Customer,
    reason: str,
    subscription: Subscription | None,
    metric: Metric | None,
) -> GracePeriod | None:
    """The active period for the same subject, as the partial unique constraints define it."""
    active = GracePeriod.objects.for_app(app).filter(status=GraceStatus.ACTIVE)
    if metric is not None:
        return active.filter(customer=customer, metric=metric).first()
    if subscription is not None:
        return active.filter(subscription=subscription, reason=reason, metric__isnull=True).first()
    return active.filter(
        customer=customer, reason=reason, subscription__isnull=True, metric__isnull=True
    ).first()


class _GraceSubject(TypedDict):
    """What identifies one grace period: at most one is active per subject."""

    app: App
    customer: Customer
    reason: str
    subscription: Subscription | None
    metric: Metric | None
    source_reference: str


def _existing(
    *,
    app: App,
    customer: Customer,
    reason: str,
    subscription: Subscription | None,
    metric: Metric | None,
    source_reference: str,
) -> GracePeriod | None:
    if source_reference:
        replayed = (
            GracePeriod.objects.for_app(app).filter(source_reference=source_reference).first()
        )
        if replayed is not None:
            return replayed
    return _active_for_subject(
        app=app, customer=customer, reason=reason, subscription=subscription, metric=metric
    )


def grace_period_open(
    *,
    app: App,
    actor: Actor,
    customer: Customer,
    reason: str,
    subscription: Subscription | None = None,
    metric: Metric | None = None,
    grace_period_days: int | None = None,
    source_reference: str = "",
    now: datetime | None = None,
) -> tuple[GracePeriod, bool]:
    """Opens a grace period, or returns the one already open for the same subject (the
    subscription and reason; the customer and metric for over_quota; the customer and reason
    when there is neither) with `created=False`, writing nothing.

    `source_reference` names what opened it (the provider's invoice id, the usage event id):
    a period with the same reference, in any status, is returned as it is, so a replayed webhook
    opens nothing new. It must therefore identify one opening, unique within the app.

    `grace_period_days` defaults to the subscription's plan's, else 7.
    """
    _validate_open(
        app=app,
        customer=customer,
        reason=reason,
        subscription=subscription,
        metric=metric,
        grace_period_days=grace_period_days,
    )
    subject: _GraceSubject = {
        "app": app,
        "customer": customer,
        "reason": reason,
        "subscription": subscription,
        "metric": metric,
        "source_reference": source_reference,
    }
    if grace_period_days is None:
        grace_period_days = (
            subscription.plan.grace_period_days
            if subscription is not None
            else DEFAULT_GRACE_PERIOD_DAYS
        )
    # A customer on a test clock lives at the clock's time.
    starts_at = now or customer_time(customer=customer)
    with transaction.atomic():
        existing = _existing(**subject)
        if existing is not None:
            return existing, False
        try:
            # A savepoint: losing the race to a concurrent open must not poison the caller's
            # transaction (a webhook handler's, say).
            with transaction.atomic():
                grace_period = GracePeriod.objects.create(
                    **subject,
                    status=GraceStatus.ACTIVE,
                    starts_at=starts_at,
                    ends_at=starts_at + timedelta(days=grace_period_days),
                )
        except IntegrityError:
            existing = _existing(**subject)
            if existing is None:
                raise
            return existing, False
        _record(
            grace_period=grace_period,
            actor=actor,
            action_type=GraceAuditAction.OPEN_GRACE_PERIOD,
            payload_snapshot={
                **grace_period_data(grace_period),
                "grace_period_days": grace_period_days,
                "source_reference": source_reference,
            },
        )
        _publish(grace_period=grace_period, event_type=AppEventType.GRACE_PERIOD_OPENED)
    return grace_period, True


def _resolve(*, grace_period: GracePeriod, actor: Actor, note: str, now: datetime) -> None:
    grace_period.status = GraceStatus.RESOLVED
    grace_period.resolved_at = now
    grace_period.resolved_by = actor.id
    grace_period.note = note
    grace_period.save(update_fields=["status", "resolved_at", "resolved_by", "note", "updated_at"])
    _record(
        grace_period=grace_period, actor=actor, action_type=GraceAuditAction.RESOLVE_GRACE_PERIOD
    )
    _publish(grace_period=grace_period, event_type=AppEventType.GRACE_PERIOD_RESOLVED)


def _locked(*, app: App, grace_period_id: str) -> GracePeriod:
    grace_period = (
        GracePeriod.objects.for_app(app)
        .select_for_update(of=("self",))
        .select_related("metric")
        .filter(pk=grace_period_id)
        .first()
    )
    if grace_period is None:
        raise NotFoundError("grace period")
    return grace_period


def _not_active(grace_period: GracePeriod) -> ConflictError:
    return ConflictError(
        f"The grace period is {grace_period.status}, not active.",
        code=GraceErrorCode.GRACE_PERIOD_NOT_ACTIVE,
    )


def grace_period_resolve(
    *,
    app: App,
    actor: Actor,
    grace_period_id: str,
    note: str = "",
    now: datetime | None = None,
) -> GracePeriod:
    """active → resolved. A period that is no longer active answers 409 grace_period_not_active."""
    with transaction.atomic():
        grace_period = _locked(app=app, grace_period_id=grace_period_id)
        if grace_period.status != GraceStatus.ACTIVE:
            raise _not_active(grace_period)
        _resolve(grace_period=grace_period, actor=actor, note=note, now=now or timezone.now())
    return grace_period


def _resolve_all(
    *, active: TenantScopedQuerySet[GracePeriod], actor: Actor, note: str, now: datetime | None
) -> list[GracePeriod]:
    resolved_at = now or timezone.now()
    with transaction.atomic():
        # Waits for a concurrent sweep or resolve; the rows it changed no longer match.
        grace_periods = list(
            active.filter(status=GraceStatus.ACTIVE)
            .select_for_update(of=("self",))
            .select_related("metric")
            .order_by("pk")
        )
        for grace_period in grace_periods:
            _resolve(grace_period=grace_period, actor=actor, note=note, now=resolved_at)
    return grace_periods


def grace_periods_resolve_for_subscription(
    *,
    app: App,
    actor: Actor,
    subscription: Subscription,
    reason: str,
    note: str = "",
    now: datetime | None = None,
) -> list[GracePeriod]:
    """Resolves the subscription's active periods for `reason` (e.g. when its invoice is paid).
    Idempotent: with none active, resolves nothing and returns []."""
    return _resolve_all(
        active=GracePeriod.objects.for_app(app).filter(
            subscription=subscription, reason=reason, metric__isnull=True
        ),
        actor=actor,
        note=note,
        now=now,
    )


def grace_periods_resolve_for_customer_metric(
    *,
    app: App,
    actor: Actor,
    customer: Customer,
    metric: Metric,
    note: str = "",
    now: datetime | None = None,
) -> list[GracePeriod]:
    """Resolves the customer's active over-quota period for `metric` (e.g. after a plan upgrade
    or when a new billing period starts). Idempotent: with none active, returns []."""
    return _resolve_all(
        active=GracePeriod.objects.for_app(app).filter(customer=customer, metric=metric),
        actor=actor,
        note=note,
        now=now,
    )


def grace_period_extend(
    *,
    app: App,
    actor: Actor,
    grace_period_id: str,
    days: int,
    note: str,
    now: datetime | None = None,
) -> GracePeriod:
    """Staff give an active period `days` more, counted from its end, or from now if the end has
    passed and the sweep has not run yet (otherwise the extension could already be over)."""
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise InvalidRequestError("days must be a positive integer.", param="days")
    with transaction.atomic():
        grace_period = _locked(app=app, grace_period_id=grace_period_id)
        if grace_period.status != GraceStatus.ACTIVE:
            raise _not_active(grace_period)
        previous_ends_at = grace_period.ends_at
        grace_period.ends_at = max(previous_ends_at, now or timezone.now()) + timedelta(days=days)
        if note:
            grace_period.note = note
        grace_period.save(update_fields=["ends_at", "note", "updated_at"])
        _record(
            grace_period=grace_period,
            actor=actor,
            action_type=GraceAuditAction.EXTEND_GRACE_PERIOD,
            payload_snapshot={
                **grace_period_data(grace_period),
                "days": days,
                "previous_ends_at": previous_ends_at.isoformat(),
            },
        )
    return grace_period


def _expire_batch(*, now: datetime, test_clock_id: str | None) -> int:
    due = GracePeriod.objects.all_tenants().filter(status=GraceStatus.ACTIVE, ends_at__lte=now)
    # Real time moves every customer but those on a test clock; a clock moves only its own.
    if test_clock_id is None:
        due = due.exclude(customer__in=customers_on_test_clocks())
    else:
        due = due.filter(customer__in=customers_on_test_clocks(test_clock_id=test_clock_id))
    with transaction.atomic():
        # skip_locked: two workers sweeping at once each take different rows, and a row an API
        # call is resolving right now is left to that call.
        grace_periods = list(
            due.select_for_update(skip_locked=True, of=("self",))
            .select_related("app", "metric")
            .order_by("ends_at", "pk")[:EXPIRY_BATCH_SIZE]
        )
        for grace_period in grace_periods:
            grace_period.status = GraceStatus.EXPIRED
            grace_period.save(update_fields=["status", "updated_at"])
            _record(
                grace_period=grace_period,
                actor=SYSTEM,
                action_type=GraceAuditAction.EXPIRE_GRACE_PERIOD,
            )
            _publish(grace_period=grace_period, event_type=AppEventType.GRACE_PERIOD_EXPIRED)
    return len(grace_periods)


def grace_periods_expire(*, now: datetime | None = None, test_clock_id: str | None = None) -> int:
    """The sweep, across every app: each active period whose end has come (`ends_at <= now`)
    becomes expired, with its own audit event. Returns how many this call expired. Customers on
    a test clock are left to their clock: with `test_clock_id`, only that clock's customers'
    periods are swept, `now` being the clock's time."""
    now = now or timezone.now()
    expired = 0
    while True:
        batch = _expire_batch(now=now, test_clock_id=test_clock_id)
        expired += batch
        if batch < EXPIRY_BATCH_SIZE:
            return expired
