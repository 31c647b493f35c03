"""A Stripe subscription is never made twice: the retry job, a request that died after Stripe
answered, a key reused for another plan. Outages and client retries with one key are asserted
for both providers in test_subscription_guarantees.py."""

from datetime import timedelta

import time_machine
from django.utils import timezone

from audit.models import AuditEvent
from billing.models import Subscription
from billing.providers.pending import SyncState
from billing.providers.stripe import stripe_client
from billing.tasks import subscriptions_complete_pending
from stripe_emulator.server import EmulatorServer
from tests.factories import (
    Tenant,
    customer_make,
    plan_make,
    stripe_subscriptions,
    subscribe,
)

# The SDK tries each call three times (STRIPE_MAX_NETWORK_RETRIES = 2).
ONE_FAILED_CALL = 3


def _stripe_outage(stripe: EmulatorServer, calls: int = 1) -> None:
    stripe.set_faults(status=500, count=calls * ONE_FAILED_CALL, path_prefix="/v1/subscriptions")


def _subscription_posts(stripe: EmulatorServer) -> list[dict]:
    return [
        request
        for request in stripe.requests()
        if request["method"] == "POST" and request["path"] == "/v1/subscriptions"
    ]


def _job_runs_later() -> int:
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        return subscriptions_complete_pending.delay().get()


def test_the_retry_job_completes_a_pending_subscription_with_the_same_key(
    tenant: Tenant, stripe: EmulatorServer
):
    plan = plan_make(tenant.client, trial_period_days=7)
    customer = customer_make(tenant.client)
    _stripe_outage(stripe)
    subscribe(tenant.client, customer, plan)

    completed = _job_runs_later()

    assert completed == 1
    subscription = Subscription.objects.for_app(tenant.app).get()
    assert subscription.sync_state == SyncState.SYNCED
    assert subscription.status == "trialing"
    assert len(stripe_subscriptions(stripe)) == 1
    assert len({request["idempotency_key"] for request in _subscription_posts(stripe)}) == 1
    sync = AuditEvent.objects.for_app(tenant.app).get(action_type="SYNC_SUBSCRIPTION")
    assert sync.actor_id == "system"
    assert sync.payload_snapshot["source"] == "retry"


def test_the_retry_job_leaves_a_young_pending_subscription_to_its_request(
    tenant: Tenant, stripe: EmulatorServer
):
    plan = plan_make(tenant.client, trial_period_days=7)
    customer = customer_make(tenant.client)
    _stripe_outage(stripe)
    subscribe(tenant.client, customer, plan)

    completed = subscriptions_complete_pending.delay().get()

    assert completed == 0
    assert Subscription.objects.for_app(tenant.app).get().sync_state == SyncState.PENDING


def test_the_retry_job_stops_while_the_provider_is_still_down(
    tenant: Tenant, stripe: EmulatorServer
):
    plan = plan_make(tenant.client, trial_period_days=7)
    customer = customer_make(tenant.client)
    _stripe_outage(stripe)
    subscribe(tenant.client, customer, plan)
    _stripe_outage(stripe)

    completed = _job_runs_later()

    assert completed == 0
    assert Subscription.objects.for_app(tenant.app).get().sync_state == SyncState.PENDING


def test_a_retry_after_the_job_completed_answers_the_same_subscription(
    tenant: Tenant, stripe: EmulatorServer
):
    plan = plan_make(tenant.client, trial_period_days=7)
    customer = customer_make(tenant.client)
    _stripe_outage(stripe)
    subscribe(tenant.client, customer, plan, idempotency_key="signup-2")
    _job_runs_later()

    retried = subscribe(tenant.client, customer, plan, idempotency_key="signup-2")

    assert retried.status_code == 201
    assert retried.json()["sync_state"] == "synced"
    assert Subscription.objects.for_app(tenant.app).count() == 1
    assert len(stripe_subscriptions(stripe)) == 1


def test_a_request_that_died_after_stripe_answered_is_completed_without_a_second_subscription(
    tenant: Tenant, stripe: EmulatorServer
):
    plan = plan_make(tenant.client, trial_period_days=7)
    customer = customer_make(tenant.client)
    _stripe_outage(stripe)
    subscribe(tenant.client, customer, plan, idempotency_key="signup-3")
    _job_runs_later()
    made_at_stripe = Subscription.objects.for_app(tenant.app).get().provider_subscription_id
    # As if our process had died between Stripe's answer and our commit.
    Subscription.objects.for_app(tenant.app).update(
        sync_state=SyncState.PENDING, provider_subscription_id=""
    )

    retried = subscribe(tenant.client, customer, plan, idempotency_key="signup-3")

    assert retried.status_code == 201
    assert retried.json()["provider_subscription_id"] == made_at_stripe
    assert len(stripe_subscriptions(stripe)) == 1
    assert any(request["replayed"] for request in _subscription_posts(stripe))


def test_the_same_key_with_another_plan_after_an_outage_answers_409(
    tenant: Tenant, stripe: EmulatorServer
):
    plan = plan_make(tenant.client, trial_period_days=7)
    other_plan = plan_make(tenant.client, "other")
    customer = customer_make(tenant.client)
    _stripe_outage(stripe)
    subscribe(tenant.client, customer, plan, idempotency_key="signup-4")

    response = subscribe(tenant.client, customer, other_plan, idempotency_key="signup-4")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert Subscription.objects.for_app(tenant.app).count() == 1


def test_a_request_stripe_refuses_answers_400_and_marks_the_subscription_failed(
    tenant: Tenant, stripe: EmulatorServer
):
    plan = plan_make(tenant.client, trial_period_days=7)
    customer = customer_make(tenant.client)
    stripe_client().v1.customers.delete(customer["provider_customer_id"])

    response = subscribe(tenant.client, customer, plan)
    job_completed = _job_runs_later()

    assert response.status_code == 400
    assert response.json()["error"]["type"] == "invalid_request_error"
    failed = Subscription.objects.for_app(tenant.app).get()
    assert failed.sync_state == SyncState.FAILED
    assert job_completed == 0
    assert tenant.client.get(f"/v1/subscriptions/{failed.pk}").json()["sync_state"] == "failed"
