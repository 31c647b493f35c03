"""Undoing a cancellation at the period's end (`POST /v1/subscriptions/{id}/resume`), through
the API and as Stripe sees it; time moves on the customer's test clock, through our API."""

from typing import Any

from djstripe.models import WebhookEndpoint

from audit.models import AuditEvent
from notifications.models import AppEvent
from stripe_emulator.server import EmulatorServer
from tests.factories import (
    DAY_SECONDS,
    Clocked,
    Tenant,
    customer_make,
    events_of,
    plan_make,
    settle,
    subscribe,
)

# The SDK tries each call three times (STRIPE_MAX_NETWORK_RETRIES = 2).
ONE_FAILED_CALL = 3


def _active_subscription(tenant: Tenant) -> dict[str, Any]:
    plan = plan_make(tenant.client)
    customer = customer_make(tenant.client)
    subscription = subscribe(tenant.client, customer, plan).json()
    assert subscription["status"] == "active"
    return subscription


def _cancel_at_period_end(tenant: Tenant, subscription: dict[str, Any]) -> dict[str, Any]:
    response = tenant.client.post(
        f"/v1/subscriptions/{subscription['id']}/cancel", {"at_period_end": True}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["cancel_at_period_end"] is True
    return response.json()


def _resume(tenant: Tenant, subscription: dict[str, Any], body: Any = None, **headers: str):
    return tenant.client.post(
        f"/v1/subscriptions/{subscription['id']}/resume",
        {} if body is None else body,
        format="json",
        **headers,
    )


def test_resume_undoes_the_cancellation_at_stripe_and_tells_the_app(
    tenant: Tenant, stripe: EmulatorServer
):
    subscription = _active_subscription(tenant)
    _cancel_at_period_end(tenant, subscription)

    response = _resume(tenant, subscription)

    assert response.status_code == 200, response.content
    resumed = response.json()
    assert resumed["id"] == subscription["id"]
    assert resumed["status"] == "active"
    assert resumed["cancel_at_period_end"] is False
    assert resumed["canceled_at"] is None
    assert resumed["current_period_end"] == subscription["current_period_end"]
    at_stripe = stripe.state.objects[subscription["provider_subscription_id"]]
    assert at_stripe["cancel_at_period_end"] is False
    assert at_stripe["cancel_at"] is None
    assert at_stripe["status"] == "active"
    updates = events_of(
        stripe, "customer.subscription.updated", subscription["provider_subscription_id"]
    )
    assert updates[-1]["data"]["previous_attributes"]["cancel_at_period_end"] is True
    assert updates[-1]["data"]["object"]["cancel_at_period_end"] is False
    assert resumed == tenant.client.get(f"/v1/subscriptions/{subscription['id']}").json()


def test_resume_records_one_audit_event_and_one_app_event(tenant: Tenant):
    subscription = _active_subscription(tenant)
    _cancel_at_period_end(tenant, subscription)

    _resume(tenant, subscription)

    (audit,) = AuditEvent.objects.for_app(tenant.app).filter(action_type="RESUME_SUBSCRIPTION")
    assert audit.target_type == "subscription"
    assert audit.target_id == subscription["id"]
    assert audit.actor_id == tenant.api_key.pk
    assert audit.payload_snapshot["from"]["cancel_at_period_end"] is True
    assert audit.payload_snapshot["subscription"]["cancel_at_period_end"] is False
    updated = AppEvent.objects.for_app(tenant.app).filter(
        event_type="subscription.updated", data__id=subscription["id"]
    )
    assert [event.data["cancel_at_period_end"] for event in updated.order_by("created_at")] == [
        True,
        False,
    ]


def test_a_resumed_subscription_renews_past_its_period_end_on_a_test_clock(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint
):
    clocked = Clocked(tenant, stripe)
    plan = plan_make(tenant.client)
    subscription = subscribe(tenant.client, clocked.customer(), plan).json()
    settle(stripe)
    clocked.advance(10 * DAY_SECONDS)
    _cancel_at_period_end(tenant, subscription)
    assert _resume(tenant, subscription).status_code == 200

    clocked.advance(25 * DAY_SECONDS)

    renewed = tenant.client.get(f"/v1/subscriptions/{subscription['id']}").json()
    assert renewed["status"] == "active"
    assert renewed["cancel_at_period_end"] is False
    assert renewed["canceled_at"] is None
    assert renewed["current_period_start"] == subscription["current_period_end"]
    at_stripe = stripe.state.objects[subscription["provider_subscription_id"]]
    assert at_stripe["status"] == "active"
    renewal = stripe.state.objects[at_stripe["latest_invoice"]]
    assert renewal["billing_reason"] == "subscription_cycle"
    assert renewal["status"] == "paid"
    assert not events_of(
        stripe, "customer.subscription.deleted", subscription["provider_subscription_id"]
    )


def test_a_subscription_left_to_cancel_ends_at_its_period_end_on_a_test_clock(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint
):
    clocked = Clocked(tenant, stripe)
    plan = plan_make(tenant.client)
    subscription = subscribe(tenant.client, clocked.customer(), plan).json()
    settle(stripe)
    _cancel_at_period_end(tenant, subscription)

    clocked.advance(35 * DAY_SECONDS)

    ended = tenant.client.get(f"/v1/subscriptions/{subscription['id']}").json()
    assert ended["status"] == "canceled"
    late = _resume(tenant, subscription)
    assert late.status_code == 409
    assert late.json()["error"]["code"] == "subscription_not_resumable"


def test_resuming_a_subscription_not_set_to_cancel_answers_409(
    tenant: Tenant, stripe: EmulatorServer
):
    subscription = _active_subscription(tenant)
    requests_before = len(stripe.requests())

    response = _resume(tenant, subscription)

    assert response.status_code == 409
    error = response.json()["error"]
    assert error["type"] == "conflict"
    assert error["code"] == "subscription_not_resumable"
    assert len(stripe.requests()) == requests_before
    assert not AuditEvent.objects.for_app(tenant.app).filter(action_type="RESUME_SUBSCRIPTION")


def test_resuming_a_canceled_subscription_answers_409(tenant: Tenant):
    subscription = _active_subscription(tenant)
    tenant.client.post(f"/v1/subscriptions/{subscription['id']}/cancel", {}, format="json")

    response = _resume(tenant, subscription)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "subscription_not_resumable"


def test_resume_with_an_unknown_field_answers_400_naming_it(tenant: Tenant):
    subscription = _active_subscription(tenant)
    _cancel_at_period_end(tenant, subscription)

    response = _resume(tenant, subscription, {"at_period_end": False})

    assert response.status_code == 400
    assert response.json()["error"]["param"] == "at_period_end"


def test_resume_retried_with_the_same_key_is_replayed_and_done_once(
    tenant: Tenant, stripe: EmulatorServer
):
    subscription = _active_subscription(tenant)
    _cancel_at_period_end(tenant, subscription)

    first = _resume(tenant, subscription, HTTP_IDEMPOTENCY_KEY="resume-1")
    again = _resume(tenant, subscription, HTTP_IDEMPOTENCY_KEY="resume-1")

    assert first.status_code == again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.content == first.content
    assert (
        AuditEvent.objects.for_app(tenant.app).filter(action_type="RESUME_SUBSCRIPTION").count()
        == 1
    )


def test_resume_while_stripe_is_down_answers_502_and_keeps_the_cancellation(
    tenant: Tenant, stripe: EmulatorServer
):
    subscription = _active_subscription(tenant)
    _cancel_at_period_end(tenant, subscription)
    stripe.set_faults(status=500, count=ONE_FAILED_CALL, path_prefix="/v1/subscriptions")

    failed = _resume(tenant, subscription)
    meanwhile = tenant.client.get(f"/v1/subscriptions/{subscription['id']}").json()
    retried = _resume(tenant, subscription)

    assert failed.status_code == 502
    assert failed.json()["error"]["type"] == "provider_error"
    assert meanwhile["cancel_at_period_end"] is True
    assert retried.status_code == 200, retried.content
    assert retried.json()["cancel_at_period_end"] is False
    assert (
        AuditEvent.objects.for_app(tenant.app).filter(action_type="RESUME_SUBSCRIPTION").count()
        == 1
    )
