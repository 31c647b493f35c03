"""A PayPal app's one-time payments and refunds, through our API against the PayPal emulator
over HTTP: the payer approves on PayPal's page (a plain HTTP client submitting its form), the
emulator's signed webhooks reach our `/webhooks/paypal/` on a live server, and the order is
captured there."""

import json
import re
import urllib.parse
from io import StringIO
from typing import Any

import pytest
import requests
from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient

from audit.models import AuditEvent
from billing.models import Payment, Refund
from notifications.models import AppEvent
from paypal_emulator.pytest_plugin import TEST_CLIENT_ID, TEST_CLIENT_SECRET
from paypal_emulator.server import PayPalEmulatorServer
from tenants.models import ApiKey, App
from tests.factories import Tenant

RETURN_URL = "https://app.example/paid"


def _paypal_tenant(name: str) -> Tenant:
    output = StringIO()
    call_command("create_app", name, "--provider", "paypal", "--json", stdout=output)
    created = json.loads(output.getvalue())
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {created['api_key']}")
    app = App.objects.get(name=name)
    return Tenant(
        app=app,
        api_key=ApiKey.objects.all_tenants().get(app=app),
        raw_key=created["api_key"],
        client=client,
    )


@pytest.fixture
def paypal(settings: Any, paypal_emulator: PayPalEmulatorServer) -> PayPalEmulatorServer:
    settings.PAYPAL_CLIENT_ID = TEST_CLIENT_ID
    settings.PAYPAL_CLIENT_SECRET = TEST_CLIENT_SECRET
    settings.PAYPAL_API_BASE = paypal_emulator.url
    settings.PAYPAL_MAX_NETWORK_RETRIES = 2
    return paypal_emulator


@pytest.fixture
def paypal_webhooks(settings: Any, paypal: PayPalEmulatorServer, live_server: Any) -> str:
    """Our endpoint on a live server, registered at the emulator as our webhook listener."""
    settings.PAYPAL_WEBHOOK_ID = paypal.add_webhook(f"{live_server.url}/webhooks/paypal/")
    return str(settings.PAYPAL_WEBHOOK_ID)


@pytest.fixture
def shop(db: Any, paypal: PayPalEmulatorServer) -> Tenant:
    return _paypal_tenant("PayPal shop")


def _settle(paypal: PayPalEmulatorServer) -> None:
    assert paypal.wait_for_webhooks(timeout_seconds=30)
    refused = [d for d in paypal.webhook_deliveries() if d["status"] != 200]
    assert refused == [], refused


