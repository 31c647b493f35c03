"""Single events (POST /v1/usage) under concurrent retries: one statement records each, so
these check what the database must decide: one of several identical events counts, and one of
several requests crossing a quota together opens the grace period."""

import threading
from collections import Counter
from collections.abc import Callable

from django.db import connection
from rest_framework.test import APIClient

from grace.models import GracePeriod, GraceReason
from tests.factories import (
    Tenant,
    customer_make,
    event,
    metric_make,
    subscription_make,
    tenant_make,
)
from usage.models import UsageEvent, UsageRollup


def _concurrently(tenant: Tenant, bodies: list[dict], workers: int = 8) -> list[tuple[int, dict]]:
    answers: list[tuple[int, dict]] = []
    barrier = threading.Barrier(workers)

    def run(share: list[dict]) -> None:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {tenant.raw_key}")
        barrier.wait()
        try:
            for body in share:
                response = client.post("/v1/usage", body, format="json")
                answers.append((response.status_code, response.json()))
        finally:
            connection.close()

    _run_threads([lambda share=bodies[index::workers]: run(share) for index in range(workers)])
    return answers


def _run_threads(targets: list[Callable[[], None]]) -> None:
    threads = [threading.Thread(target=target) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def test_the_same_event_sent_by_8_clients_at_once_counts_once(transactional_db):
    tenant = tenant_make("Concurrent single events")
    metric_make(tenant.client)
    customer = customer_make(tenant.client)

    answers = _concurrently(tenant, [event("retried", quantity=7)] * 8)

    assert Counter(status for status, _ in answers) == {201: 1, 200: 7}
    assert Counter(body["status"] for _, body in answers) == {"accepted": 1, "duplicate": 7}
    assert UsageEvent.objects.for_app(tenant.app).count() == 1
    (rollup,) = UsageRollup.objects.for_app(tenant.app).filter(customer_id=customer["id"])
    assert (rollup.value, rollup.event_count) == (7, 1)


def test_requests_crossing_a_quota_together_open_one_grace_period(transactional_db):
    tenant = tenant_make("Concurrent quota")
    metric_make(tenant.client)
    customer = customer_make(tenant.client)
    subscription_make(tenant.client, customer, quotas={"api_calls": 100})

    answers = _concurrently(tenant, [event(f"e-{number}", quantity=10) for number in range(40)])

    assert Counter(status for status, _ in answers) == {201: 40}
    over_quota = GracePeriod.objects.for_app(tenant.app).filter(reason=GraceReason.OVER_QUOTA)
    assert over_quota.count() == 1
    (rollup,) = UsageRollup.objects.for_app(tenant.app).all()
    assert rollup.value == 400
    assert rollup.over_quota_grace_period_id == over_quota.get().pk
