"""Usage totals per customer, metric and billing period, read from the rollups through
GET /v1/customers/{id}/usage."""

import random
import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from rest_framework.test import APIClient

from tests.factories import (
    Tenant,
    customer_make,
    event,
    metric_make,
    now_utc,
    subscription_make,
)
from usage.models import UsageEvent, UsageRollup
from usage.periods import calendar_month
from usage.sync import usage_reconcile, usage_sync


def _usage(api: APIClient, customer_id: str, query: str = "") -> dict:
    response = api.get(f"/v1/customers/{customer_id}/usage{query}")
    assert response.status_code == 200, response.content
    return response.json()


def _total(api: APIClient, customer_id: str, metric: str) -> int:
    data = _usage(api, customer_id, f"?metric={metric}")["data"]
    return data[0]["total"] if data else 0


def _send(api: APIClient, events: list[dict]) -> dict:
    response = api.post("/v1/usage/batch", {"events": events}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def test_a_sum_metric_adds_the_quantities(tenant: Tenant):
    metric_make(tenant.client, "api_calls", aggregation="sum")
    customer = customer_make(tenant.client)

    _send(tenant.client, [event("a", quantity=3), event("b", quantity=4)])
    tenant.client.post("/v1/usage", event("c", quantity=5), format="json")

    assert _total(tenant.client, customer["id"], "api_calls") == 12


def test_a_count_metric_counts_the_events_whatever_their_quantity(tenant: Tenant):
    metric_make(tenant.client, "logins", aggregation="count")
    customer = customer_make(tenant.client)

    _send(tenant.client, [event("a", metric="logins", quantity=30), event("b", metric="logins")])
    tenant.client.post("/v1/usage", event("c", metric="logins", quantity=0), format="json")

    assert _total(tenant.client, customer["id"], "logins") == 3


def test_a_last_metric_keeps_the_newest_events_value_whatever_the_arrival_order(
    tenant: Tenant,
):
    metric_make(tenant.client, "seats", aggregation="last")
    customer = customer_make(tenant.client)
    now = now_utc()

    tenant.client.post(
        "/v1/usage",
        event("newest", metric="seats", quantity=7, timestamp=now - timedelta(minutes=1)),
        format="json",
    )
    _send(
        tenant.client,
        [
            event("older", metric="seats", quantity=50, timestamp=now - timedelta(minutes=30)),
            event("oldest", metric="seats", quantity=90, timestamp=now - timedelta(minutes=40)),
        ],
    )

    assert _total(tenant.client, customer["id"], "seats") == 7


def test_a_last_metric_takes_the_newest_event_within_a_batch(tenant: Tenant):
    metric_make(tenant.client, "seats", aggregation="last")
    customer = customer_make(tenant.client)
    now = now_utc()

    _send(
        tenant.client,
        [
            event("b", metric="seats", quantity=12, timestamp=now - timedelta(minutes=1)),
            event("a", metric="seats", quantity=3, timestamp=now - timedelta(minutes=9)),
        ],
    )

    assert _total(tenant.client, customer["id"], "seats") == 12


def test_usage_is_kept_per_customer_and_metric(tenant: Tenant):
    metric_make(tenant.client, "api_calls")
    metric_make(tenant.client, "storage_mb")
    ada = customer_make(tenant.client, external_id="ada")
    bob = customer_make(tenant.client, external_id="bob")

    _send(
        tenant.client,
        [
            event("1", customer="ada", quantity=1),
            event("2", customer="ada", metric="storage_mb", quantity=100),
            event("3", customer="bob", quantity=10),
        ],
    )

    assert _total(tenant.client, ada["id"], "api_calls") == 1
    assert _total(tenant.client, ada["id"], "storage_mb") == 100
    assert _total(tenant.client, bob["id"], "api_calls") == 10
    assert _total(tenant.client, bob["id"], "storage_mb") == 0


def test_without_a_subscription_the_period_is_the_calendar_month(tenant: Tenant):
    metric_make(tenant.client)
    customer = customer_make(tenant.client)
    month = calendar_month(now_utc())

    tenant.client.post("/v1/usage", event("a", quantity=2), format="json")

    body = _usage(tenant.client, customer["id"])
    assert body["current_period_start"] == month.start.isoformat().replace("+00:00", "Z")
    (metric,) = body["data"]
    assert metric["periods"][0]["period_start"] == body["current_period_start"]
    assert metric["periods"][0]["period_end"] == body["current_period_end"]
    assert metric["periods"][0]["value"] == 2
    assert metric["periods"][0]["event_count"] == 1


def test_with_a_subscription_the_period_is_the_subscription_period(tenant: Tenant):
    metric_make(tenant.client)
    customer = customer_make(tenant.client)
    start = (now_utc() - timedelta(days=3)).replace(microsecond=0)
    subscription_make(
        tenant.client, customer, period_start=start, period_end=start + timedelta(days=30)
    )

    tenant.client.post("/v1/usage", event("a", quantity=2), format="json")

    rollup = UsageRollup.objects.for_app(tenant.app).get()
    assert rollup.period_start == start
    assert rollup.period_end == start + timedelta(days=30)
    assert _usage(tenant.client, customer["id"])["current_period_start"] == (
        start.isoformat().replace("+00:00", "Z")
    )


@pytest.mark.parametrize("periods_behind", [0, 1, 3])
def test_single_and_batch_events_agree_on_the_period_when_the_renewal_has_not_reached_us(
    tenant: Tenant, periods_behind: int
):
    """The single-event statement works the period out in SQL, a batch in Python
    (usage.periods): both put an event into the same period, also past the subscription's
    recorded end."""
    metric_make(tenant.client)
    customer = customer_make(tenant.client)
    length = timedelta(days=7, hours=5)
    end = (now_utc() - periods_behind * length - timedelta(hours=1)).replace(microsecond=0)
    subscription_make(tenant.client, customer, period_start=end - length, period_end=end)

    single = tenant.client.post("/v1/usage", event("single", quantity=2), format="json")
    _send(tenant.client, [event("batch", quantity=3)])

    assert single.status_code == 201, single.content
    (rollup,) = UsageRollup.objects.for_app(tenant.app).all()
    expected_start = end + periods_behind * length
    assert (rollup.period_start, rollup.period_end) == (expected_start, expected_start + length)
    assert rollup.value == 5
    assert rollup.event_count == 2


def test_an_event_from_before_the_subscription_period_counts_in_the_earlier_period(
    tenant: Tenant,
):
    metric_make(tenant.client)
    customer = customer_make(tenant.client)
    start = (now_utc() - timedelta(days=2)).replace(microsecond=0)
    subscription_make(tenant.client, customer, period_start=start)

    tenant.client.post(
        "/v1/usage", event("late", quantity=40, timestamp=start - timedelta(hours=1)), format="json"
    )
    tenant.client.post("/v1/usage", event("now", quantity=2), format="json")

    assert _total(tenant.client, customer["id"], "api_calls") == 2
    everything = _usage(tenant.client, customer["id"], "?from=2000-01-01T00:00:00Z")
    (metric,) = everything["data"]
    assert [period["value"] for period in metric["periods"]] == [40, 2]
    assert metric["periods"][0]["period_end"] == start.isoformat().replace("+00:00", "Z")
    assert metric["total"] == 42


def test_usage_from_to_answers_the_whole_periods_that_overlap(tenant: Tenant):
    metric_make(tenant.client)
    customer = customer_make(tenant.client)
    now = now_utc()
    month = calendar_month(now)
    earlier = now - timedelta(days=33)
    tenant.client.post("/v1/usage", event("old", quantity=5, timestamp=earlier), format="json")
    tenant.client.post("/v1/usage", event("new", quantity=6), format="json")

    only_now = _usage(tenant.client, customer["id"], f"?from={_iso(month.start)}")
    before_now = _usage(tenant.client, customer["id"], f"?to={_iso(month.start)}")
    both = _usage(
        tenant.client, customer["id"], f"?from={_iso(earlier)}&to={_iso(now + timedelta(days=1))}"
    )

    assert only_now["data"][0]["total"] == 6
    assert before_now["data"][0]["total"] == 5
    assert both["data"][0]["total"] == 11
    assert len(both["data"][0]["periods"]) == 2


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_usage_of_an_unknown_metric_answers_404(tenant: Tenant):
    customer = customer_make(tenant.client)

    response = tenant.client.get(f"/v1/customers/{customer['id']}/usage?metric=nope")

    assert response.status_code == 404


def test_usage_of_another_apps_customer_answers_404(tenant: Tenant, other_tenant: Tenant):
    theirs = customer_make(other_tenant.client)

    response = tenant.client.get(f"/v1/customers/{theirs['id']}/usage")

    assert response.status_code == 404
    assert response.json()["error"]["type"] == "not_found"


@pytest.mark.django_db(transaction=True)
def test_10000_events_sent_twice_from_4_concurrent_clients_are_counted_exactly_once(
    transactional_db,
):
    from tests.factories import tenant_make

    tenant = tenant_make("Concurrent usage")
    metric_make(tenant.client, "api_calls")
    customers = [customer_make(tenant.client, external_id=f"user-{number}") for number in range(20)]
    generator = random.Random(5)
    events = [
        event(
            f"evt-{index}",
            customer=f"user-{index % 20}",
            quantity=generator.randint(0, 1000),
            timestamp=now_utc() - timedelta(minutes=generator.randint(0, 600)),
        )
        for index in range(10_000)
    ]
    twice = events + events
    generator.shuffle(twice)
    batches = [twice[start : start + 500] for start in range(0, len(twice), 500)]
    statuses: list[tuple[int, int, int]] = []
    errors: list[str] = []
    barrier = threading.Barrier(4)

    def client_run(worker: int) -> None:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {tenant.raw_key}")
        barrier.wait()
        try:
            for batch in batches[worker::4]:
                response = client.post("/v1/usage/batch", {"events": batch}, format="json")
                if response.status_code != 200:
                    errors.append(response.content.decode())
                    continue
                body = response.json()
                statuses.append((body["accepted"], body["duplicate"], body["rejected"]))
        finally:
            connection.close()

    threads = [threading.Thread(target=client_run, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sum(accepted for accepted, _, _ in statuses) == 10_000
    assert sum(duplicate for _, duplicate, _ in statuses) == 10_000
    expected_total = sum(item["quantity"] for item in events)
    totals = [_total(tenant.client, customer["id"], "api_calls") for customer in customers]
    assert sum(totals) == expected_total
    for number in range(20):
        assert totals[number] == sum(item["quantity"] for item in events[number::20])
    assert UsageEvent.objects.for_app(tenant.app).count() == 10_000
    # And Stripe's meters agree, once synced (twice: the second run sends nothing).
    first_sync = usage_sync(app=tenant.app, rate_per_second=1000)
    second_sync = usage_sync(app=tenant.app, rate_per_second=1000)
    assert first_sync.reported == UsageRollup.objects.for_app(tenant.app).count()
    assert (second_sync.planned, second_sync.reported) == (0, 0)
    assert usage_reconcile(app=tenant.app) == []
