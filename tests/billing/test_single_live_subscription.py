"""One live subscription per customer unless the app allows several
(`allow_multiple_subscriptions`, off by default, set by operators and shown on `GET /v1/app`)."""

import threading
from collections import Counter
from typing import Any

from auditlog.models import LogEntry
from django.contrib.admin.utils import quote
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from audit.models import AuditEvent
from billing.models import Subscription
from stripe_emulator.server import EmulatorServer
from tests.factories import (
    Tenant,
    customer_make,
    multiple_subscriptions_allow,
    plan_make,
    stripe_subscriptions,
    subscribe,
    tenant_make,
)


def test_the_app_sees_that_it_refuses_a_second_live_subscription_by_default(tenant: Tenant):
    response = tenant.client.get("/v1/app")

    assert response.status_code == 200
    assert response.json()["allow_multiple_subscriptions"] is False


def test_a_second_subscription_for_a_subscribed_customer_answers_409_with_the_first(
    tenant: Tenant, stripe: EmulatorServer
):
    plan = plan_make(tenant.client)
    other_plan = plan_make(tenant.client, "team")
    customer = customer_make(tenant.client)
    first = subscribe(tenant.client, customer, plan).json()

    response = subscribe(tenant.client, customer, other_plan)

    assert response.status_code == 409
    error = response.json()["error"]
    assert error["type"] == "conflict"
    assert error["code"] == "customer_has_subscription"
    assert error["param"] == "customer"
    assert error["subscription"] == first["id"]
    assert first["id"] in error["message"]
    assert Subscription.objects.for_app(tenant.app).count() == 1
    assert len(stripe_subscriptions(stripe)) == 1
    created = AuditEvent.objects.for_app(tenant.app).filter(action_type="CREATE_SUBSCRIPTION")
    assert created.count() == 1


def test_trialing_past_due_and_incomplete_subscriptions_are_live(tenant: Tenant):
    trial_plan = plan_make(tenant.client, "trial", trial_period_days=7)
    plan = plan_make(tenant.client)
    trialing = customer_make(tenant.client, external_id="trialing")
    incomplete = customer_make(tenant.client, external_id="incomplete", payment_method=None)
    trial = subscribe(tenant.client, trialing, trial_plan).json()
    unpaid = subscribe(tenant.client, incomplete, plan).json()

    answers = [subscribe(tenant.client, trialing, plan), subscribe(tenant.client, incomplete, plan)]

    assert (trial["status"], unpaid["status"]) == ("trialing", "incomplete")
    assert [answer.status_code for answer in answers] == [409, 409]
    assert [answer.json()["error"]["subscription"] for answer in answers] == [
        trial["id"],
        unpaid["id"],
    ]


def test_a_customer_whose_subscription_was_canceled_may_subscribe_again(tenant: Tenant):
    plan = plan_make(tenant.client)
    customer = customer_make(tenant.client)
    first = subscribe(tenant.client, customer, plan).json()
    tenant.client.post(f"/v1/subscriptions/{first['id']}/cancel", {}, format="json")

    response = subscribe(tenant.client, customer, plan)

    assert response.status_code == 201, response.content
    assert response.json()["status"] == "active"
    assert response.json()["id"] != first["id"]


def test_a_cancellation_at_period_end_still_counts_as_live(tenant: Tenant):
    plan = plan_make(tenant.client)
    customer = customer_make(tenant.client)
    first = subscribe(tenant.client, customer, plan).json()
    tenant.client.post(
        f"/v1/subscriptions/{first['id']}/cancel", {"at_period_end": True}, format="json"
    )

    response = subscribe(tenant.client, customer, plan)

    assert response.status_code == 409
    assert response.json()["error"]["subscription"] == first["id"]


def test_another_customer_of_the_app_is_not_refused(tenant: Tenant):
    plan = plan_make(tenant.client)
    subscribe(tenant.client, customer_make(tenant.client, external_id="ada"), plan)

    response = subscribe(tenant.client, customer_make(tenant.client, external_id="bob"), plan)

    assert response.status_code == 201, response.content


