"""What `/v1/subscriptions` guarantees whichever provider the app is on: each test runs once
with a Stripe app and once with a PayPal app (`paying_tenant`, tests/payment_providers.py),
against their emulators over HTTP, on a fixed-price monthly plan with a trial (what both
providers sell). Idempotency under retries, concurrent retries and outages, webhooks
duplicated and reordered, a failed renewal's grace period and its resolution, cancellation,
cross-app 404 and the audit trail."""

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from audit.models import AuditEvent
from billing.audit_actions import BillingAuditAction
from billing.models import Subscription
from notifications.models import AppEvent
from tests.factories import Tenant
from tests.payment_providers import PayingTenant


def _audited(paying: PayingTenant, action_type: str) -> int:
    return AuditEvent.objects.for_app(paying.app).filter(action_type=action_type).count()


def _grace(paying: PayingTenant, subscription: dict) -> list[tuple[str, str]]:
    answer = paying.client.get("/v1/grace-periods", {"customer": subscription["customer"]})
    assert answer.status_code == 200, answer.content
    return [(grace["reason"], grace["status"]) for grace in answer.json()["data"]]


def _view(paying: PayingTenant, subscription: dict) -> dict:
    answer: dict = paying.client.get(f"/v1/subscriptions/{subscription['id']}").json()
    return answer


def test_a_trial_subscription_is_trialing_audited_once_and_the_app_told_once(
    paying_tenant: PayingTenant,
):
    plan = paying_tenant.plan(trial_period_days=14)

    subscription = paying_tenant.subscribe(paying_tenant.subscriber(), plan)

    assert subscription["id"].startswith("sub_")
    assert (subscription["status"], subscription["sync_state"]) == ("trialing", "synced")
    assert subscription["plan"] == plan["id"]
    assert subscription["trial_end"] is not None
    assert subscription["trial_end"] == subscription["current_period_end"]
    assert subscription["provider_subscription_id"]
    [audit] = AuditEvent.objects.for_app(paying_tenant.app).filter(
        action_type=BillingAuditAction.CREATE_SUBSCRIPTION
    )
    assert audit.target_id == subscription["id"]
    assert audit.actor_id == paying_tenant.tenant.api_key.pk
    [told] = AppEvent.objects.for_app(paying_tenant.app).filter(event_type="subscription.created")
    # (Told as it was made: trialing on Stripe, incomplete until approved on PayPal.)
    assert told.data["id"] == subscription["id"]
    assert paying_tenant.subscriptions_at_provider() == 1


def test_the_create_retried_with_its_key_makes_one_subscription(paying_tenant: PayingTenant):
    plan = paying_tenant.plan()
    customer = paying_tenant.subscriber()

    first = paying_tenant.subscription_post(customer, plan, HTTP_IDEMPOTENCY_KEY="signup-1")
    second = paying_tenant.subscription_post(customer, plan, HTTP_IDEMPOTENCY_KEY="signup-1")

    assert first.status_code == second.status_code == 201, first.content
    assert second.content == first.content
    assert second["Idempotent-Replayed"] == "true"
    assert Subscription.objects.for_app(paying_tenant.app).count() == 1
    assert paying_tenant.subscriptions_at_provider() == 1
    assert _audited(paying_tenant, BillingAuditAction.CREATE_SUBSCRIPTION) == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_with_one_key_make_one_subscription(paying_tenant: PayingTenant):
    body = paying_tenant.subscription_body(paying_tenant.subscriber(), paying_tenant.plan())
    barrier = threading.Barrier(6)
    statuses: list[int] = []

    def fire() -> None:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {paying_tenant.tenant.raw_key}")
        barrier.wait()
        try:
            response = client.post(
                "/v1/subscriptions", body, format="json", HTTP_IDEMPOTENCY_KEY="race"
            )
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=fire) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(statuses) == 6
    assert set(statuses) <= {201, 409} and 201 in statuses, statuses
    assert Subscription.objects.for_app(paying_tenant.app).count() == 1
    assert paying_tenant.subscriptions_at_provider() == 1
    assert _audited(paying_tenant, BillingAuditAction.CREATE_SUBSCRIPTION) == 1


def test_a_retry_after_the_provider_failed_makes_one_subscription(paying_tenant: PayingTenant):
    plan = paying_tenant.plan()
    customer = paying_tenant.subscriber()
    with paying_tenant.outage():
        failed = paying_tenant.subscription_post(customer, plan, HTTP_IDEMPOTENCY_KEY="signup-7")
    pending = Subscription.objects.for_app(paying_tenant.app).get()
    made_meanwhile = paying_tenant.subscriptions_at_provider()

    retried = paying_tenant.subscription_post(customer, plan, HTTP_IDEMPOTENCY_KEY="signup-7")
    subscription = paying_tenant.subscription_complete(retried.json())

    assert failed.status_code == 502, failed.content
    assert failed.json()["error"]["type"] == "provider_error"
    assert (pending.sync_state, pending.provider_subscription_id) == ("pending", "")
    assert made_meanwhile == 0
    assert retried.status_code == 201, retried.content
    assert retried.json()["id"] == pending.pk
    assert subscription["status"] == "trialing"
    assert Subscription.objects.for_app(paying_tenant.app).count() == 1
    assert paying_tenant.subscriptions_at_provider() == 1
    # Every attempt, failed or not, sent the provider the same key.
    [key] = paying_tenant.subscription_create_keys()
    assert key
    assert _audited(paying_tenant, BillingAuditAction.CREATE_SUBSCRIPTION) == 1


