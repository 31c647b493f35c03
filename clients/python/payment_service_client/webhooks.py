"""Checks the signature of the service's webhook deliveries to the app.

`Payment-Service-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, keyed by
the endpoint's `whsec_…` secret (the whole string, as UTF-8). There may be several `v1`
signatures (while a secret is rotated); one matching is enough."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

from .errors import SignatureVerificationError

SIGNATURE_HEADER = "Payment-Service-Signature"
DEFAULT_TOLERANCE_SECONDS = 300


def sign(payload: bytes, secret: str, *, timestamp: int | None = None) -> str:
    """The header the service would send for `payload` (for the app's own tests)."""
    signed_at = int(time.time()) if timestamp is None else timestamp
    return f"t={signed_at},v1={_signature(payload, secret, signed_at)}"


def _signature(payload: bytes, secret: str, timestamp: int) -> str:
    signed = str(timestamp).encode() + b"." + payload
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def verify(
    payload: bytes | str,
    header: str | None,
    secret: str,
    tolerance_seconds: int | None = DEFAULT_TOLERANCE_SECONDS,
    *,
    now: int | None = None,
) -> dict[str, Any]:
    """Checks the delivery's raw body (the bytes as received, before any JSON parsing) against
    its `Payment-Service-Signature` header and returns the parsed event; raises
    SignatureVerificationError when no signature matches, or the timestamp is further than
    `tolerance_seconds` from now (None: no age check), which refuses replayed deliveries."""
    if isinstance(payload, str):
        payload = payload.encode()
    if not header:
        raise SignatureVerificationError(f"No {SIGNATURE_HEADER} header.")
    timestamp: int | None = None
    signatures: list[str] = []
    for item in header.split(","):
        key, _, value = item.strip().partition("=")
        if key == "t":
            try:
                timestamp = int(value)
            except ValueError:
                raise SignatureVerificationError(
                    "The signature timestamp is not a number."
                ) from None
        elif key == "v1":
            signatures.append(value)
    if timestamp is None:
        raise SignatureVerificationError("The signature header has no timestamp.")
    if not signatures:
        raise SignatureVerificationError("The signature header has no v1 signature.")
    expected = _signature(payload, secret, timestamp)
    if not any(hmac.compare_digest(expected, signature) for signature in signatures):
        raise SignatureVerificationError("No signature matches the payload and the secret.")
    if tolerance_seconds is not None:
        current = int(time.time()) if now is None else now
        if abs(current - timestamp) > tolerance_seconds:
            raise SignatureVerificationError("The signature timestamp is outside the tolerance.")
    try:
        event: dict[str, Any] = json.loads(payload)
    except ValueError:
        raise SignatureVerificationError("The payload is not JSON.") from None
    return event
