import threading
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, ManagementUtility, call_command
from django.db import connection

from audit.models import AuditEvent
from grace.models import GracePeriod, GraceStatus
from grace.tasks import grace_periods_expire as grace_periods_expire_task
from tests.factories import (
    START,
    Tenant,
    customer_record,
    metric_record,
    over_quota_open,
    past_due_subscription_record,
    payment_failed_open,
)


def _expire_as_of(moment: str) -> str:
    output = StringIO()
    call_command("expire_grace_periods", "--as-of", moment, stdout=output)
    return output.getvalue()


def test_expire_grace_periods_expires_the_due_ones_and_leaves_the_rest(
    tenant: Tenant, other_tenant: Tenant
):
    customer = customer_record(tenant.app)
    due, _ = payment_failed_open(
        tenant.app,
        past_due_subscription_record(tenant.app, customer),
        grace_period_days=3,
        now=START,
    )
    not_yet_due, _ = over_quota_open(
        tenant.app, customer, metric_record(tenant.app), grace_period_days=10, now=START
    )
    theirs_due, _ = payment_failed_open(
        other_tenant.app,
        past_due_subscription_record(other_tenant.app, customer_record(other_tenant.app)),
        grace_period_days=1,
        now=START,
    )

    output = _expire_as_of("2026-03-06T09:00:00Z")

    assert "Expired 2 grace period(s)" in output
    statuses = {
        grace_period.pk: grace_period.status for grace_period in GracePeriod.objects.all_tenants()
    }
    assert statuses == {
        due.pk: GraceStatus.EXPIRED,
        not_yet_due.pk: GraceStatus.ACTIVE,
        theirs_due.pk: GraceStatus.EXPIRED,
    }
    event = AuditEvent.objects.for_app(tenant.app).get(action_type="EXPIRE_GRACE_PERIOD")
    assert event.target_type == "grace_period"
    assert event.target_id == due.pk
    assert (event.actor_type, event.actor_id) == ("system", "system")
    assert event.payload_snapshot["status"] == "expired"


def test_a_period_expires_exactly_at_its_end(tenant: Tenant):
    grace_period, _ = payment_failed_open(
        tenant.app,
        past_due_subscription_record(tenant.app, customer_record(tenant.app)),
        grace_period_days=7,
        now=START,
    )

    before = _expire_as_of("2026-03-08T08:59:59Z")
    at_the_end = _expire_as_of("2026-03-08T09:00:00+00:00")

    assert "Expired 0" in before
    assert "Expired 1" in at_the_end
    grace_period.refresh_from_db()
    assert grace_period.status == GraceStatus.EXPIRED


def test_expire_twice_expires_once(tenant: Tenant):
    payment_failed_open(
        tenant.app,
        past_due_subscription_record(tenant.app, customer_record(tenant.app)),
        grace_period_days=1,
        now=START,
    )

    first = _expire_as_of("2026-04-01T00:00:00Z")
    second = _expire_as_of("2026-04-01T00:00:00Z")

    assert "Expired 1" in first
    assert "Expired 0" in second
    assert (
        AuditEvent.objects.for_app(tenant.app).filter(action_type="EXPIRE_GRACE_PERIOD").count()
        == 1
    )


def test_an_expired_period_cannot_be_resolved(tenant: Tenant):
    grace_period, _ = payment_failed_open(
        tenant.app,
        past_due_subscription_record(tenant.app, customer_record(tenant.app)),
        grace_period_days=1,
        now=START,
    )
    _expire_as_of("2026-04-01T00:00:00Z")

    response = tenant.client.post(f"/v1/grace-periods/{grace_period.pk}/resolve", {}, format="json")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "grace_period_not_active"


def test_an_as_of_without_an_offset_is_utc(tenant: Tenant):
    payment_failed_open(
        tenant.app,
        past_due_subscription_record(tenant.app, customer_record(tenant.app)),
        grace_period_days=1,
        now=START,
    )

    output = _expire_as_of("2026-03-02T09:00:00")

    assert "Expired 1 grace period(s) as of 2026-03-02T09:00:00+00:00" in output


@pytest.mark.parametrize("bad", ["yesterday", "2026-13-01T00:00:00Z", "2026-02-30", ""])
def test_a_bad_as_of_fails_clearly_and_expires_nothing(tenant: Tenant, bad: str):
    grace_period, _ = payment_failed_open(
        tenant.app,
        past_due_subscription_record(tenant.app, customer_record(tenant.app)),
        grace_period_days=0,
        now=START,
    )

    with pytest.raises(CommandError, match="--as-of must be an ISO 8601 timestamp"):
        _expire_as_of(bad)

    grace_period.refresh_from_db()
    assert grace_period.status == GraceStatus.ACTIVE


def test_a_bad_as_of_exits_non_zero_from_the_command_line(capsys):
    command_line = ManagementUtility(
        ["manage.py", "expire_grace_periods", "--as-of", "soon", "--skip-checks"]
    )

    with pytest.raises(SystemExit) as exited:
        command_line.execute()

    assert exited.value.code != 0
    assert "--as-of must be an ISO 8601 timestamp" in capsys.readouterr().err


def test_the_scheduled_task_expires_due_periods(tenant: Tenant):
    grace_period, _ = payment_failed_open(
        tenant.app,
        past_due_subscription_record(tenant.app, customer_record(tenant.app)),
        grace_period_days=0,
        now=START,
    )

    expired = grace_periods_expire_task.delay().get()

    assert expired == 1
    grace_period.refresh_from_db()
    assert grace_period.status == GraceStatus.EXPIRED


def test_the_task_is_scheduled_every_minute():
    entries = [
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == grace_periods_expire_task.name
    ]

    assert grace_periods_expire_task.name == "grace.tasks.grace_periods_expire"
    assert [entry["schedule"] for entry in entries] == [60.0]


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_expire_each_period_exactly_once(tenant: Tenant):
    customer = customer_record(tenant.app)
    total = 230
    for index in range(total):
        over_quota_open(
            tenant.app,
            customer,
            metric_record(tenant.app, f"metric_{index}"),
            grace_period_days=1,
            now=START,
        )
    start_together = threading.Barrier(2)
    counts: list[int] = []
    errors: list[BaseException] = []

    def sweep() -> None:
        try:
            start_together.wait()
            output = StringIO()
            call_command("expire_grace_periods", "--as-of", "2026-04-01T00:00:00Z", stdout=output)
            counts.append(int(output.getvalue().split()[1]))
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=sweep) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert errors == []
    assert sum(counts) == total
    assert (
        GracePeriod.objects.for_app(tenant.app).filter(status=GraceStatus.EXPIRED).count() == total
    )
    expiries = AuditEvent.objects.for_app(tenant.app).filter(action_type="EXPIRE_GRACE_PERIOD")
    assert expiries.count() == total
    assert expiries.values("target_id").distinct().count() == total
