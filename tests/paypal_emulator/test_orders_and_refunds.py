import json
import re
import threading
import time
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests
from paypalserversdk.exceptions.error_exception import ErrorException

from paypal_emulator.server import PayPalEmulatorServer
from tests.paypal_emulator.conftest import sdk_client

ORDER = {
    "intent": "CAPTURE",
    "purchase_units": [
        {"amount": {"currency_code": "USD", "value": "25.00"}, "custom_id": "pay_1"}
    ],
    "payment_source": {
        "paypal": {
            "experience_context": {
                "return_url": "https://app.example/return",
                "cancel_url": "https://app.example/cancel",
            }
        }
    },
}


def _create(paypal: Any, body: dict[str, Any] = ORDER, request_id: str = "") -> dict[str, Any]:
    options: dict[str, Any] = {"body": body, "prefer": "return=representation"}
    if request_id:
        options["paypal_request_id"] = request_id
    return json.loads(paypal.orders.create_order(options).text)


def _approve(order: dict[str, Any], payer: str = "buyer") -> requests.Response:
    """The payer's browser: opens the approval link and submits the page's form."""
    link = next(
        link["href"] for link in order["links"] if link["rel"] in ("payer-action", "approve")
    )
    page = requests.get(link, timeout=5)
    assert page.status_code == 200
    action = re.search(r'<form method="post" action="([^"]+)">', page.text).group(1)
    token = re.search(r'name="token" value="([^"]+)"', page.text).group(1)
    assert f'name="payer" value="{payer}"' in page.text
    base = link.split("/checkoutnow")[0]
    return requests.post(
        base + action, data={"token": token, "payer": payer}, allow_redirects=False, timeout=5
    )


def _issue(error: ErrorException) -> tuple[int, str, str]:
    body = json.loads(error.response.text)
    return error.response_code, body["name"], body["details"][0]["issue"]


def test_wrong_client_credentials_answer_401_invalid_client(paypal_emulator: PayPalEmulatorServer):
    response = requests.post(
        f"{paypal_emulator.url}/v1/oauth2/token",
        data={"grant_type": "client_credentials"},
        auth=("emulator-client-id", "wrong"),
        timeout=5,
    )

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_an_expired_token_answers_401(paypal, paypal_emulator: PayPalEmulatorServer):
    _create(paypal)
    requests.post(f"{paypal_emulator.url}/_emulator/tokens/expire", timeout=5)

    with pytest.raises(ErrorException) as refused:
        _create(paypal)

    assert refused.value.response_code == 401


def test_an_order_approved_on_the_page_is_captured_and_refunded_up_to_its_amount(paypal):
    order = _create(paypal)
    assert order["status"] == "PAYER_ACTION_REQUIRED"

    redirect = _approve(order)
    captured = json.loads(
        paypal.orders.capture_order({"id": order["id"], "prefer": "return=representation"}).text
    )
    capture = captured["purchase_units"][0]["payments"]["captures"][0]
    first = json.loads(
        paypal.payments.refund_captured_payment(
            {
                "capture_id": capture["id"],
                "body": {"amount": {"currency_code": "USD", "value": "10.00"}},
            }
        ).text
    )
    second = json.loads(
        paypal.payments.refund_captured_payment(
            {
                "capture_id": capture["id"],
                "body": {"amount": {"currency_code": "USD", "value": "10.00"}},
            }
        ).text
    )
    with pytest.raises(ErrorException) as exceeded:
        paypal.payments.refund_captured_payment(
            {
                "capture_id": capture["id"],
                "body": {"amount": {"currency_code": "USD", "value": "5.01"}},
            }
        )

    assert redirect.status_code == 303
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(redirect.headers["Location"]).query)
    assert redirect.headers["Location"].startswith("https://app.example/return?")
    assert query == {"token": [order["id"]], "PayerID": ["EMUBUYER0001"]}
    assert captured["status"] == "COMPLETED"
    assert (capture["status"], capture["amount"]) == (
        "COMPLETED",
        {"currency_code": "USD", "value": "25.00"},
    )
    assert (first["status"], first["amount"]["value"]) == ("COMPLETED", "10.00")
    assert second["seller_payable_breakdown"]["total_refunded_amount"]["value"] == "20.00"
    assert _issue(exceeded.value) == (422, "UNPROCESSABLE_ENTITY", "REFUND_AMOUNT_EXCEEDED")
    assert (
        json.loads(paypal.payments.get_captured_payment({"capture_id": capture["id"]}).text)[
            "status"
        ]
        == "PARTIALLY_REFUNDED"
    )


