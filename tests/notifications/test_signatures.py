import time

import pytest

from notifications.services import WebhookSignatureError, verify_signature
from notifications.signatures import signature_header_build

SECRET = "whsec_test_secret"
BODY = b'{"id":"aevt_1","type":"payment.succeeded"}'


def test_a_correctly_signed_body_verifies_and_returns_its_timestamp():
    now = int(time.time())
    header = signature_header_build(secret=SECRET, body=BODY, timestamp=now)

    verified = verify_signature(secret=SECRET, header=header, body=BODY)

    assert verified == now
    assert verify_signature(secret=SECRET, header=header, body=BODY.decode()) == now


@pytest.mark.parametrize(
    "secret,body",
    [
        ("whsec_another_secret", BODY),
        (SECRET, BODY.replace(b"succeeded", b"failed")),
        (SECRET, BODY + b" "),
    ],
)
def test_a_wrong_secret_or_a_changed_body_is_refused(secret: str, body: bytes):
    header = signature_header_build(secret=SECRET, body=BODY, timestamp=int(time.time()))

    with pytest.raises(WebhookSignatureError, match="No signature matches"):
        verify_signature(secret=secret, header=header, body=body)


def test_an_old_delivery_is_refused_unless_the_tolerance_allows_it():
    signed_at = int(time.time()) - 600
    header = signature_header_build(secret=SECRET, body=BODY, timestamp=signed_at)

    with pytest.raises(WebhookSignatureError, match="tolerance"):
        verify_signature(secret=SECRET, header=header, body=BODY)

    assert verify_signature(secret=SECRET, header=header, body=BODY, tolerance_seconds=900) == (
        signed_at
    )
    assert verify_signature(secret=SECRET, header=header, body=BODY, tolerance_seconds=None) == (
        signed_at
    )


def test_a_replayed_timestamp_cannot_be_swapped_in():
    now = int(time.time())
    old_header = signature_header_build(secret=SECRET, body=BODY, timestamp=now - 600)
    forged = f"t={now}," + old_header.split(",", 1)[1]

    with pytest.raises(WebhookSignatureError, match="No signature matches"):
        verify_signature(secret=SECRET, header=forged, body=BODY)


@pytest.mark.parametrize(
    "header", [None, "", "v1=abc", "t=123", "t=soon,v1=abc", "garbage", "t=1,v0=abc"]
)
def test_a_missing_or_malformed_header_is_refused(header):
    with pytest.raises(WebhookSignatureError):
        verify_signature(secret=SECRET, header=header, body=BODY)


def test_any_of_several_v1_signatures_may_match():
    now = int(time.time())
    good = signature_header_build(secret=SECRET, body=BODY, timestamp=now).split(",", 1)[1]

    verified = verify_signature(secret=SECRET, header=f"t={now},v1=deadbeef,{good}", body=BODY)

    assert verified == now
