import threading
from datetime import timedelta

import pytest
from django.db import connection

from api.errors import InvalidRequestError
from audit.models import AuditEvent
from grace.models import GracePeriod, GraceReason, GraceStatus
from grace.services import grace_period_open
from notifications.models import AppEvent
from tenants.actors import STRIPE
from tests.factories import (
    START,
    Tenant,
    customer_record,
    metric_record,
    over_quota_open,
    past_due_subscription_record,
    payment_failed_open,
)


def _open_events(tenant: Tenant) -> list[AuditEvent]:
    return list(AuditEvent.objects.for_app(tenant.app).filter(action_type="OPEN_GRACE_PERIOD"))


def test_grace_period_open_uses_the_plans_grace_period_days(tenant: Tenant):
    subscription = past_due_subscription_record(
        tenant.app, customer_record(tenant.app), grace_period_days=3
    )

    grace_period, created = payment_failed_open(tenant.app, subscription, now=START)

    assert created is True
    assert grace_period.pk.startswith("gp_")
    assert grace_period.status == GraceStatus.ACTIVE
    assert grace_period.starts_at == START
    assert grace_period.ends_at == START + timedelta(days=3)


def test_grace_period_open_defaults_to_seven_days_without_a_subscription(tenant: Tenant):
    customer = customer_record(tenant.app)

    grace_period, _ = over_quota_open(tenant.app, customer, metric_record(tenant.app), now=START)

    assert grace_period.ends_at == START + timedelta(days=7)


def test_grace_period_open_takes_explicit_days_over_the_plans(tenant: Tenant):
    subscription = past_due_subscription_record(
        tenant.app, customer_record(tenant.app), grace_period_days=3
    )

    grace_period, _ = payment_failed_open(tenant.app, subscription, grace_period_days=14, now=START)

    assert grace_period.ends_at == START + timedelta(days=14)


def test_grace_period_open_records_one_audit_event(tenant: Tenant):
    subscription = past_due_subscription_record(tenant.app, customer_record(tenant.app))

    grace_period, _ = payment_failed_open(tenant.app, subscription, source_reference="in_1")

    events = _open_events(tenant)
    assert len(events) == 1
    assert events[0].target_type == "grace_period"
    assert events[0].target_id == grace_period.pk
    assert events[0].actor_id == "stripe"
    assert events[0].payload_snapshot["source_reference"] == "in_1"
    assert events[0].payload_snapshot["reason"] == "payment_failed"


def test_grace_period_open_twice_returns_the_open_one_and_writes_nothing(tenant: Tenant):
    subscription = past_due_subscription_record(tenant.app, customer_record(tenant.app))
    first, first_created = payment_failed_open(tenant.app, subscription, source_reference="in_1")

    second, second_created = payment_failed_open(tenant.app, subscription, source_reference="in_2")

    assert (first_created, second_created) == (True, False)
    assert second.pk == first.pk
    assert GracePeriod.objects.for_app(tenant.app).count() == 1
    assert len(_open_events(tenant)) == 1


def test_grace_period_open_is_idempotent_per_customer_and_metric(tenant: Tenant):
    customer = customer_record(tenant.app)
    api_calls, seats = metric_record(tenant.app, "api_calls"), metric_record(tenant.app, "seats")
    first, _ = over_quota_open(tenant.app, customer, api_calls)

    again, again_created = over_quota_open(tenant.app, customer, api_calls)
    other, other_created = over_quota_open(tenant.app, customer, seats)

    assert (again.pk, again_created) == (first.pk, False)
    assert other_created is True
    assert other.pk != first.pk
    assert len(_open_events(tenant)) == 2


def test_a_replayed_webhook_opens_nothing_even_after_the_period_was_resolved(tenant: Tenant):
    subscription = past_due_subscription_record(tenant.app, customer_record(tenant.app))
    first, _ = payment_failed_open(tenant.app, subscription, source_reference="in_1")
    tenant.client.post(f"/v1/grace-periods/{first.pk}/resolve", {}, format="json")

    replayed, created = payment_failed_open(tenant.app, subscription, source_reference="in_1")

    assert created is False
    assert replayed.pk == first.pk
    assert replayed.status == GraceStatus.RESOLVED
    assert GracePeriod.objects.for_app(tenant.app).count() == 1
    assert len(_open_events(tenant)) == 1


def test_a_new_failure_after_resolution_opens_a_new_period(tenant: Tenant):
    subscription = past_due_subscription_record(tenant.app, customer_record(tenant.app))
    first, _ = payment_failed_open(tenant.app, subscription, source_reference="in_1")
    tenant.client.post(f"/v1/grace-periods/{first.pk}/resolve", {}, format="json")

    second, created = payment_failed_open(tenant.app, subscription, source_reference="in_2")

    assert created is True
    assert second.pk != first.pk