def test_an_app_that_allows_several_subscribes_the_customer_twice(tenant: Tenant):
    multiple_subscriptions_allow(tenant)
    plan = plan_make(tenant.client)
    other_plan = plan_make(tenant.client, "team")
    customer = customer_make(tenant.client)
    first = subscribe(tenant.client, customer, plan).json()

    second = subscribe(tenant.client, customer, other_plan)

    assert second.status_code == 201, second.content
    assert second.json()["id"] != first["id"]
    assert tenant.client.get("/v1/app").json()["allow_multiple_subscriptions"] is True


def test_an_operator_allows_several_in_the_admin_and_the_app_sees_it_at_once(
    tenant: Tenant, admin_client: Client, admin_user: Any
):
    plan = plan_make(tenant.client)
    customer = customer_make(tenant.client)
    subscribe(tenant.client, customer, plan)
    assert subscribe(tenant.client, customer, plan).status_code == 409

    response = admin_client.post(
        f"/admin/tenants/app/{quote(tenant.app.pk)}/change/",
        {
            "name": tenant.app.name,
            "mode": "test",
            "provider": "stripe",
            "is_active": "on",
            "allow_multiple_subscriptions": "on",
            # The read-only inline of the app's keys (its prefix comes from related_name="+").
            "-1-TOTAL_FORMS": "1",
            "-1-INITIAL_FORMS": "1",
            "-1-0-id": tenant.api_key.pk,
            "-1-0-app": tenant.app.pk,
        },
    )

    assert response.status_code == 302, response.content[:2000]
    assert tenant.client.get("/v1/app").json()["allow_multiple_subscriptions"] is True
    assert subscribe(tenant.client, customer, plan).status_code == 201
    entry = LogEntry.objects.get_for_object(tenant.app).latest("timestamp")
    assert entry.actor == admin_user
    assert entry.changes_dict["allow_multiple_subscriptions"] == ["False", "True"]


def test_the_same_request_retried_with_its_key_is_not_refused(tenant: Tenant):
    plan = plan_make(tenant.client)
    customer = customer_make(tenant.client)
    first = subscribe(tenant.client, customer, plan, idempotency_key="sub-1")

    again = subscribe(tenant.client, customer, plan, idempotency_key="sub-1")

    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]


def test_a_refused_create_retried_with_its_key_after_the_first_ends_subscribes(
    tenant: Tenant,
):
    plan = plan_make(tenant.client)
    customer = customer_make(tenant.client)
    first = subscribe(tenant.client, customer, plan).json()

    refused = subscribe(tenant.client, customer, plan, idempotency_key="second")
    tenant.client.post(f"/v1/subscriptions/{first['id']}/cancel", {}, format="json")
    retried = subscribe(tenant.client, customer, plan, idempotency_key="second")

    # A 409 is not the request's final answer (as on Stripe): the retry runs again.
    assert refused.status_code == 409
    assert retried.status_code == 201, retried.content
    assert "Idempotent-Replayed" not in retried.headers
    assert retried.json()["status"] == "active"


def test_concurrent_creates_for_one_customer_make_one_subscription(
    transactional_db: Any, stripe: EmulatorServer
):
    tenant = tenant_make("Concurrent subscribers")
    plans = [plan_make(tenant.client, f"plan-{number}") for number in range(6)]
    customer = customer_make(tenant.client)
    barrier = threading.Barrier(len(plans))
    answers: list[tuple[int, dict[str, Any]]] = []

    def create(plan: dict[str, Any]) -> None:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {tenant.raw_key}")
        barrier.wait()
        try:
            response = subscribe(client, customer, plan)
            answers.append((response.status_code, response.json()))
        finally:
            connection.close()

    threads = [threading.Thread(target=create, args=(plan,)) for plan in plans]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert Counter(status for status, _ in answers) == {201: 1, 409: len(plans) - 1}
    (created,) = [body for status, body in answers if status == 201]
    refused = [body["error"] for status, body in answers if status == 409]
    assert {error["subscription"] for error in refused} == {created["id"]}
    assert Subscription.objects.for_app(tenant.app).count() == 1
    assert len(stripe_subscriptions(stripe)) == 1
