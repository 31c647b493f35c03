"""The client's webhook check accepts what the service signs (notifications/signatures.py) and
refuses a tampered body, a wrong secret and an old delivery."""

import json
import time

import pytest
from payment_service_client import SignatureVerificationError, webhooks

from notifications.signatures import signature_header_build

SECRET = "whsec_" + "k" * 32
BODY = json.dumps({"id": "evt_1", "type": "payment.succeeded", "data": {"amount": 1}}).encode()


def _header(body: bytes = BODY, *, secret: str = SECRET, age: int = 0) -> str:
    return signature_header_build(secret=secret, body=body, timestamp=int(time.time()) - age)


def test_a_delivery_signed_by_the_service_verifies_and_gives_the_event():
    event = webhooks.verify(BODY, _header(), SECRET)

    assert event["id"] == "evt_1"
    assert event["type"] == "payment.succeeded"


def test_a_tampered_body_is_refused():
    tampered = BODY.replace(b'"amount": 1', b'"amount": 100')

    with pytest.raises(SignatureVerificationError, match="No signature matches"):
        webhooks.verify(tampered, _header(), SECRET)


def test_another_secret_is_refused():
    with pytest.raises(SignatureVerificationError, match="No signature matches"):
        webhooks.verify(BODY, _header(secret="whsec_other"), SECRET)


def test_a_delivery_older_than_the_tolerance_is_refused_and_a_wider_tolerance_accepts_it():
    old = _header(age=301)

    with pytest.raises(SignatureVerificationError, match="tolerance"):
        webhooks.verify(BODY, old, SECRET)
    assert webhooks.verify(BODY, old, SECRET, tolerance_seconds=600)["id"] == "evt_1"
    with pytest.raises(SignatureVerificationError, match="tolerance"):
        webhooks.verify(BODY, _header(age=-301), SECRET)  # from the future, as much


def test_any_of_several_v1_signatures_may_match():
    genuine = _header()
    timestamp = genuine.split(",")[0]
    forged = webhooks.sign(BODY, "whsec_rotated_out").split(",")[1]

    assert webhooks.verify(BODY, f"{timestamp},{forged},{genuine.split(',')[1]}", SECRET)
    with pytest.raises(SignatureVerificationError):
        webhooks.verify(BODY, f"{timestamp},{forged}", SECRET)


@pytest.mark.parametrize(
    "header", [None, "", "v1=abc", "t=soon,v1=abc", "t={now}", "t={now},v0=abc", "garbage"]
)
def test_a_malformed_header_is_refused(header):
    if header:
        header = header.format(now=int(time.time()))
    with pytest.raises(SignatureVerificationError):
        webhooks.verify(BODY, header, SECRET)


def test_the_clients_signer_matches_the_services():
    now = int(time.time())

    assert webhooks.sign(BODY, SECRET, timestamp=now) == signature_header_build(
        secret=SECRET, body=BODY, timestamp=now
    )
