"""What `/v1/payments` and its refunds guarantee whichever provider the app is on: each test
runs once with a Stripe app and once with a PayPal app (`paying_tenant`,
tests/payment_providers.py), against their emulators over HTTP. Idempotency under retries
and outages, webhooks duplicated and reordered, the sweep of payments whose webhook was lost,
cross-app 404 and the audit trail."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AuditEvent
from billing.models import Payment, Refund
from billing.payments import payments_complete_pending, payments_sync_awaiting_action
from notifications.models import AppEvent
from tests.factories import Tenant
from tests.payment_providers import PayingTenant


def _transitions(paying: PayingTenant, payment_id: str) -> list[tuple[str, str]]:
    return [
        (event.payload_snapshot["from"], event.payload_snapshot["to"])
        for event in AuditEvent.objects.for_app(paying.app)
        .filter(target_id=payment_id, action_type="UPDATE_PAYMENT_STATUS")
        .order_by("created_at")
    ]


def test_a_payment_succeeds_is_audited_and_the_app_told_once(paying_tenant: PayingTenant):
    created = paying_tenant.pay(paying_tenant.customer(), amount=2500)

    payment = paying_tenant.complete(created.json())

    assert created.status_code == 201, created.content
    assert payment["id"].startswith("pay_")
    assert (payment["status"], payment["amount"], payment["amount_refunded"]) == (
        "succeeded",
        2500,
        0,
    )
    assert payment["redirect_url"] is None and payment["client_secret"] is None
    actions = AuditEvent.objects.for_app(paying_tenant.app).filter(target_id=payment["id"])
    assert actions.filter(action_type="CREATE_PAYMENT").count() == 1
    assert _transitions(paying_tenant, payment["id"])[-1][1] == "succeeded"
    [told] = AppEvent.objects.for_app(paying_tenant.app).filter(event_type="payment.succeeded")
    assert told.data["id"] == payment["id"]
    assert paying_tenant.payments_at_provider() == 1


def test_a_declined_payment_ends_failed_with_its_decline_code_and_cannot_be_refunded(
    paying_tenant: PayingTenant,
):
    created = paying_tenant.pay(paying_tenant.declining_customer())
    payment_id = Payment.objects.for_app(paying_tenant.app).get().pk

    payment = paying_tenant.complete({**created.json(), "id": payment_id})
    refund = paying_tenant.client.post(f"/v1/payments/{payment_id}/refunds", {}, format="json")

    assert payment["status"] == "failed"
    assert payment["decline_code"]
    [told] = AppEvent.objects.for_app(paying_tenant.app).filter(event_type="payment.failed")
    assert told.data["decline_code"] == payment["decline_code"]
    assert refund.status_code == 400
    assert refund.json()["error"]["code"] == "payment_not_refundable"


def test_a_saved_payment_method_is_charged_off_session_and_without_redirect(
    paying_tenant: PayingTenant,
):
    customer = paying_tenant.saved_customer()
    made_before = paying_tenant.payments_at_provider()
    body = {"customer": customer, "amount": 1500, "currency": "usd"}

    off_session = paying_tenant.client.post(
        "/v1/payments", {**body, "off_session": True}, format="json"
    )
    no_redirect = paying_tenant.client.post("/v1/payments", body, format="json")

    saved = paying_tenant.client.get(f"/v1/customers/{customer}").json()["default_payment_method"]
    methods = paying_tenant.client.get(f"/v1/customers/{customer}/payment-methods").json()
    assert (off_session.status_code, no_redirect.status_code) == (201, 201), (
        off_session.content,
        no_redirect.content,
    )
    for payment in (off_session.json(), no_redirect.json()):
        assert payment["status"] == "succeeded", payment
        assert payment["redirect_url"] is None and payment["client_secret"] is None
    assert off_session.json()["off_session"] is True
    assert saved
    assert [(m["id"], m["default"]) for m in methods["data"]] == [(saved, True)]
    assert paying_tenant.payments_at_provider() == made_before + 2


def test_a_customer_with_nothing_saved_charged_off_session_answers_400_and_nothing_is_made(
    paying_tenant: PayingTenant,
):
    customer = paying_tenant.bare_customer()

    off_session = paying_tenant.client.post(
        "/v1/payments",
        {"customer": customer, "amount": 1500, "currency": "usd", "off_session": True},
        format="json",
    )

    assert off_session.status_code == 400, off_session.content
    error = off_session.json()["error"]
    assert (error["code"], error["param"]) == ("payment_method_required", "payment_method")
    assert Payment.objects.for_app(paying_tenant.app).count() == 0
    assert paying_tenant.payments_at_provider() == 0


def test_the_same_post_retried_with_its_key_makes_one_payment(paying_tenant: PayingTenant):
    customer = paying_tenant.customer()

    first = paying_tenant.pay(customer, HTTP_IDEMPOTENCY_KEY="order-42")
    second = paying_tenant.pay(customer, HTTP_IDEMPOTENCY_KEY="order-42")

    assert first.status_code == second.status_code == 201, first.content
    assert second.content == first.content
    assert paying_tenant.payments_at_provider() == 1
    assert Payment.objects.for_app(paying_tenant.app).count() == 1


def test_a_retry_after_the_provider_failed_makes_one_payment(paying_tenant: PayingTenant):
    customer = paying_tenant.customer()
    with paying_tenant.outage():
        failed = paying_tenant.pay(customer, HTTP_IDEMPOTENCY_KEY="order-7")

    retried = paying_tenant.pay(customer, HTTP_IDEMPOTENCY_KEY="order-7")
    payment = paying_tenant.complete(retried.json())

    assert failed.status_code == 502, failed.content
    assert (failed.json()["error"]["type"], failed.json()["error"]["code"]) == (
        "provider_error",
        "provider_unavailable",
    )
    assert retried.status_code == 201, retried.content
    assert payment["status"] == "succeeded"
    assert Payment.objects.for_app(paying_tenant.app).count() == 1
    assert paying_tenant.payments_at_provider() == 1


def test_the_retry_job_completes_a_payment_left_pending_by_an_outage(
    paying_tenant: PayingTenant,
):
    customer = paying_tenant.customer()
    with paying_tenant.outage():
        failed = paying_tenant.pay(customer)

    completed = payments_complete_pending(now=timezone.now() + timedelta(minutes=5))
    payment = Payment.objects.for_app(paying_tenant.app).get()
    after = paying_tenant.complete(_view(paying_tenant, payment.pk))

    assert failed.status_code == 502
    assert completed == 1
    assert after["status"] == "succeeded"
    assert paying_tenant.payments_at_provider() == 1


def _view(paying: PayingTenant, payment_id: str) -> dict:
    answer: dict = paying.client.get(f"/v1/payments/{payment_id}").json()
    return answer


def test_a_payment_whose_webhook_was_lost_is_settled_by_the_sweep_once(
    paying_tenant: PayingTenant,
):
    created = paying_tenant.pay(paying_tenant.acting_customer())
    waiting = paying_tenant.complete(created.json(), deliver_webhooks=False)
    too_soon = payments_sync_awaiting_action()

    swept = payments_sync_awaiting_action(now=timezone.now() + timedelta(minutes=5))
    again = payments_sync_awaiting_action(now=timezone.now() + timedelta(minutes=6))
    # The lost webhooks arrive after all: nothing more happens.
    late = paying_tenant.deliver_all()

    payment = _view(paying_tenant, created.json()["id"])
    assert created.json()["status"] == waiting["status"] == "requires_action"
    assert (too_soon, swept, again) == (0, 1, 0)
    assert set(late) == {200}
    assert payment["status"] == "succeeded"
    assert _transitions(paying_tenant, payment["id"])[-1] == ("requires_action", "succeeded")
    assert (
        AuditEvent.objects.for_app(paying_tenant.app)
        .get(target_id=payment["id"], payload_snapshot__to="succeeded")
        .actor_id
        == "system"
    )
    assert (
        AppEvent.objects.for_app(paying_tenant.app).filter(event_type="payment.succeeded").count()
        == 1
    )
    assert paying_tenant.payments_at_provider() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_with_one_key_make_one_payment(paying_tenant: PayingTenant):
    customer = paying_tenant.customer()
    body = paying_tenant.payment_body(customer, amount=500)
    barrier = threading.Barrier(6)
    statuses: list[int] = []

    def fire() -> None:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {paying_tenant.tenant.raw_key}")
        barrier.wait()
        try:
            response = client.post("/v1/payments", body, format="json", HTTP_IDEMPOTENCY_KEY="race")
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=fire) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(statuses) == 6
    assert set(statuses) <= {201, 409} and 201 in statuses
    assert paying_tenant.payments_at_provider() == 1
    assert Payment.objects.for_app(paying_tenant.app).count() == 1
    assert (
        AuditEvent.objects.for_app(paying_tenant.app).filter(action_type="CREATE_PAYMENT").count()
        == 1
    )


def test_refunds_in_part_then_the_rest_up_to_the_amount_and_no_further(
    paying_tenant: PayingTenant,
):
    payment = paying_tenant.paid(amount=2000)
    refunds = f"/v1/payments/{payment['id']}/refunds"

    first = paying_tenant.client.post(refunds, {"amount": 500}, format="json")
    over = paying_tenant.client.post(refunds, {"amount": 1501}, format="json")
    rest = paying_tenant.client.post(refunds, {}, format="json")
    beyond = paying_tenant.client.post(refunds, {"amount": 1}, format="json")

    assert first.status_code == rest.status_code == 201, (first.content, rest.content)
    assert first.json()["status"] == rest.json()["status"] == "succeeded"
    assert rest.json()["amount"] == 1500
    assert (over.status_code, beyond.status_code) == (400, 400)
    assert (over.json()["error"]["code"], over.json()["error"]["param"]) == (
        "amount_too_large",
        "amount",
    )
    assert beyond.json()["error"]["code"] == "payment_already_refunded"
    # The refusals were made before the provider was asked.
    assert paying_tenant.refunds_at_provider() == 2
    assert _view(paying_tenant, payment["id"])["amount_refunded"] == 2000
    listed = paying_tenant.client.get(f"/v1/refunds?payment={payment['id']}").json()["data"]
    assert sorted(refund["amount"] for refund in listed) == [500, 1500]
    audited = AuditEvent.objects.for_app(paying_tenant.app).filter(action_type="CREATE_REFUND")
    assert audited.count() == 2


def test_a_refund_retried_after_the_provider_failed_refunds_once(paying_tenant: PayingTenant):
    payment = paying_tenant.paid(amount=2000)
    refunds = f"/v1/payments/{payment['id']}/refunds"
    with paying_tenant.outage():
        failed = paying_tenant.client.post(
            refunds, {"amount": 700}, format="json", HTTP_IDEMPOTENCY_KEY="refund-1"
        )

    retried = paying_tenant.client.post(
        refunds, {"amount": 700}, format="json", HTTP_IDEMPOTENCY_KEY="refund-1"
    )

    assert failed.status_code == 502, failed.content
    assert retried.status_code == 201, retried.content
    assert retried.json()["status"] == "succeeded"
    assert paying_tenant.refunds_at_provider() == 1
    assert Refund.objects.for_app(paying_tenant.app).count() == 1
    assert _view(paying_tenant, payment["id"])["amount_refunded"] == 700


def test_duplicated_and_reordered_webhooks_change_nothing_more(paying_tenant: PayingTenant):
    payment = paying_tenant.paid(amount=2000)
    refund = paying_tenant.client.post(
        f"/v1/payments/{payment['id']}/refunds", {"amount": 700}, format="json"
    )
    events = paying_tenant.events()
    assert set(paying_tenant.deliver_all(events)) == {200}
    audited = AuditEvent.objects.for_app(paying_tenant.app).count()
    told = AppEvent.objects.for_app(paying_tenant.app).count()

    answers = paying_tenant.deliver_all([*reversed(events), *events, *reversed(events)])

    assert refund.status_code == 201, refund.content
    assert set(answers) == {200}
    after = _view(paying_tenant, payment["id"])
    assert (after["status"], after["amount_refunded"]) == ("succeeded", 700)
    assert Refund.objects.for_app(paying_tenant.app).count() == 1
    assert AuditEvent.objects.for_app(paying_tenant.app).count() == audited
    assert AppEvent.objects.for_app(paying_tenant.app).count() == told
    assert paying_tenant.payments_at_provider() == 1
    assert paying_tenant.refunds_at_provider() == 1


def test_a_refund_made_at_the_provider_is_recorded_from_its_event(paying_tenant: PayingTenant):
    payment = paying_tenant.paid(amount=2000)

    made = paying_tenant.refund_at_provider(payment, 300)
    answers = paying_tenant.deliver_all()

    assert set(answers) == {200}
    [refund] = paying_tenant.client.get(f"/v1/refunds?payment={payment['id']}").json()["data"]
    assert (refund["amount"], refund["status"], refund["provider_refund_id"]) == (
        300,
        "succeeded",
        made,
    )
    assert _view(paying_tenant, payment["id"])["amount_refunded"] == 300


def test_another_apps_payment_and_its_refunds_answer_404(
    paying_tenant: PayingTenant, other_tenant: Tenant
):
    payment = paying_tenant.paid()
    refund = paying_tenant.client.post(
        f"/v1/payments/{payment['id']}/refunds", {"amount": 100}, format="json"
    ).json()

    answers = [
        other_tenant.client.get(f"/v1/payments/{payment['id']}").status_code,
        other_tenant.client.get(f"/v1/refunds/{refund['id']}").status_code,
        other_tenant.client.post(
            f"/v1/payments/{payment['id']}/refunds", {}, format="json"
        ).status_code,
        other_tenant.client.post(
            "/v1/payments",
            paying_tenant.payment_body(payment["customer"]),
            format="json",
        ).status_code,
    ]

    assert answers == [404, 404, 404, 404]
    assert other_tenant.client.get("/v1/payments").json()["data"] == []
    assert _view(paying_tenant, payment["id"])["amount_refunded"] == 100