def test_capturing_before_approval_twice_or_with_a_declined_payer_answers_paypals_issues(paypal):
    unapproved = _create(paypal)
    approved = _create(paypal)
    declined = _create(paypal)
    _approve(approved)
    _approve(declined, payer="declined")

    with pytest.raises(ErrorException) as not_approved:
        paypal.orders.capture_order({"id": unapproved["id"]})
    paypal.orders.capture_order({"id": approved["id"]})
    with pytest.raises(ErrorException) as again:
        paypal.orders.capture_order({"id": approved["id"]})
    with pytest.raises(ErrorException) as instrument:
        paypal.orders.capture_order({"id": declined["id"]})

    assert _issue(not_approved.value) == (422, "UNPROCESSABLE_ENTITY", "ORDER_NOT_APPROVED")
    assert _issue(again.value) == (422, "UNPROCESSABLE_ENTITY", "ORDER_ALREADY_CAPTURED")
    assert _issue(instrument.value) == (422, "UNPROCESSABLE_ENTITY", "INSTRUMENT_DECLINED")
    order = json.loads(paypal.orders.get_order({"id": declined["id"]}).text)
    assert order["purchase_units"][0]["payments"]["captures"][0]["status"] == "DECLINED"


@pytest.mark.parametrize(
    ("body", "field", "issue", "status"),
    [
        ({**ORDER, "colour": "red"}, "/colour", "UNKNOWN_FIELD", 400),
        ({**ORDER, "intent": "SELL"}, "/intent", "INVALID_PARAMETER_VALUE", 400),
        (
            {**ORDER, "purchase_units": [{"amount": {"currency_code": "JPY", "value": "10.50"}}]},
            "/purchase_units/@reference_id=='default'/amount/value",
            "DECIMAL_PRECISION",
            422,
        ),
        (
            {**ORDER, "purchase_units": [{"amount": {"currency_code": "USD", "value": "ten"}}]},
            "/purchase_units/@reference_id=='default'/amount/value",
            "INVALID_PARAMETER_SYNTAX",
            400,
        ),
    ],
)
def test_a_bad_order_is_refused_with_paypals_error_object(paypal, body, field, issue, status):
    with pytest.raises(ErrorException) as refused:
        _create(paypal, body)

    error = json.loads(refused.value.response.text)
    assert refused.value.response_code == status
    assert error["details"][0]["issue"] == issue
    assert error["details"][0]["field"] == field
    assert error["debug_id"] and error["message"]


def test_the_same_paypal_request_id_answers_the_same_order(
    paypal, paypal_emulator: PayPalEmulatorServer
):
    first = _create(paypal, request_id="request-1")
    second = _create(paypal, request_id="request-1")
    other = _create(paypal, request_id="request-2")

    assert first == second
    assert other["id"] != first["id"]
    assert len(paypal_emulator.api.orders) == 2


def test_injected_faults_answer_5xx_and_429_then_pass(paypal_emulator: PayPalEmulatorServer):
    paypal = sdk_client(paypal_emulator)
    _create(paypal)
    requests.post(
        f"{paypal_emulator.url}/_emulator/faults",
        json={"status": 503, "count": 1, "path_prefix": "/v2/checkout"},
        timeout=5,
    )
    paypal_emulator.set_faults(status=429, count=1, path_prefix="/v2/checkout")

    with pytest.raises(ErrorException) as unavailable:
        _create(paypal)
    with pytest.raises(ErrorException) as limited:
        _create(paypal)

    assert (unavailable.value.response_code, limited.value.response_code) == (503, 429)
    assert _create(paypal)["status"] == "PAYER_ACTION_REQUIRED"


class _Receiver:
    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"


@pytest.fixture
def receiver() -> Iterator[_Receiver]:
    listener = _Receiver()
    yield listener
    listener.server.shutdown()


def _verify(
    paypal_emulator: PayPalEmulatorServer, webhook_id: str, headers: dict[str, str], body: bytes
) -> str:
    token = requests.post(
        f"{paypal_emulator.url}/v1/oauth2/token",
        data={"grant_type": "client_credentials"},
        auth=("emulator-client-id", "emulator-client-secret"),
        timeout=5,
    ).json()["access_token"]
    answer = requests.post(
        f"{paypal_emulator.url}/v1/notifications/verify-webhook-signature",
        headers={"Authorization": f"Bearer {token}"},
        json={
            "auth_algo": headers["paypal-auth-algo"],
            "cert_url": headers["paypal-cert-url"],
            "transmission_id": headers["paypal-transmission-id"],
            "transmission_sig": headers["paypal-transmission-sig"],
            "transmission_time": headers["paypal-transmission-time"],
            "webhook_id": webhook_id,
            "webhook_event": json.loads(body),
        },
        timeout=5,
    )
    assert answer.status_code == 200, answer.text
    return str(answer.json()["verification_status"])


