"""The state file: a PayPal emulator stopped and started again from it has lost nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from paypal_emulator.api import canonical
from paypal_emulator.persistence import StateFileError, state_attribute_names
from paypal_emulator.pytest_plugin import TEST_CLIENT_ID, TEST_CLIENT_SECRET
from paypal_emulator.server import PayPalEmulatorServer
from tests.paypal_emulator.conftest import sdk_client
from tests.paypal_emulator.test_orders_and_refunds import ORDER, _approve, _create

LISTENER = "http://127.0.0.1:9/webhooks/paypal/"


@contextmanager
def _emulator_process(state_file: Path) -> Iterator[str]:
    """``python -m paypal_emulator … --state-file …`` as ``./run serve`` starts it."""
    process = subprocess.Popen(  # noqa: S603 - our own module
        [
            sys.executable,
            "-m",
            "paypal_emulator",
            "--port",
            "0",
            "--client-id",
            TEST_CLIENT_ID,
            "--client-secret",
            TEST_CLIENT_SECRET,
            "--webhook-url",
            LISTENER,
            "--webhook-id",
            "WH-LISTENER",
            "--state-file",
            str(state_file),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first_line = process.stdout.readline()
        assert first_line.startswith("PayPal emulator listening on "), first_line
        yield first_line.rsplit(" ", 1)[1].strip()
    finally:
        process.terminate()
        process.wait(timeout=10)


def _token(url: str) -> str:
    answer = requests.post(
        f"{url}/v1/oauth2/token",
        data={"grant_type": "client_credentials"},
        auth=(TEST_CLIENT_ID, TEST_CLIENT_SECRET),
        timeout=5,
    )
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


def test_a_restarted_emulator_keeps_orders_captures_refunds_tokens_keys_and_its_listener(
    tmp_path: Path,
):
    state_file = tmp_path / "paypal.json"
    with _emulator_process(state_file) as url:
        token = _token(url)
        headers = {"Authorization": f"Bearer {token}", "PayPal-Request-Id": "order-1"}
        order = requests.post(f"{url}/v2/checkout/orders", json=ORDER, headers=headers, timeout=5)
        approved = _approve(order.json())
        captured = requests.post(
            f"{url}/v2/checkout/orders/{order.json()['id']}/capture",
            headers={"Authorization": f"Bearer {token}", "PayPal-Request-Id": "capture-1"},
            timeout=5,
        )
        capture_id = captured.json()["purchase_units"][0]["payments"]["captures"][0]["id"]
        refund = requests.post(
            f"{url}/v2/payments/captures/{capture_id}/refund",
            json={"amount": {"currency_code": "USD", "value": "5.00"}},
            headers={"Authorization": f"Bearer {token}"},
            timeout=5,
        )
        events = requests.get(f"{url}/_emulator/events", timeout=5).json()["events"]

    with _emulator_process(state_file) as url:
        auth = {"Authorization": f"Bearer {token}"}
        order_after = requests.get(
            f"{url}/v2/checkout/orders/{order.json()['id']}", headers=auth, timeout=5
        )
        refund_after = requests.get(
            f"{url}/v2/payments/refunds/{refund.json()['id']}", headers=auth, timeout=5
        )
        replayed = requests.post(
            f"{url}/v2/checkout/orders", json=ORDER, headers=headers, timeout=5
        )
        listeners = requests.get(f"{url}/v1/notifications/webhooks", headers=auth, timeout=5)
        # An event signed before the restart still verifies after it.
        event = next(e for e in events if e["event_type"] == "PAYMENT.CAPTURE.COMPLETED")
        verification = requests.post(
            f"{url}/v1/notifications/verify-webhook-signature",
            json={
                **_signature_headers(state_file, event),
                "webhook_id": "WH-LISTENER",
                "webhook_event": event,
            },
            headers=auth,
            timeout=5,
        )

    assert (order.status_code, approved.status_code, captured.status_code) == (201, 303, 201)
    assert refund.status_code == 201, refund.text
    assert order_after.status_code == 200, order_after.text
    assert order_after.json()["status"] == "COMPLETED"
    assert order_after.json()["purchase_units"][0]["payments"]["captures"][0]["status"] == (
        "PARTIALLY_REFUNDED"
    )
    assert refund_after.json()["amount"] == {"currency_code": "USD", "value": "5.00"}
    # The PayPal-Request-Id replay survived: the same order, not a second one.
    assert replayed.status_code == 201 and replayed.json()["id"] == order.json()["id"]
    assert [(hook["id"], hook["url"]) for hook in listeners.json()["webhooks"]] == [
        ("WH-LISTENER", LISTENER)
    ]
    assert verification.json() == {"verification_status": "SUCCESS"}


def _signature_headers(state_file: Path, event: dict) -> dict[str, str]:
    """The signature fields PayPal sends with an event, made with the key the file holds."""
    server = PayPalEmulatorServer(state_file=state_file)
    headers = server.api.signed_headers("WH-LISTENER", canonical(event), "http://127.0.0.1")
    return {
        "auth_algo": headers["paypal-auth-algo"],
        "cert_url": headers["paypal-cert-url"],
        "transmission_id": headers["paypal-transmission-id"],
        "transmission_sig": headers["paypal-transmission-sig"],
        "transmission_time": headers["paypal-transmission-time"],
    }


def test_every_collection_of_the_state_container_is_kept_even_one_added_later(tmp_path: Path):
    state_file = tmp_path / "state.json"
    with PayPalEmulatorServer(port=0, state_file=state_file) as first:
        order = _create(sdk_client(first), request_id="kept")
        # A collection a later feature adds to the container, with the shapes JSON lacks:
        # tuple keys, tuple values and bytes.
        with first.api.lock:
            first.api.plans = {("PROD-1", "monthly"): ("P-1", b"\x00\xff")}
        first.set_faults(status=500, count=5)
        first.persist()
    saved = json.loads(state_file.read_text())

    second = PayPalEmulatorServer(port=0, state_file=state_file)

    assert second.restored is True
    assert order["id"] in second.api.orders
    assert second.api.orders[order["id"]] == first.api.orders[order["id"]]
    assert ("/v2/checkout/orders", "kept") in second.api.replays
    assert second.api.plans == {("PROD-1", "monthly"): ("P-1", b"\x00\xff")}
    assert second.api.signing_key == first.api.signing_key
    # The test controls are not the account's: no fault survives a restart.
    assert "faults" not in saved and "request_log" not in saved
    assert second.api.faults == []
    assert set(state_attribute_names(first.api)) <= set(saved)


def test_an_unreadable_state_file_is_refused_rather_than_started_empty(tmp_path: Path):
    state_file = tmp_path / "state.json"
    state_file.write_text("{not json")

    with pytest.raises(StateFileError):
        PayPalEmulatorServer(port=0, state_file=state_file)
    answer = subprocess.run(  # noqa: S603 - our own module
        [sys.executable, "-m", "paypal_emulator", "--port", "0", "--state-file", str(state_file)],
        capture_output=True,
        text=True,
        timeout=20,
    )
    assert answer.returncode == 2
    assert "not a valid state file" in answer.stderr
