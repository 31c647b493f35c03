"""Idempotency keys for provider calls, derived from ours so that a retried request never
creates (or charges) twice."""

import hashlib


def provider_idempotency_key(
    *, app_id: str, request_key: str | None, object_id: str, operation: str
) -> str:
    """With the app's own `Idempotency-Key` the derived key survives our rollback of a failed
    attempt (a retry gets a new row id but the same key); without one, our object id is the
    attempt. Stripe keeps keys 24 h and allows 255 characters, so long keys are hashed."""
    basis = f"{app_id}:request:{request_key}" if request_key else f"{app_id}:object:{object_id}"
    digest = hashlib.sha256(basis.encode()).hexdigest()[:40]
    return f"ps_{digest}_{operation}"