def test_webhooks_arrive_signed_in_order_and_only_untampered_ones_verify(
    paypal, paypal_emulator: PayPalEmulatorServer, receiver: _Receiver
):
    created = paypal.webhooks if hasattr(paypal, "webhooks") else None
    assert created is None  # the SDK has no webhooks controller: registered over plain HTTP
    token = requests.post(
        f"{paypal_emulator.url}/v1/oauth2/token",
        data={"grant_type": "client_credentials"},
        auth=("emulator-client-id", "emulator-client-secret"),
        timeout=5,
    ).json()["access_token"]
    webhook = requests.post(
        f"{paypal_emulator.url}/v1/notifications/webhooks",
        headers={"Authorization": f"Bearer {token}"},
        json={"url": receiver.url, "event_types": [{"name": "*"}]},
        timeout=5,
    ).json()
    order = _create(paypal)
    _approve(order)
    paypal.orders.capture_order({"id": order["id"]})
    assert paypal_emulator.wait_for_webhooks()

    types = [json.loads(body)["event_type"] for _, body in receiver.received]
    headers, body = receiver.received[0]
    tampered = body.replace(b'"25.00"', b'"1.00"')
    assert types == ["CHECKOUT.ORDER.APPROVED", "PAYMENT.CAPTURE.COMPLETED"]
    assert {
        "paypal-transmission-id",
        "paypal-transmission-time",
        "paypal-transmission-sig",
        "paypal-cert-url",
        "paypal-auth-algo",
    } <= set(headers)
    assert _verify(paypal_emulator, webhook["id"], headers, body) == "SUCCESS"
    assert tampered != body
    assert _verify(paypal_emulator, webhook["id"], headers, tampered) == "FAILURE"


def test_an_order_with_an_application_context_is_approved_through_its_approve_link(paypal):
    body = {
        "intent": "CAPTURE",
        "purchase_units": [{"amount": {"currency_code": "JPY", "value": "500"}}],
        "application_context": {
            "return_url": "https://app.example/return?cart=7",
            "cancel_url": "https://app.example/cancel",
        },
    }
    order = _create(paypal, body)

    redirect = _approve(order)

    assert order["status"] == "CREATED"
    assert [link["rel"] for link in order["links"]] == ["self", "approve", "update", "capture"]
    assert redirect.headers["Location"] == (
        f"https://app.example/return?cart=7&token={order['id']}&PayerID=EMUBUYER0001"
    )
    assert json.loads(paypal.orders.get_order({"id": order["id"]}).text)["status"] == "APPROVED"


def test_a_payer_who_cancels_is_sent_to_the_cancel_url_and_the_order_stays_unapproved(
    paypal, paypal_emulator: PayPalEmulatorServer
):
    order = _create(paypal)

    cancelled = requests.post(
        f"{paypal_emulator.url}/checkoutnow/cancel",
        data={"token": order["id"]},
        allow_redirects=False,
        timeout=5,
    )

    assert cancelled.status_code == 303
    assert cancelled.headers["Location"] == f"https://app.example/cancel?token={order['id']}"
    current = json.loads(paypal.orders.get_order({"id": order["id"]}).text)
    assert current["status"] == "PAYER_ACTION_REQUIRED"
    assert paypal_emulator.events() == []


def test_a_refund_in_another_currency_or_of_an_unknown_capture_is_refused(paypal):
    order = _create(paypal)
    _approve(order)
    captured = json.loads(paypal.orders.capture_order({"id": order["id"]}).text)
    capture_id = captured["purchase_units"][0]["payments"]["captures"][0]["id"]

    with pytest.raises(ErrorException) as currency:
        paypal.payments.refund_captured_payment(
            {
                "capture_id": capture_id,
                "body": {"amount": {"currency_code": "EUR", "value": "1.00"}},
            }
        )
    with pytest.raises(ErrorException) as unknown:
        paypal.payments.refund_captured_payment({"capture_id": "NOSUCHCAPTURE1", "body": {}})

    assert _issue(currency.value) == (
        422,
        "UNPROCESSABLE_ENTITY",
        "REFUND_CAPTURE_CURRENCY_MISMATCH",
    )
    assert _issue(unknown.value) == (404, "RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID")


def test_a_delivery_under_way_when_the_emulator_is_reset_is_neither_logged_nor_retried(
    paypal_emulator: PayPalEmulatorServer,
):
    # Nothing listens on port 9: each attempt fails and is retried.
    paypal_emulator.webhooks.enqueue(
        "http://127.0.0.1:9/hook",
        json.dumps({"id": "WH-OLD", "event_type": "PAYMENT.CAPTURE.COMPLETED"}).encode(),
        {},
    )
    deadline = time.monotonic() + 5
    while not paypal_emulator.webhook_deliveries() and time.monotonic() < deadline:
        time.sleep(0.005)
    first = paypal_emulator.webhook_deliveries()

    paypal_emulator.reset()

    assert paypal_emulator.wait_for_webhooks(timeout_seconds=5)
    assert [d["event_id"] for d in first] == ["WH-OLD"]
    assert paypal_emulator.webhook_deliveries() == []