def _customer(shop: Tenant) -> dict[str, Any]:
    external_id = f"payer-{Payment.objects.for_app(shop.app).count()}"
    response = shop.client.post("/v1/customers", {"external_id": external_id}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def _pay(shop: Tenant, amount: int = 2500, currency: str = "usd", **headers: str) -> Any:
    return shop.client.post(
        "/v1/payments",
        {
            "customer": _customer(shop)["id"],
            "amount": amount,
            "currency": currency,
            "return_url": RETURN_URL,
        },
        format="json",
        **headers,
    )


def _approve(redirect_url: str, payer: str = "buyer") -> str:
    """The payer's browser on PayPal's page: opens it, picks a sandbox payer, submits the form;
    answers where PayPal sends the browser back."""
    page = requests.get(redirect_url, timeout=10)
    assert page.status_code == 200, page.text
    action = re.search(r'<form method="post" action="([^"]+)">', page.text)
    token = re.search(r'name="token" value="([^"]+)"', page.text)
    assert action and token and f'value="{payer}"' in page.text
    base = redirect_url.split("/checkoutnow")[0]
    answer = requests.post(
        base + action.group(1),
        data={"token": token.group(1), "payer": payer},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 303
    return str(answer.headers["Location"])


def _succeeded_payment(shop: Tenant, paypal: PayPalEmulatorServer) -> dict[str, Any]:
    created = _pay(shop)
    assert created.status_code == 201, created.content
    _approve(created.json()["redirect_url"])
    _settle(paypal)
    payment = shop.client.get(f"/v1/payments/{created.json()['id']}").json()
    assert payment["status"] == "succeeded", payment
    return payment


def test_a_paypal_payment_waits_for_approval_then_is_captured_by_its_webhook_and_succeeds(
    shop: Tenant, paypal: PayPalEmulatorServer, paypal_webhooks: str
):
    created = _pay(shop)
    pending = created.json()

    back = _approve(pending["redirect_url"])
    _settle(paypal)

    payment = shop.client.get(f"/v1/payments/{pending['id']}").json()
    assert created.status_code == 201, created.content
    assert pending["status"] == "requires_action"
    assert (
        pending["redirect_url"]
        == f"{paypal.url}/checkoutnow?token={pending['provider_payment_id']}"
    )
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(back).query)
    assert back.startswith(RETURN_URL + "?")
    assert query["token"] == [pending["provider_payment_id"]] and query["PayerID"]
    assert payment["status"] == "succeeded"
    assert payment["redirect_url"] is None
    order = paypal.api.orders[pending["provider_payment_id"]]
    assert order["status"] == "COMPLETED"
    assert order["purchase_units"][0]["amount"] == {"currency_code": "USD", "value": "25.00"}
    assert Payment.objects.for_app(shop.app).get().provider_charge_id == order["_captures"][0]
    [told] = AppEvent.objects.for_app(shop.app).filter(event_type="payment.succeeded")
    assert told.data["id"] == pending["id"]
    changes = AuditEvent.objects.for_app(shop.app).filter(action_type="UPDATE_PAYMENT_STATUS")
    assert [(e.payload_snapshot["to"], e.actor_id) for e in changes.order_by("created_at")] == [
        ("requires_action", shop.api_key.pk),
        ("succeeded", "webhook:paypal"),
    ]
    # Every create and capture carried a PayPal-Request-Id.
    posts = [r for r in paypal.requests() if r["path"].startswith("/v2/") and r["method"] == "POST"]
    assert posts and all(r["paypal_request_id"] for r in posts)


def test_a_zero_decimal_currency_is_sent_to_paypal_in_whole_units(
    shop: Tenant, paypal: PayPalEmulatorServer
):
    created = _pay(shop, amount=500, currency="jpy")

    order = paypal.api.orders[created.json()["provider_payment_id"]]
    assert created.status_code == 201, created.content
    assert order["purchase_units"][0]["amount"] == {"currency_code": "JPY", "value": "500"}


def test_a_paypal_payment_is_refunded_twice_in_part_and_a_third_over_the_rest_answers_400(
    shop: Tenant, paypal: PayPalEmulatorServer, paypal_webhooks: str
):
    payment = _succeeded_payment(shop, paypal)

    first = shop.client.post(
        f"/v1/payments/{payment['id']}/refunds", {"amount": 1000}, format="json"
    )
    second = shop.client.post(
        f"/v1/payments/{payment['id']}/refunds", {"amount": 1000}, format="json"
    )
    third = shop.client.post(
        f"/v1/payments/{payment['id']}/refunds", {"amount": 501}, format="json"
    )
    _settle(paypal)

    after = shop.client.get(f"/v1/payments/{payment['id']}").json()
    assert (first.status_code, second.status_code) == (201, 201), (first.content, second.content)
    assert first.json()["status"] == second.json()["status"] == "succeeded"
    assert third.status_code == 400
    assert (third.json()["error"]["code"], third.json()["error"]["param"]) == (
        "amount_too_large",
        "amount",
    )
    assert after["amount_refunded"] == 2000
    # The refund webhooks found our refunds: none was recorded again as made elsewhere.
    assert Refund.objects.for_app(shop.app).count() == 2
    capture_id = Payment.objects.for_app(shop.app).get().provider_charge_id
    capture = paypal.api.captures[capture_id]
    assert (capture["status"], capture["_refunded_minor"]) == ("PARTIALLY_REFUNDED", 2000)
    assert {r["provider_refund_id"] for r in (first.json(), second.json())} == set(
        capture["_refunds"]
    )


def test_a_payer_whose_funding_is_declined_leaves_the_payment_failed_with_paypals_issue(
    shop: Tenant, paypal: PayPalEmulatorServer, paypal_webhooks: str
):
    created = _pay(shop).json()

    _approve(created["redirect_url"], payer="declined")
    _settle(paypal)

    payment = shop.client.get(f"/v1/payments/{created['id']}").json()
    assert payment["status"] == "failed"
    assert payment["decline_code"] == "instrument_declined"
    [told] = AppEvent.objects.for_app(shop.app).filter(event_type="payment.failed")
    assert told.data["decline_code"] == "instrument_declined"
    refund = shop.client.post(f"/v1/payments/{created['id']}/refunds", {}, format="json")
    assert refund.status_code == 400


def test_a_payment_retried_with_its_idempotency_key_under_injected_500s_makes_one_order(
    shop: Tenant, paypal: PayPalEmulatorServer
):
    customer = _customer(shop)
    body = {"customer": customer["id"], "amount": 1200, "currency": "eur", "return_url": RETURN_URL}
    # More failures than the provider's own retries: the first request gives up.
    paypal.set_faults(status=500, count=3, path_prefix="/v2/checkout/orders")

    failed = shop.client.post("/v1/payments", body, format="json", HTTP_IDEMPOTENCY_KEY="order-1")
    retried = shop.client.post("/v1/payments", body, format="json", HTTP_IDEMPOTENCY_KEY="order-1")
    again = shop.client.post("/v1/payments", body, format="json", HTTP_IDEMPOTENCY_KEY="order-1")

    assert failed.status_code == 502, failed.content
    assert failed.json()["error"]["code"] == "provider_unavailable"
    assert retried.status_code == 201, retried.content
    assert again.json()["id"] == retried.json()["id"]
    assert retried.json()["status"] == "requires_action"
    assert len(paypal.api.orders) == 1
    assert Payment.objects.for_app(shop.app).count() == 1
    creates = [r for r in paypal.requests() if r["path"] == "/v2/checkout/orders"]
    # The SDK's own retries and ours, all with the same PayPal-Request-Id.
    assert len(creates) > 3 and len({r["paypal_request_id"] for r in creates}) == 1


def test_an_expired_paypal_token_is_fetched_again(shop: Tenant, paypal: PayPalEmulatorServer):
    _pay(shop)
    paypal.api.expire_tokens()

    created = _pay(shop)

    assert created.status_code == 201, created.content
    assert [r["path"] for r in paypal.requests()].count("/v1/oauth2/token") >= 2


def _delivered(paypal: PayPalEmulatorServer, webhook_id: str) -> list[tuple[bytes, dict[str, str]]]:
    """Every event so far, signed for our listener as the emulator sends them."""
    from paypal_emulator.api import canonical

    signed = []
    for event in paypal.events():
        body = canonical(event)
        signed.append((body, paypal.api.signed_headers(webhook_id, body, paypal.url)))
    return signed


def _post(body: bytes, headers: dict[str, str]) -> Any:
    return Client().post(
        "/webhooks/paypal/",
        data=body,
        content_type="application/json",
        headers=headers,
    )


def test_a_tampered_or_unsigned_paypal_webhook_is_refused(
    shop: Tenant, paypal: PayPalEmulatorServer, settings: Any
):
    settings.PAYPAL_WEBHOOK_ID = paypal.add_webhook("http://127.0.0.1:9/nobody")
    created = _pay(shop).json()
    _approve(created["redirect_url"])
    [(body, headers)] = _delivered(paypal, settings.PAYPAL_WEBHOOK_ID)

    tampered = _post(body.replace(b"APPROVED", b"COMPLETED"), headers)
    unsigned = _post(body, {})
    genuine = _post(body, headers)

    assert (tampered.status_code, unsigned.status_code) == (400, 400)
    assert genuine.status_code == 200
    assert shop.client.get(f"/v1/payments/{created['id']}").json()["status"] == "succeeded"


def test_duplicated_and_reordered_paypal_webhooks_change_nothing_more(
    shop: Tenant, paypal: PayPalEmulatorServer, paypal_webhooks: str
):
    payment = _succeeded_payment(shop, paypal)
    refund = shop.client.post(
        f"/v1/payments/{payment['id']}/refunds", {"amount": 700}, format="json"
    )
    _settle(paypal)
    audited = AuditEvent.objects.for_app(shop.app).count()
    told = AppEvent.objects.for_app(shop.app).count()

    answers = [
        _post(body, headers).status_code
        for body, headers in [
            *reversed(_delivered(paypal, paypal_webhooks)),
            *_delivered(paypal, paypal_webhooks),
        ]
    ]

    assert refund.status_code == 201
    assert set(answers) == {200}
    after = shop.client.get(f"/v1/payments/{payment['id']}").json()
    assert (after["status"], after["amount_refunded"]) == ("succeeded", 700)
    assert Refund.objects.for_app(shop.app).count() == 1
    assert AuditEvent.objects.for_app(shop.app).count() == audited
    assert AppEvent.objects.for_app(shop.app).count() == told
    assert len(paypal.api.captures) == 1


def test_another_apps_paypal_payment_answers_404(
    shop: Tenant, other_tenant: Tenant, paypal: PayPalEmulatorServer
):
    created = _pay(shop).json()

    assert other_tenant.client.get(f"/v1/payments/{created['id']}").status_code == 404
    refund = other_tenant.client.post(f"/v1/payments/{created['id']}/refunds", {}, format="json")
    assert refund.status_code == 404


def test_a_refund_made_at_paypal_itself_is_recorded_through_its_webhook(
    shop: Tenant, paypal: PayPalEmulatorServer, paypal_webhooks: str
):
    payment = _succeeded_payment(shop, paypal)
    capture_id = Payment.objects.for_app(shop.app).get().provider_charge_id
    token = requests.post(
        f"{paypal.url}/v1/oauth2/token",
        data={"grant_type": "client_credentials"},
        auth=(TEST_CLIENT_ID, TEST_CLIENT_SECRET),
        timeout=5,
    ).json()["access_token"]

    made = requests.post(
        f"{paypal.url}/v2/payments/captures/{capture_id}/refund",
        json={"amount": {"currency_code": "USD", "value": "3.00"}},
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
    )
    _settle(paypal)

    assert made.status_code == 201, made.text
    [refund] = shop.client.get(f"/v1/refunds?payment={payment['id']}").json()["data"]
    assert (refund["amount"], refund["status"]) == (300, "succeeded")
    assert refund["provider_refund_id"] == made.json()["id"]
    assert shop.client.get(f"/v1/payments/{payment['id']}").json()["amount_refunded"] == 300


def test_a_webhook_paypal_cannot_verify_during_an_outage_answers_503_and_its_retry_succeeds(
    shop: Tenant, paypal: PayPalEmulatorServer, paypal_webhooks: str
):
    created = _pay(shop).json()
    paypal.set_faults(status=503, count=3, path_prefix="/v1/notifications/verify")

    _approve(created["redirect_url"])
    assert paypal.wait_for_webhooks(timeout_seconds=30)

    deliveries = [
        d for d in paypal.webhook_deliveries() if d["event_type"] == "CHECKOUT.ORDER.APPROVED"
    ]
    assert [d["status"] for d in deliveries] == [503, 200]
    assert shop.client.get(f"/v1/payments/{created['id']}").json()["status"] == "succeeded"


def test_the_webhook_route_answers_404_for_an_unknown_provider_and_for_stripe(db: Any):
    assert (
        Client().post("/webhooks/adyen/", data=b"{}", content_type="application/json").status_code
        == 404
    )
    assert (
        Client().post("/webhooks/stripe/", data=b"{}", content_type="application/json").status_code
        == 404
    )


def test_an_event_whose_capture_paypal_refuses_is_answered_200_and_leaves_the_payment_waiting(
    shop: Tenant, paypal: PayPalEmulatorServer, paypal_webhooks: str
):
    created = _pay(shop).json()
    order_id = created["provider_payment_id"]
    paypal.set_faults(status=422, count=1, path_prefix=f"/v2/checkout/orders/{order_id}/capture")

    _approve(created["redirect_url"])
    _settle(paypal)

    payment = shop.client.get(f"/v1/payments/{created['id']}").json()
    assert payment["status"] == "requires_action"
    assert paypal.api.orders[order_id]["status"] == "APPROVED"
    assert [d["status"] for d in paypal.webhook_deliveries()] == [200]
