import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from notifications import services
from notifications.models import AppEvent, WebhookDelivery
from notifications.services import app_event_publish
from tests.factories import Tenant, deliveries_of, endpoint_create


def test_a_published_event_reaches_the_apps_endpoint_signed_with_its_secret(
    tenant: Tenant, receiver, publish
):
    endpoint = endpoint_create(tenant.client, url=receiver.url("/hooks"))
    receiver.expect_secret("/hooks", endpoint["secret"])

    event = publish(
        app=tenant.app,
        event_type="payment.succeeded",
        data={
            "payment": "pay_123",
            "amount": 1999,
            "currency": "usd",
            "paid_at": datetime(2026, 1, 31, 12, 0, tzinfo=UTC),
            "fee": Decimal("0.30"),
        },
    )

    [received] = receiver.at("/hooks")
    assert received.signature_error is None
    assert received.headers["Content-Type"] == "application/json"
    assert received.headers["User-Agent"].startswith("payment-service-webhooks/")
    assert received.headers["Payment-Service-Signature"].startswith("t=")
    body = received.json()
    assert set(body) == {"id", "type", "created", "app_id", "data"}
    assert body["id"] == event.pk
    assert body["id"].startswith("aevt_")
    assert body["type"] == "payment.succeeded"
    assert body["app_id"] == tenant.app.pk
    assert parse_datetime(body["created"]) is not None
    assert body["created"].endswith("Z")
    assert body["data"] == {
        "payment": "pay_123",
        "amount": 1999,
        "currency": "usd",
        "paid_at": "2026-01-31T12:00:00Z",
        "fee": "0.30",
    }
    [delivery] = deliveries_of(tenant.client, endpoint["id"])
    assert delivery["id"].startswith("whd_")
    assert delivery["event"] == event.pk
    assert delivery["event_type"] == "payment.succeeded"
    assert delivery["status"] == "succeeded"
    assert delivery["attempt_count"] == 1
    assert delivery["last_response_status"] == 200
    assert delivery["delivered_at"] is not None
    assert delivery["next_attempt_at"] is None


def test_another_apps_endpoint_receives_nothing(
    tenant: Tenant, other_tenant: Tenant, receiver, publish
):
    mine = endpoint_create(tenant.client, url=receiver.url("/mine"))
    theirs = endpoint_create(other_tenant.client, url=receiver.url("/theirs"))
    receiver.expect_secret("/mine", mine["secret"])
    receiver.expect_secret("/theirs", theirs["secret"])

    publish(app=tenant.app, event_type="subscription.created", data={"subscription": "sub_1"})

    assert len(receiver.at("/mine")) == 1
    assert receiver.at("/theirs") == []
    assert deliveries_of(other_tenant.client, theirs["id"]) == []


def test_an_endpoint_subscribed_to_other_types_receives_nothing(tenant: Tenant, receiver, publish):
    payments = endpoint_create(
        tenant.client,
        url=receiver.url("/payments"),
        enabled_events=["payment.succeeded", "payment.failed"],
    )
    everything = endpoint_create(tenant.client, url=receiver.url("/everything"))
    receiver.expect_secret("/payments", payments["secret"])
    receiver.expect_secret("/everything", everything["secret"])

    publish(app=tenant.app, event_type="grace_period.opened", data={"grace_period": "gp_1"})
    publish(app=tenant.app, event_type="payment.failed", data={"payment": "pay_1"})

    assert [delivery.json()["type"] for delivery in receiver.at("/payments")] == ["payment.failed"]
    assert [delivery.json()["type"] for delivery in receiver.at("/everything")] == [
        "grace_period.opened",
        "payment.failed",
    ]


def test_a_failed_delivery_is_retried_by_the_sweep_until_it_succeeds(
    tenant: Tenant, receiver, publish, retry_sweep
):
    endpoint = endpoint_create(tenant.client, url=receiver.url("/hooks"))
    receiver.expect_secret("/hooks", endpoint["secret"])
    receiver.answer("/hooks", 500, 200)
    publish(app=tenant.app, event_type="refund.created", data={"refund": "re_1"})
    [after_first] = deliveries_of(tenant.client, endpoint["id"])

    retried = retry_sweep(after=timedelta(minutes=1))

    assert after_first["status"] == "pending"
    assert after_first["attempt_count"] == 1
    assert after_first["last_response_status"] == 500
    assert "500" in after_first["last_error"]
    assert after_first["next_attempt_at"] is not None
    assert retried == 1
    [delivery] = deliveries_of(tenant.client, endpoint["id"])
    assert delivery["status"] == "succeeded"
    assert delivery["attempt_count"] == 2
    assert delivery["last_response_status"] == 200
    assert delivery["last_error"] == ""
    first, second = receiver.at("/hooks")
    assert first.signature_error is None
    assert second.signature_error is None
    assert first.json()["id"] == second.json()["id"]


