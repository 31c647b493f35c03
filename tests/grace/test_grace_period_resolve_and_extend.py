from datetime import timedelta

import pytest

from api.errors import ConflictError, InvalidRequestError, NotFoundError
from audit.models import AuditEvent
from grace.models import GraceReason, GraceStatus
from grace.selectors import grace_period_active_for_customer
from grace.services import (
    grace_period_extend,
    grace_period_resolve,
    grace_periods_resolve_for_customer_metric,
    grace_periods_resolve_for_subscription,
)
from tenants.actors import STRIPE, SYSTEM, Actor
from tests.factories import (
    START,
    Tenant,
    customer_record,
    metric_record,
    over_quota_open,
    past_due_subscription_record,
    payment_failed_open,
)

SUPPORT = Actor.staff("support")


def _actions(tenant: Tenant, action_type: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.for_app(tenant.app).filter(action_type=action_type))


def test_an_invoice_paid_resolves_the_subscriptions_period_once(tenant: Tenant):
    subscription = past_due_subscription_record(tenant.app, customer_record(tenant.app))
    grace_period, _ = payment_failed_open(tenant.app, subscription)

    first = grace_periods_resolve_for_subscription(
        app=tenant.app,
        actor=STRIPE,
        subscription=subscription,
        reason=GraceReason.PAYMENT_FAILED,
        note="invoice in_1 paid",
    )
    again = grace_periods_resolve_for_subscription(
        app=tenant.app, actor=STRIPE, subscription=subscription, reason=GraceReason.PAYMENT_FAILED
    )

    assert [resolved.pk for resolved in first] == [grace_period.pk]
    assert again == []
    grace_period.refresh_from_db()
    assert grace_period.status == GraceStatus.RESOLVED
    assert grace_period.resolved_by == "stripe"
    assert grace_period.note == "invoice in_1 paid"
    assert len(_actions(tenant, "RESOLVE_GRACE_PERIOD")) == 1


def test_resolving_for_a_subscription_leaves_its_over_quota_periods_open(tenant: Tenant):
    customer = customer_record(tenant.app)
    subscription = past_due_subscription_record(tenant.app, customer)
    over_quota, _ = over_quota_open(
        tenant.app, customer, metric_record(tenant.app), subscription=subscription
    )

    resolved = grace_periods_resolve_for_subscription(
        app=tenant.app, actor=STRIPE, subscription=subscription, reason=GraceReason.PAYMENT_FAILED
    )

    assert resolved == []
    over_quota.refresh_from_db()
    assert over_quota.status == GraceStatus.ACTIVE


def test_a_plan_upgrade_resolves_the_over_quota_period_of_that_metric_only(tenant: Tenant):
    customer = customer_record(tenant.app)
    api_calls, seats = metric_record(tenant.app, "api_calls"), metric_record(tenant.app, "seats")
    api_calls_period, _ = over_quota_open(tenant.app, customer, api_calls)
    seats_period, _ = over_quota_open(tenant.app, customer, seats)

    resolved = grace_periods_resolve_for_customer_metric(
        app=tenant.app, actor=SYSTEM, customer=customer, metric=api_calls, note="upgraded"
    )
    again = grace_periods_resolve_for_customer_metric(
        app=tenant.app, actor=SYSTEM, customer=customer, metric=api_calls
    )

    assert [grace_period.pk for grace_period in resolved] == [api_calls_period.pk]
    assert again == []
    seats_period.refresh_from_db()
    assert seats_period.status == GraceStatus.ACTIVE


def test_resolve_of_an_unknown_id_raises_not_found(tenant: Tenant):
    with pytest.raises(NotFoundError):
        grace_period_resolve(app=tenant.app, actor=SUPPORT, grace_period_id="gp_missing")


