"""`Idempotency-Key` as API.md promises: the first response is replayed byte for byte; the same
key with another body, or while the first request still runs, is a 409.

The key row is claimed with an INSERT that commits on its own, before the request's work, so
concurrent retries see each other however the work's transaction ends.
"""

import hashlib
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone

from api.encryption import decrypt_bytes, encrypt_bytes
from api.errors import ErrorCode, IdempotencyError, InvalidRequestError
from tenants.models import App, IdempotencyKey, IdempotencyState

MAX_KEY_LENGTH = 255
# A request that has held its key this long without finishing died with its process.
ABANDONED_AFTER = timedelta(minutes=5)
KEPT_FOR = timedelta(hours=48)


def request_fingerprint(*, method: str, path: str, body: bytes) -> str:
    digest = hashlib.sha256()
    digest.update(method.encode())
    digest.update(b"\0")
    digest.update(path.encode())
    digest.update(b"\0")
    digest.update(body)
    return digest.hexdigest()


def idempotency_key_claim(
    *, app: App, key: str, method: str, path: str, body: bytes
) -> IdempotencyKey | HttpResponse:
    """Claims `key` for this request, or answers the stored response to replay."""
    if not key or len(key) > MAX_KEY_LENGTH:
        raise InvalidRequestError(
            f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} characters.",
            code=ErrorCode.IDEMPOTENCY_KEY_INVALID,
            param="Idempotency-Key",
        )
    fingerprint = request_fingerprint(method=method, path=path, body=body)
    now = timezone.now()
    try:
        with transaction.atomic():
            return IdempotencyKey.objects.create(
                app=app,
                key=key,
                method=method,
                path=path,
                request_hash=fingerprint,
                state=IdempotencyState.IN_PROGRESS,
                locked_at=now,
            )
    except IntegrityError:
        pass

    existing = IdempotencyKey.objects.for_app(app).filter(key=key).first()
    if existing is None:
        # The request holding the key ended in a refusal, which is not kept, between our
        # insert and this read: it was running a moment ago, and a retry may claim the key.
        raise IdempotencyError(
            "A request with this Idempotency-Key is still being processed.",
            code=ErrorCode.IDEMPOTENCY_KEY_IN_PROGRESS,
        )
    if existing.request_hash != fingerprint:
        raise IdempotencyError(
            "This Idempotency-Key was already used with a different request.",
            code=ErrorCode.IDEMPOTENCY_KEY_REUSED,
        )
    if existing.state == IdempotencyState.COMPLETED:
        response = HttpResponse(
            decrypt_bytes(bytes(existing.response_body or b"")),
            status=existing.response_status,
            content_type=existing.response_content_type or "application/json",
        )
        response["Idempotent-Replayed"] = "true"
        return response
    # Take over a key whose request died mid-way; otherwise it is still running.
    taken_over = (
        IdempotencyKey.objects.for_app(app)
        .filter(
            pk=existing.pk, state=IdempotencyState.IN_PROGRESS, locked_at__lt=now - ABANDONED_AFTER
        )
        .update(locked_at=now)
    )
    if taken_over:
        existing.locked_at = now
        return existing
    raise IdempotencyError(
        "A request with this Idempotency-Key is still being processed.",
        code=ErrorCode.IDEMPOTENCY_KEY_IN_PROGRESS,
    )


def response_is_final(status: int) -> bool:
    """What is worth replaying: results, not refusals of the request itself. Validation errors,
    auth and rate-limit refusals and our own 5xx (including an unreachable provider, whose calls
    carry idempotency keys of their own) free the key so the client can simply retry."""
    return status < 400 or status == 402


def idempotency_key_complete(*, record: IdempotencyKey, response: HttpResponse) -> None:
    if not response_is_final(response.status_code):
        IdempotencyKey.objects.for_app(record.app).filter(pk=record.pk).delete()
        return
    IdempotencyKey.objects.for_app(record.app).filter(pk=record.pk).update(
        state=IdempotencyState.COMPLETED,
        response_status=response.status_code,
        # It can carry a secret shown once (a webhook endpoint's, a payment's client_secret).
        response_body=encrypt_bytes(response.content),
        response_content_type=response.get("Content-Type", "application/json"),
        completed_at=timezone.now(),
    )


def idempotency_key_release(*, record: IdempotencyKey) -> None:
    IdempotencyKey.objects.for_app(record.app).filter(pk=record.pk).delete()


def idempotency_keys_purge(*, now: datetime | None = None) -> int:
    cutoff = (now or timezone.now()) - KEPT_FOR
    deleted, _ = IdempotencyKey.objects.all_tenants().filter(created_at__lt=cutoff).delete()
    return deleted
