"""One-time payments and refunds through the API, against the Stripe emulator."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from djstripe.models import WebhookEndpoint
from rest_framework.test import APIClient

from audit.models import AuditEvent
from billing.models import Payment, PaymentStatus
from billing.payments import payments_complete_pending
from billing.stripe_account import stripe_account_setup
from stripe_emulator.server import EmulatorServer
from tests.factories import UNREACHABLE_BASE_URL, Tenant, deliver, events_of
from tests.stripe_emulator.raw_http import raw_request

RETURN_URL = "https://shop.example/orders/42/paid"


@pytest.fixture
def endpoint(stripe: EmulatorServer, db: Any) -> WebhookEndpoint:
    stripe_account_setup(base_url=UNREACHABLE_BASE_URL)
    return WebhookEndpoint.objects.get()


def _customer(api: APIClient, payment_method: str = "pm_card_visa") -> str:
    response = api.post(
        "/v1/customers", {"external_id": "payer", "payment_method": payment_method}, format="json"
    )
    assert response.status_code == 201, response.content
    return response.json()["id"]


def _pay(api: APIClient, customer: str, amount: int = 2000, **extra):
    return api.post(
        "/v1/payments",
        {"customer": customer, "amount": amount, "currency": "usd", **extra},
        format="json",
    )


def _intents(stripe: EmulatorServer) -> list[dict]:
    return [obj for obj in stripe.state.objects.values() if obj.get("object") == "payment_intent"]


def test_a_payment_charges_the_customers_card(tenant: Tenant, stripe: EmulatorServer):
    customer = _customer(tenant.client)

    response = _pay(tenant.client, customer, description="Order 42", metadata={"order": "42"})

    assert response.status_code == 201, response.content
    payment = response.json()
    assert payment["id"].startswith("pay_")
    assert payment["status"] == "succeeded"
    assert payment["amount"] == 2000
    assert payment["amount_refunded"] == 0
    intent = stripe.state.objects[payment["provider_payment_id"]]
    assert intent["status"] == "succeeded"
    assert intent["amount"] == 2000
    assert intent["metadata"]["app_id"] == tenant.app.pk
    assert intent["metadata"]["payment_id"] == payment["id"]
    assert intent["metadata"]["order"] == "42"


def test_a_declined_card_answers_402_with_the_decline_code(tenant: Tenant):
    customer = _customer(tenant.client)

    response = _pay(tenant.client, customer, payment_method="pm_card_chargeDeclined")

    assert response.status_code == 402
    error = response.json()["error"]
    assert error["type"] == "card_error"
    assert error["code"] == "card_declined"
    assert error["decline_code"] == "generic_decline"
    payment = Payment.objects.for_app(tenant.app).get()
    assert payment.status == PaymentStatus.FAILED
    assert payment.decline_code == "generic_decline"


def test_a_card_needing_authentication_answers_requires_action_with_the_client_secret(
    api: APIClient,
):
    customer = _customer(api)

    response = _pay(api, customer, payment_method="pm_card_authenticationRequired")

    assert response.status_code == 201
    assert response.json()["status"] == "requires_action"
    assert response.json()["client_secret"]
    # No return_url: nowhere to redirect to, the app's page authenticates with Stripe.js.
    assert response.json()["redirect_url"] is None


def test_a_payment_without_return_url_or_off_session_turns_redirects_off_at_stripe(
    api: APIClient, stripe: EmulatorServer
):
    customer = _customer(api)

    payment = _pay(api, customer).json()

    intent = stripe.state.objects[payment["provider_payment_id"]]
    assert payment["status"] == "succeeded"
    assert intent["automatic_payment_methods"] == {"allow_redirects": "never", "enabled": True}


def test_a_three_d_secure_payment_with_a_return_url_redirects_then_succeeds_by_webhook(
    tenant: Tenant, stripe: EmulatorServer, endpoint: WebhookEndpoint
):
    customer = _customer(tenant.client)
    created = _pay(
        tenant.client,
        customer,
        payment_method="pm_card_threeDSecure2Required",
        return_url=RETURN_URL,
    )
    payment = created.json()
    next_action = stripe.state.objects[payment["provider_payment_id"]]["next_action"]

    status, _, _ = raw_request(
        stripe,
        "POST",
        f"/_emulator/payment_intents/{payment['provider_payment_id']}/authenticate",
    )
    succeeded = events_of(stripe, "payment_intent.succeeded", payment["provider_payment_id"])
    delivered = deliver(endpoint, succeeded[-1])
    after = tenant.client.get(f"/v1/payments/{payment['id']}").json()

    assert created.status_code == 201, created.content
    assert payment["status"] == "requires_action"
    assert payment["return_url"] == RETURN_URL
    assert payment["redirect_url"].startswith("https://hooks.stripe.com/")
    assert next_action["redirect_to_url"]["return_url"] == RETURN_URL
    assert status == 200
    assert delivered.status_code == 200
    assert after["status"] == "succeeded"
    assert after["redirect_url"] is None and after["client_secret"] is None
    transitions = [
        (event.payload_snapshot["from"], event.payload_snapshot["to"])
        for event in AuditEvent.objects.for_app(tenant.app)
        .filter(target_id=payment["id"], action_type="UPDATE_PAYMENT_STATUS")
        .order_by("created_at")
    ]
    assert transitions == [("pending", "requires_action"), ("requires_action", "succeeded")]


def test_an_off_session_payment_charges_the_saved_card(api: APIClient, stripe: EmulatorServer):
    customer = _customer(api)

    response = _pay(api, customer, off_session=True)

    assert response.status_code == 201, response.content
    payment = response.json()
    assert (payment["status"], payment["off_session"]) == ("succeeded", True)
    saved_card = api.get(f"/v1/customers/{customer}").json()["default_payment_method"]
    assert stripe.state.objects[payment["provider_payment_id"]]["payment_method"] == saved_card


def test_an_off_session_payment_with_a_card_needing_authentication_answers_402(
    tenant: Tenant,
):
    customer = _customer(tenant.client, payment_method="pm_card_threeDSecure2Required")

    response = _pay(tenant.client, customer, off_session=True)

    assert response.status_code == 402
    error = response.json()["error"]
    assert (error["type"], error["code"]) == ("card_error", "authentication_required")
    payment = Payment.objects.for_app(tenant.app).get()
    assert payment.status == PaymentStatus.FAILED
    assert payment.failure_code == "authentication_required"


def test_return_url_and_off_session_together_answer_400_and_charge_nothing(
    tenant: Tenant, stripe: EmulatorServer
):
    customer = _customer(tenant.client)

    response = _pay(tenant.client, customer, return_url=RETURN_URL, off_session=True)

    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], error["param"]) == ("parameters_exclusive", "off_session")
    assert not Payment.objects.for_app(tenant.app).exists()
    assert _intents(stripe) == []


@pytest.mark.parametrize(
    "return_url",
    ["not a url", "ftp://shop.example/paid", "javascript:alert(1)", 42, "https://" + "a" * 2050],
)
def test_a_return_url_that_is_not_a_web_address_answers_400(api: APIClient, return_url: Any):
    customer = _customer(api)

    response = _pay(api, customer, return_url=return_url)

    assert response.status_code == 400
    assert response.json()["error"]["param"] == "return_url"


def test_a_payment_left_pending_is_retried_with_its_return_url(
    tenant: Tenant, stripe: EmulatorServer
):
    customer = _customer(tenant.client)
    stripe.set_faults(status=500, count=10)
    _pay(
        tenant.client,
        customer,
        payment_method="pm_card_threeDSecure2Required",
        return_url=RETURN_URL,
    )
    stripe.clear_faults()

    payments_complete_pending(now=timezone.now() + timedelta(minutes=5))

    payment = Payment.objects.for_app(tenant.app).get()
    assert payment.status == PaymentStatus.REQUIRES_ACTION
    assert payment.redirect_url.startswith("https://hooks.stripe.com/")
    assert len(_intents(stripe)) == 1


def test_payment_input_errors_answer_400(api: APIClient):
    customer = _customer(api)

    negative = api.post(
        "/v1/payments", {"customer": customer, "amount": -5, "currency": "usd"}, format="json"
    )
    text_amount = api.post(
        "/v1/payments", {"customer": customer, "amount": "5", "currency": "usd"}, format="json"
    )
    bad_currency = api.post(
        "/v1/payments", {"customer": customer, "amount": 5, "currency": "dollars"}, format="json"
    )

    assert (negative.status_code, negative.json()["error"]["param"]) == (400, "amount")
    assert (text_amount.status_code, text_amount.json()["error"]["param"]) == (400, "amount")
    assert (bad_currency.status_code, bad_currency.json()["error"]["param"]) == (400, "currency")


def test_another_apps_customer_answers_404(api: APIClient, other_tenant: Tenant):
    theirs = _customer(other_tenant.client)

    response = api.post(
        "/v1/payments", {"customer": theirs, "amount": 5, "currency": "usd"}, format="json"
    )

    assert response.status_code == 404
    assert response.json()["error"]["param"] == "customer"


def test_payment_list_filters_by_customer_and_status(api: APIClient):
    customer = _customer(api)
    succeeded = _pay(api, customer).json()
    _pay(api, customer, payment_method="pm_card_chargeDeclined")

    listed = api.get(f"/v1/payments?customer={customer}&status=succeeded").json()["data"]

    assert [payment["id"] for payment in listed] == [succeeded["id"]]