def test_its_webhooks_duplicated_and_reversed_leave_the_same_state(paying_tenant: PayingTenant):
    subscription = paying_tenant.subscribe(paying_tenant.subscriber(), paying_tenant.plan())
    events = paying_tenant.events()
    audited = AuditEvent.objects.for_app(paying_tenant.app).count()
    told = AppEvent.objects.for_app(paying_tenant.app).count()

    answers = paying_tenant.deliver_all([*reversed(events), *events, *reversed(events)])

    after = _view(paying_tenant, subscription)
    assert set(answers) == {200}
    assert (after["status"], after["trial_end"], after["current_period_end"]) == (
        "trialing",
        subscription["trial_end"],
        subscription["current_period_end"],
    )
    assert AuditEvent.objects.for_app(paying_tenant.app).count() == audited
    assert AppEvent.objects.for_app(paying_tenant.app).count() == told
    assert paying_tenant.subscriptions_at_provider() == 1


def test_a_failed_renewal_opens_grace_a_later_payment_resolves_and_redelivery_changes_nothing(
    paying_tenant: PayingTenant,
):
    subscription = paying_tenant.subscribe(paying_tenant.subscriber(), paying_tenant.plan())

    past_due = paying_tenant.renew_failing(subscription)
    opened = _grace(paying_tenant, subscription)
    active = paying_tenant.renew_paying(past_due)
    resolved = _grace(paying_tenant, subscription)
    audited = AuditEvent.objects.for_app(paying_tenant.app).count()
    told = AppEvent.objects.for_app(paying_tenant.app).count()
    events = paying_tenant.events()
    answers = paying_tenant.deliver_all([*reversed(events), *events])

    assert past_due["status"] == "past_due", past_due
    assert opened == [("payment_failed", "active")]
    assert active["status"] == "active", active
    assert resolved == [("payment_failed", "resolved")]
    assert set(answers) == {200}
    assert _view(paying_tenant, subscription)["status"] == "active"
    assert _grace(paying_tenant, subscription) == resolved
    assert AuditEvent.objects.for_app(paying_tenant.app).count() == audited
    assert AppEvent.objects.for_app(paying_tenant.app).count() == told


def test_cancel_now_ends_it_is_audited_and_the_app_told_once(paying_tenant: PayingTenant):
    subscription = paying_tenant.subscribe(paying_tenant.subscriber(), paying_tenant.plan())

    canceled = paying_tenant.client.post(
        f"/v1/subscriptions/{subscription['id']}/cancel", {}, format="json"
    )
    after = paying_tenant.subscription_settled(subscription)
    paying_tenant.deliver_all()

    assert canceled.status_code == 200, canceled.content
    assert canceled.json()["status"] == after["status"] == "canceled"
    assert after["canceled_at"] is not None
    assert paying_tenant.ended_at_provider(subscription)
    assert _view(paying_tenant, subscription)["status"] == "canceled"
    [audit] = AuditEvent.objects.for_app(paying_tenant.app).filter(
        action_type=BillingAuditAction.CANCEL_SUBSCRIPTION
    )
    assert audit.target_id == subscription["id"]
    assert audit.payload_snapshot["at_period_end"] is False
    [told] = AppEvent.objects.for_app(paying_tenant.app).filter(event_type="subscription.canceled")
    assert told.data["id"] == subscription["id"]


def test_another_apps_subscription_answers_404(paying_tenant: PayingTenant, other_tenant: Tenant):
    plan = paying_tenant.plan()
    subscription = paying_tenant.subscribe(paying_tenant.subscriber(), plan)
    route = f"/v1/subscriptions/{subscription['id']}"

    answers = [
        other_tenant.client.get(route),
        other_tenant.client.post(f"{route}/cancel", {}, format="json"),
        other_tenant.client.post(f"{route}/change-plan", {"plan": plan["id"]}, format="json"),
    ]

    assert [answer.status_code for answer in answers] == [404, 404, 404]
    assert all(answer.json()["error"]["type"] == "not_found" for answer in answers)
    assert other_tenant.client.get("/v1/subscriptions").json()["data"] == []
    assert _view(paying_tenant, subscription)["status"] == "trialing"