def test_the_sweep_waits_out_the_backoff(tenant: Tenant, receiver, publish, retry_sweep):
    endpoint = endpoint_create(tenant.client, url=receiver.url("/hooks"))
    receiver.expect_secret("/hooks", endpoint["secret"])
    receiver.answer("/hooks", 503)
    publish(app=tenant.app, event_type="refund.created", data={"refund": "re_1"})

    retried = retry_sweep(after=timedelta(seconds=5))

    assert retried == 0
    assert len(receiver.at("/hooks")) == 1
    [delivery] = deliveries_of(tenant.client, endpoint["id"])
    assert delivery["attempt_count"] == 1
    assert delivery["status"] == "pending"


def test_an_unreachable_endpoint_records_the_error_and_schedules_the_next_attempt(
    tenant: Tenant, unreachable_url, publish
):
    endpoint = endpoint_create(tenant.client, url=unreachable_url)
    before = timezone.now()

    publish(app=tenant.app, event_type="payment.failed", data={"payment": "pay_1"})

    [delivery] = deliveries_of(tenant.client, endpoint["id"])
    assert delivery["status"] == "pending"
    assert delivery["attempt_count"] == 1
    assert delivery["last_response_status"] is None
    assert "ConnectionError" in delivery["last_error"]
    next_attempt_at = parse_datetime(delivery["next_attempt_at"])
    assert before + timedelta(seconds=25) < next_attempt_at < timezone.now() + timedelta(seconds=35)


def test_an_unreachable_endpoint_fails_for_good_after_eight_attempts(
    tenant: Tenant, unreachable_url, publish, retry_sweep
):
    endpoint = endpoint_create(tenant.client, url=unreachable_url)
    publish(app=tenant.app, event_type="payment.failed", data={"payment": "pay_1"})

    retried = [retry_sweep() for _ in range(8)]

    assert retried == [1, 1, 1, 1, 1, 1, 1, 0]
    [delivery] = deliveries_of(tenant.client, endpoint["id"])
    assert delivery["status"] == "failed"
    assert delivery["attempt_count"] == 8
    assert delivery["next_attempt_at"] is None
    assert "ConnectionError" in delivery["last_error"]
    assert deliveries_of(tenant.client, endpoint["id"], "?status=failed") == [delivery]


def test_a_redirect_is_never_followed(tenant: Tenant, receiver, publish):
    endpoint = endpoint_create(tenant.client, url=receiver.url("/hooks"))
    receiver.expect_secret("/hooks", endpoint["secret"])
    receiver.answer("/hooks", 302, headers={"Location": "http://elsewhere.example/steal"})

    publish(app=tenant.app, event_type="payment.failed", data={"payment": "pay_1"})

    assert len(receiver.received) == 1
    [delivery] = deliveries_of(tenant.client, endpoint["id"])
    assert delivery["status"] == "pending"
    assert delivery["last_response_status"] == 302
    assert "redirects are not followed" in delivery["last_error"]


def test_a_deleted_endpoint_gets_no_more_deliveries_and_its_retries_stop(
    tenant: Tenant, receiver, publish, retry_sweep
):
    endpoint = endpoint_create(tenant.client, url=receiver.url("/hooks"))
    receiver.expect_secret("/hooks", endpoint["secret"])
    receiver.answer("/hooks", 500)
    publish(app=tenant.app, event_type="payment.failed", data={"payment": "pay_1"})

    tenant.client.delete(f"/v1/webhook-endpoints/{endpoint['id']}")
    retried = retry_sweep()
    publish(app=tenant.app, event_type="payment.failed", data={"payment": "pay_2"})

    assert retried == 0
    assert len(receiver.at("/hooks")) == 1
    [delivery] = WebhookDelivery.objects.for_app(tenant.app).filter(endpoint_id=endpoint["id"])
    assert delivery.status == "failed"
    assert delivery.last_error == "The endpoint was deleted."