def test_a_failed_payment_without_a_subscription_opens_one_period_per_customer(tenant: Tenant):
    customer = customer_record(tenant.app)

    results = [
        grace_period_open(
            app=tenant.app, actor=STRIPE, customer=customer, reason=GraceReason.PAYMENT_FAILED
        )
        for _ in range(2)
    ]

    assert [created for _, created in results] == [True, False]
    assert results[0][0].pk == results[1][0].pk


def test_grace_period_open_refuses_another_apps_customer(tenant: Tenant, other_tenant: Tenant):
    theirs = customer_record(other_tenant.app)

    with pytest.raises(InvalidRequestError) as raised:
        grace_period_open(
            app=tenant.app, actor=STRIPE, customer=theirs, reason=GraceReason.PAYMENT_FAILED
        )

    assert raised.value.param == "customer"
    assert GracePeriod.objects.all_tenants().count() == 0


def test_over_quota_needs_a_metric(tenant: Tenant):
    customer = customer_record(tenant.app)

    with pytest.raises(InvalidRequestError) as raised:
        grace_period_open(
            app=tenant.app, actor=STRIPE, customer=customer, reason=GraceReason.OVER_QUOTA
        )

    assert raised.value.param == "metric"


def test_grace_period_open_refuses_a_subscription_of_another_customer(tenant: Tenant):
    subscription = past_due_subscription_record(tenant.app, customer_record(tenant.app, "user-1"))
    stranger = customer_record(tenant.app, "user-2")

    with pytest.raises(InvalidRequestError) as raised:
        grace_period_open(
            app=tenant.app,
            actor=STRIPE,
            customer=stranger,
            reason=GraceReason.PAYMENT_FAILED,
            subscription=subscription,
        )

    assert raised.value.param == "subscription"


@pytest.mark.django_db(transaction=True)
def test_concurrent_opens_make_one_period_and_one_audit_event(tenant: Tenant):
    subscription = past_due_subscription_record(tenant.app, customer_record(tenant.app))
    workers = 8
    start_together = threading.Barrier(workers)
    results: list[tuple[str, bool]] = []
    errors: list[BaseException] = []

    def open_from_a_webhook(index: int) -> None:
        try:
            start_together.wait()
            grace_period, created = payment_failed_open(
                tenant.app, subscription, source_reference=f"evt_{index}"
            )
            results.append((grace_period.pk, created))
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=open_from_a_webhook, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(results) == workers
    assert len({pk for pk, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    assert GracePeriod.objects.for_app(tenant.app).count() == 1
    assert len(_open_events(tenant)) == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_replays_of_one_webhook_make_one_period(tenant: Tenant):
    customer = customer_record(tenant.app)
    workers = 6
    start_together = threading.Barrier(workers)
    results: list[tuple[str, bool]] = []
    errors: list[BaseException] = []

    def replay(index: int) -> None:
        try:
            start_together.wait()
            # Each delivery names a different metric, so only the reference can dedupe them.
            grace_period, created = over_quota_open(
                tenant.app, customer, metrics[index], source_reference="usage_evt_1"
            )
            results.append((grace_period.pk, created))
        except BaseException as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    metrics = [metric_record(tenant.app, f"metric_{index}") for index in range(workers)]
    threads = [threading.Thread(target=replay, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len({pk for pk, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    assert GracePeriod.objects.for_app(tenant.app).count() == 1


def test_each_transition_is_published_to_the_apps_webhooks(tenant: Tenant):
    subscription = past_due_subscription_record(tenant.app, customer_record(tenant.app))

    grace_period, _ = payment_failed_open(tenant.app, subscription)
    payment_failed_open(tenant.app, subscription)
    tenant.client.post(f"/v1/grace-periods/{grace_period.pk}/resolve", {}, format="json")

    published = [
        (event.app_id, event.event_type, event.data)
        for event in AppEvent.objects.for_app(tenant.app)
        .filter(event_type__startswith="grace_period.")
        .order_by("created_at", "pk")
    ]
    assert [(app_id, event_type) for app_id, event_type, _ in published] == [
        (tenant.app.pk, "grace_period.opened"),
        (tenant.app.pk, "grace_period.resolved"),
    ]
    assert published[0][2]["id"] == grace_period.pk
    assert published[0][2]["object"] == "grace_period"
    assert published[1][2]["status"] == "resolved"
