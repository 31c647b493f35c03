"""A PayPal app's one-time payments and refunds, through our API against the PayPal emulator
over HTTP: the payer approves on PayPal's page (a plain HTTP client submitting its form), the
emulator's signed webhooks reach our `/webhooks/paypal/` on a live server, and the order is
captured there."""

import threading
import urllib.parse
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from audit.models import AuditEvent
from billing.models import Payment
from billing.payments import payments_sync_awaiting_action
from billing.providers.keys import provider_idempotency_key
from billing.providers.paypal import PayPalProvider
from notifications.models import AppEvent
from paypal_emulator.server import PayPalEmulatorServer
from tests.factories import Tenant
from tests.payment_providers import paypal_approve, paypal_configure, paypal_tenant_make

RETURN_URL = "https://app.example/paid"


@pytest.fixture
def paypal(settings: Any, paypal_emulator: PayPalEmulatorServer) -> PayPalEmulatorServer:
    paypal_configure(settings, paypal_emulator)
    return paypal_emulator


@pytest.fixture
def paypal_webhooks(settings: Any, paypal: PayPalEmulatorServer, live_server: Any) -> str:
    """Our endpoint on a live server, registered at the emulator as our webhook listener."""
    settings.PAYPAL_WEBHOOK_ID = paypal.add_webhook(f"{live_server.url}/webhooks/paypal/")
    return str(settings.PAYPAL_WEBHOOK_ID)


@pytest.fixture
def shop(db: Any, paypal: PayPalEmulatorServer) -> Tenant:
    return paypal_tenant_make("PayPal shop")


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


_approve = paypal_approve


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


def test_an_approved_order_whose_webhook_is_lost_is_captured_by_the_sweep_once(
    shop: Tenant, paypal: PayPalEmulatorServer, paypal_webhooks: str
):
    created = _pay(shop).json()
    paypal.drop_webhooks(event_type="CHECKOUT.ORDER.APPROVED")
    _approve(created["redirect_url"])
    _settle(paypal)
    waiting = shop.client.get(f"/v1/payments/{created['id']}").json()

    swept = payments_sync_awaiting_action(now=timezone.now() + timedelta(minutes=5))
    # The capture's own webhook does reach us, after the sweep captured.
    _settle(paypal)

    payment = shop.client.get(f"/v1/payments/{created['id']}").json()
    order_id = created["provider_payment_id"]
    assert [d["event_type"] for d in paypal.webhooks.dropped] == ["CHECKOUT.ORDER.APPROVED"]
    assert waiting["status"] == "requires_action"
    assert swept == 1
    assert payment["status"] == "succeeded"
    assert paypal.api.orders[order_id]["status"] == "COMPLETED"
    assert len(paypal.api.orders[order_id]["_captures"]) == 1
    captures = [r for r in paypal.requests() if r["path"].endswith(f"{order_id}/capture")]
    # Derived from our payment row, so any other capture of it would have been the same.
    assert {r["paypal_request_id"] for r in captures} == {
        provider_idempotency_key(
            app_id=shop.app.pk, request_key=None, object_id=created["id"], operation="capture"
        )
    }
    [told] = AppEvent.objects.for_app(shop.app).filter(event_type="payment.succeeded")
    assert told.data["id"] == created["id"]


def test_captures_of_one_approved_order_racing_from_the_webhook_and_the_sweep_make_one(
    shop: Tenant, paypal: PayPalEmulatorServer
):
    created = _pay(shop).json()
    _approve(created["redirect_url"])
    order_id = created["provider_payment_id"]
    provider = PayPalProvider(app=shop.app)
    barrier = threading.Barrier(4)
    results: list[Any] = []

    def capture() -> None:
        # What the webhook's handler and the sweep each ask PayPal, at the same moment.
        barrier.wait()
        results.append(provider.charge_retrieve(provider_reference=order_id))

    threads = [threading.Thread(target=capture) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(results) == 4
    assert {(r.status, r.charge_reference) for r in results} == {
        ("succeeded", paypal.api.orders[order_id]["_captures"][0])
    }
    assert len(paypal.api.captures) == 1