def test_grace_period_extend_moves_the_end_and_records_it(tenant: Tenant):
    grace_period, _ = payment_failed_open(
        tenant.app, past_due_subscription_record(tenant.app, customer_record(tenant.app)), now=START
    )

    extended = grace_period_extend(
        app=tenant.app,
        actor=SUPPORT,
        grace_period_id=grace_period.pk,
        days=5,
        note="Customer asked for time",
        now=START + timedelta(days=1),
    )

    assert extended.ends_at == START + timedelta(days=12)
    assert extended.note == "Customer asked for time"
    assert extended.status == GraceStatus.ACTIVE
    [event] = _actions(tenant, "EXTEND_GRACE_PERIOD")
    assert event.actor_id == "staff:support"
    assert event.payload_snapshot["days"] == 5
    assert event.payload_snapshot["previous_ends_at"] == (START + timedelta(days=7)).isoformat()


def test_extending_a_period_past_its_end_counts_from_now(tenant: Tenant):
    grace_period, _ = payment_failed_open(
        tenant.app, past_due_subscription_record(tenant.app, customer_record(tenant.app)), now=START
    )
    later = START + timedelta(days=9)

    extended = grace_period_extend(
        app=tenant.app,
        actor=SUPPORT,
        grace_period_id=grace_period.pk,
        days=2,
        note="late",
        now=later,
    )

    assert extended.ends_at == later + timedelta(days=2)


def test_a_resolved_period_cannot_be_extended(tenant: Tenant):
    grace_period, _ = payment_failed_open(
        tenant.app, past_due_subscription_record(tenant.app, customer_record(tenant.app))
    )
    grace_period_resolve(app=tenant.app, actor=SUPPORT, grace_period_id=grace_period.pk)

    with pytest.raises(ConflictError) as raised:
        grace_period_extend(
            app=tenant.app, actor=SUPPORT, grace_period_id=grace_period.pk, days=3, note="x"
        )

    assert raised.value.code == "grace_period_not_active"
    assert _actions(tenant, "EXTEND_GRACE_PERIOD") == []


def test_extend_needs_a_positive_number_of_days(tenant: Tenant):
    grace_period, _ = payment_failed_open(
        tenant.app, past_due_subscription_record(tenant.app, customer_record(tenant.app))
    )

    with pytest.raises(InvalidRequestError) as raised:
        grace_period_extend(
            app=tenant.app, actor=SUPPORT, grace_period_id=grace_period.pk, days=0, note="x"
        )

    assert raised.value.param == "days"


def test_another_apps_period_cannot_be_extended(tenant: Tenant, other_tenant: Tenant):
    theirs, _ = payment_failed_open(
        other_tenant.app,
        past_due_subscription_record(other_tenant.app, customer_record(other_tenant.app)),
    )

    with pytest.raises(NotFoundError):
        grace_period_extend(
            app=tenant.app, actor=SUPPORT, grace_period_id=theirs.pk, days=3, note="x"
        )


def test_active_for_customer_prefers_the_metrics_own_period(tenant: Tenant):
    customer = customer_record(tenant.app)
    api_calls, seats = metric_record(tenant.app, "api_calls"), metric_record(tenant.app, "seats")
    payment_failed, _ = payment_failed_open(
        tenant.app, past_due_subscription_record(tenant.app, customer), grace_period_days=1
    )
    api_calls_period, _ = over_quota_open(tenant.app, customer, api_calls)

    assert grace_period_active_for_customer(app=tenant.app, customer=customer) == payment_failed
    assert (
        grace_period_active_for_customer(app=tenant.app, customer=customer, metric=api_calls)
        == api_calls_period
    )
    assert (
        grace_period_active_for_customer(app=tenant.app, customer=customer, metric=seats)
        == payment_failed
    )


def test_active_for_customer_is_none_once_resolved(tenant: Tenant):
    customer = customer_record(tenant.app)
    grace_period, _ = over_quota_open(tenant.app, customer, metric_record(tenant.app))
    grace_period_resolve(app=tenant.app, actor=SUPPORT, grace_period_id=grace_period.pk)

    assert grace_period_active_for_customer(app=tenant.app, customer=customer) is None
