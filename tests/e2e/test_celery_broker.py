"""One task through the real broker: a Celery worker started in this process consumes from the
Redis at REDIS_URL what a service enqueued, as `celery -A config worker` would in production.
Everywhere else the suite runs tasks eagerly."""

import time
from collections.abc import Iterator
from typing import Any

import pytest
from celery.contrib.testing.worker import start_worker
from celery.worker import state as worker_state
from django.conf import settings as django_settings
from django.db import connections

from audit.models import AuditEvent
from billing.models import Subscription
from billing.providers.pending import SyncState
from config.celery import app as celery_app
from stripe_emulator.server import EmulatorServer
from tests.factories import (
    Tenant,
    customer_make,
    plan_make,
    stripe_subscriptions,
    subscribe,
)

pytestmark = [
    pytest.mark.broker,
    pytest.mark.skipif(
        not django_settings.REDIS_URL,
        reason="REDIS_URL is not set: the end-to-end Celery test needs a real Redis broker",
    ),
]

RETRY_TASK = "billing.tasks.subscription_complete_pending"


@pytest.fixture
def redis_worker(settings: Any, transactional_db: Any) -> Iterator[Any]:
    """A worker thread consuming from Redis; tasks are sent to the broker, not run eagerly."""
    settings.SUBSCRIPTION_RETRY_COUNTDOWN_SECONDS = 0
    was_eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()  # nothing left over from an earlier run
    try:
        with start_worker(
            celery_app, pool="solo", perform_ping_check=False, loglevel="WARNING"
        ) as worker:
            yield worker
    finally:
        celery_app.conf.task_always_eager = was_eager
        connections.close_all()


def _wait_for(condition: Any, timeout_seconds: float = 30) -> bool:
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_the_retry_a_502_enqueues_runs_in_a_worker_through_redis(
    tenant: Tenant, stripe: EmulatorServer, redis_worker: Any
):
    plan = plan_make(tenant.client, trial_period_days=7)
    customer = customer_make(tenant.client)
    processed_before = worker_state.total_count.get(RETRY_TASK, 0)
    # Every attempt of one provider call fails (the SDK tries three times), then Stripe is back.
    stripe.set_faults(status=500, count=3, path_prefix="/v1/subscriptions")

    response = subscribe(tenant.client, customer, plan)

    assert response.status_code == 502
    assert celery_app.conf.broker_url.startswith("redis://")
    assert _wait_for(
        lambda: Subscription.objects.for_app(tenant.app).get().sync_state == SyncState.SYNCED
    ), "the worker did not complete the pending subscription"
    subscription = Subscription.objects.for_app(tenant.app).get()
    assert subscription.status == "trialing"
    assert worker_state.total_count.get(RETRY_TASK, 0) == processed_before + 1
    assert len(stripe_subscriptions(stripe)) == 1
    completed_by = AuditEvent.objects.for_app(tenant.app).get(action_type="SYNC_SUBSCRIPTION")
    assert completed_by.actor_id == "system"