def test_nothing_is_sent_when_the_publishing_transaction_rolls_back(
    tenant: Tenant, receiver, django_capture_on_commit_callbacks
):
    endpoint = endpoint_create(tenant.client, url=receiver.url("/hooks"))
    receiver.expect_secret("/hooks", endpoint["secret"])

    with (
        pytest.raises(RuntimeError),
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        app_event_publish(app=tenant.app, event_type="payment.succeeded", data={})
        raise RuntimeError("the payment failed to save")

    assert receiver.received == []
    assert not AppEvent.objects.for_app(tenant.app).exists()
    assert deliveries_of(tenant.client, endpoint["id"]) == []


def test_publishing_an_unknown_event_type_is_refused(tenant: Tenant):
    with pytest.raises(ValueError, match="Unknown app event type"), transaction.atomic():
        app_event_publish(app=tenant.app, event_type="payment.teleported", data={})

    assert not AppEvent.objects.for_app(tenant.app).exists()


def test_an_event_of_an_app_without_endpoints_is_still_recorded(tenant: Tenant, publish):
    event = publish(app=tenant.app, event_type="usage.quota_exceeded", data={"metric": "api_calls"})

    stored = AppEvent.objects.for_app(tenant.app).get(pk=event.pk)
    assert stored.event_type == "usage.quota_exceeded"
    assert stored.data == {"metric": "api_calls"}
    assert not WebhookDelivery.objects.for_app(tenant.app).exists()


def test_the_delivered_body_is_exactly_what_was_signed(tenant: Tenant, receiver, publish):
    endpoint = endpoint_create(tenant.client, url=receiver.url("/hooks"))
    receiver.expect_secret("/hooks", endpoint["secret"])

    publish(app=tenant.app, event_type="subscription.updated", data={"note": "naïve ✓"})

    [received] = receiver.at("/hooks")
    assert received.signature_error is None
    assert json.loads(received.body)["data"] == {"note": "naïve ✓"}


def test_a_receiver_that_does_not_answer_in_time_is_recorded_as_a_timeout(
    tenant: Tenant, receiver, publish, monkeypatch
):
    monkeypatch.setattr(services, "READ_TIMEOUT_SECONDS", 0.3)
    endpoint = endpoint_create(tenant.client, url=receiver.url("/slow"))
    receiver.expect_secret("/slow", endpoint["secret"])
    receiver.answer("/slow", 200, delay_seconds=1.5)

    publish(app=tenant.app, event_type="payment.succeeded", data={})

    [delivery] = deliveries_of(tenant.client, endpoint["id"])
    assert delivery["status"] == "pending"
    assert "ReadTimeout" in delivery["last_error"]
    assert delivery["next_attempt_at"] is not None


def test_a_delivery_whose_task_was_lost_is_picked_up_once_its_claim_runs_out(
    tenant: Tenant, receiver, retry_sweep
):
    endpoint = endpoint_create(tenant.client, url=receiver.url("/hooks"))
    receiver.expect_secret("/hooks", endpoint["secret"])
    # Published without running the commit hooks: as if the broker had been down.
    with transaction.atomic():
        app_event_publish(app=tenant.app, event_type="payment.succeeded", data={})

    too_early = retry_sweep(after=timedelta(seconds=30))
    later = retry_sweep(after=timedelta(minutes=3))

    assert too_early == 0
    assert later == 1
    assert len(receiver.at("/hooks")) == 1
    [delivery] = deliveries_of(tenant.client, endpoint["id"])
    assert delivery["status"] == "succeeded"
    assert delivery["attempt_count"] == 1


def test_a_settled_delivery_is_not_sent_again_by_a_stray_task(tenant: Tenant, receiver, publish):
    endpoint = endpoint_create(tenant.client, url=receiver.url("/hooks"))
    receiver.expect_secret("/hooks", endpoint["secret"])
    publish(app=tenant.app, event_type="payment.succeeded", data={})
    [delivery] = deliveries_of(tenant.client, endpoint["id"])

    again = services.webhook_delivery_attempt(delivery_id=delivery["id"])

    assert again is None
    assert len(receiver.at("/hooks")) == 1


def test_a_private_destination_is_refused_when_private_destinations_are_not_allowed(
    tenant: Tenant, receiver, publish, settings
):
    endpoint = endpoint_create(tenant.client, url=receiver.url("/hooks"))
    receiver.expect_secret("/hooks", endpoint["secret"])
    settings.WEBHOOK_ALLOW_PRIVATE_DESTINATIONS = False

    publish(app=tenant.app, event_type="payment.succeeded", data={})

    assert receiver.received == []
    [delivery] = deliveries_of(tenant.client, endpoint["id"])
    assert delivery["status"] == "pending"
    assert "private or reserved address" in delivery["last_error"]
