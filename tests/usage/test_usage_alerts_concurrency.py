"""`usage.threshold_reached` is delivered exactly once per customer, alert and billing period,
also when many requests cross the threshold together: 40 events reported at once, each on its
own thread and database connection, to an app whose endpoint is a real HTTP receiver. The
customer lives on a test clock, moved through our API to its next billing period."""

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.db import connection
from djstripe.models import WebhookEndpoint
from rest_framework.test import APIClient

from notifications.signatures import SIGNATURE_HEADER, verify_signature
from stripe_emulator.server import EmulatorServer
from tests.factories import (
    DAY_SECONDS,
    Clocked,
    Tenant,
    endpoint_create,
    event,
    metric_make,
    plan_make,
    settle,
    subscribe,
    tenant_make,
)
from usage.models import UsageAlertTrigger, UsageRollup

CONCURRENT_EVENTS = 40


class _Receiver:
    """The app's webhook endpoint: keeps each delivery whose signature checks out."""

    def __init__(self) -> None:
        self.secret = ""
        self.bodies: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                verify_signature(
                    secret=receiver.secret, header=self.headers.get(SIGNATURE_HEADER), body=body
                )
                with receiver.lock:
                    receiver.bodies.append(json.loads(body))
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def reached(self) -> list[dict[str, Any]]:
        with self.lock:
            return [body for body in self.bodies if body["type"] == "usage.threshold_reached"]


@pytest.fixture
def receiver(settings: Any) -> Iterator[_Receiver]:
    # The receiver listens on 127.0.0.1, which production refuses to deliver to.
    settings.WEBHOOK_ALLOW_PRIVATE_DESTINATIONS = True
    receiver = _Receiver()
    thread = threading.Thread(target=receiver.server.serve_forever, daemon=True)
    thread.start()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()
    thread.join(timeout=5)


def _report_together(tenant: Tenant, prefix: str, quantity: int) -> list[int]:
    """CONCURRENT_EVENTS events at once, each from its own client, thread and connection."""
    barrier = threading.Barrier(CONCURRENT_EVENTS)
    statuses: list[int] = []

    def report(number: int) -> None:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {tenant.raw_key}")
        barrier.wait()
        try:
            response = client.post(
                "/v1/usage", event(f"{prefix}-{number}", quantity=quantity), format="json"
            )
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=report, args=(number,)) for number in range(CONCURRENT_EVENTS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def _alert(tenant: Tenant, percent: int) -> dict[str, Any]:
    response = tenant.client.post(
        "/v1/usage-alerts",
        {"metric": "api_calls", "threshold": {"percent_of_quota": percent}},
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()


def _reached_by_alert(receiver: _Receiver) -> dict[str, list[dict[str, Any]]]:
    by_alert: dict[str, list[dict[str, Any]]] = {}
    for body in receiver.reached():
        by_alert.setdefault(body["data"]["alert"], []).append(body["data"])
    return by_alert


def test_40_events_crossing_together_deliver_one_event_per_threshold_and_period(
    transactional_db: Any,
    stripe: EmulatorServer,
    stripe_webhooks: WebhookEndpoint,
    receiver: _Receiver,
):
    tenant = tenant_make("Concurrent alerts")
    receiver.secret = endpoint_create(
        tenant.client, url=receiver.url, enabled_events=["usage.threshold_reached"]
    )["secret"]
    metric_make(tenant.client, "api_calls")
    clocked = Clocked(tenant, stripe)
    customer = clocked.customer()
    plan = plan_make(tenant.client, quotas={"api_calls": 100})
    subscription = subscribe(tenant.client, customer, plan).json()
    settle(stripe)
    eighty, hundred = _alert(tenant, 80), _alert(tenant, 100)

    first_period = _report_together(tenant, "first", quantity=3)

    assert first_period == [201] * CONCURRENT_EVENTS
    reached = _reached_by_alert(receiver)
    assert {alert: len(events) for alert, events in reached.items()} == {
        eighty["id"]: 1,
        hundred["id"]: 1,
    }
    ((at_eighty,), (at_hundred,)) = reached[eighty["id"]], reached[hundred["id"]]
    assert at_eighty["customer"] == customer["id"]
    assert at_eighty["threshold"] == {"percent_of_quota": 80, "quantity": 80}
    assert 80 <= at_eighty["used"] <= 120
    assert at_hundred["threshold"] == {"percent_of_quota": 100, "quantity": 100}
    assert 100 <= at_hundred["used"] <= 120
    assert at_eighty["period"]["start"].startswith(subscription["current_period_start"][:19])

    clocked.advance(31 * DAY_SECONDS)
    renewed = tenant.client.get(f"/v1/subscriptions/{subscription['id']}").json()
    second_period = _report_together(tenant, "second", quantity=3)

    assert renewed["current_period_start"] == subscription["current_period_end"]
    assert second_period == [201] * CONCURRENT_EVENTS
    reached = _reached_by_alert(receiver)
    assert {alert: len(events) for alert, events in reached.items()} == {
        eighty["id"]: 2,
        hundred["id"]: 2,
    }
    next_eighty = reached[eighty["id"]][1]
    assert next_eighty["period"]["start"].startswith(renewed["current_period_start"][:19])
    assert next_eighty["period"]["start"] != at_eighty["period"]["start"]
    assert UsageAlertTrigger.objects.for_app(tenant.app).count() == 4
    rollups = UsageRollup.objects.for_app(tenant.app).order_by("period_start")
    assert [rollup.value for rollup in rollups] == [120, 120]
