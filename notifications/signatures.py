"""How a delivery is signed, and the check an app (or a test) runs on what it receives.

`Payment-Service-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, keyed by
the endpoint's `whsec_…` secret (the whole string, as UTF-8). Signing the timestamp with the body
lets a receiver refuse replays of an old delivery."""

import hashlib
import hmac
import time

SIGNATURE_HEADER = "Payment-Service-Signature"
SIGNATURE_SCHEME = "v1"
DEFAULT_TOLERANCE_SECONDS = 300


class WebhookSignatureError(ValueError):
    """The delivery is not signed by the endpoint's secret, or is too old or too new."""


def _signature(*, secret: str, timestamp: int, body: bytes) -> str:
    signed = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signature_header_build(*, secret: str, body: bytes, timestamp: int) -> str:
    return f"t={timestamp},{SIGNATURE_SCHEME}={_signature(secret=secret, timestamp=timestamp, body=body)}"


def verify_signature(
    *,
    secret: str,
    header: str | None,
    body: bytes | str,
    tolerance_seconds: int | None = DEFAULT_TOLERANCE_SECONDS,
    now: int | None = None,
) -> int:
    """Checks a delivery's `Payment-Service-Signature` header against its raw body (the bytes as
    received, before any JSON parsing) and returns the signed timestamp; raises
    WebhookSignatureError otherwise. `tolerance_seconds=None` skips the age check."""
    if not header:
        raise WebhookSignatureError("No signature header.")
    if isinstance(body, str):
        body = body.encode()
    timestamp: int | None = None
    signatures: list[str] = []
    for item in header.split(","):
        key, _, value = item.strip().partition("=")
        if key == "t":
            try:
                timestamp = int(value)
            except ValueError:
                raise WebhookSignatureError("The signature timestamp is not a number.") from None
        elif key == SIGNATURE_SCHEME:
            signatures.append(value)
    if timestamp is None:
        raise WebhookSignatureError("The signature header has no timestamp.")
    if not signatures:
        raise WebhookSignatureError(f"The signature header has no {SIGNATURE_SCHEME} signature.")
    expected = _signature(secret=secret, timestamp=timestamp, body=body)
    if not any(hmac.compare_digest(expected, signature) for signature in signatures):
        raise WebhookSignatureError("No signature matches the body and the secret.")
    if tolerance_seconds is not None:
        current = int(time.time()) if now is None else now
        if abs(current - timestamp) > tolerance_seconds:
            raise WebhookSignatureError("The signature timestamp is outside the tolerance.")
    return timestamp
