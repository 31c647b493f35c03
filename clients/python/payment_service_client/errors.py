"""The service's one error shape, `{"error": {"type", "code", "message", "param"}}`, as typed
exceptions: one class per `type`, all under PaymentServiceError."""

from __future__ import annotations

import builtins
from typing import Any

import httpx


class PaymentServiceError(Exception):
    """An answer of the service that is not a success (or no answer at all: see APIError)."""

    type: str = "api_error"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        param: str | None = None,
        status: int | None = None,
        request_id: str | None = None,
        body: dict[str, Any] | None = None,
        headers: httpx.Headers | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.param = param
        self.status = status
        self.request_id = request_id
        self.body = body or {}
        self.headers = headers or httpx.Headers()

    def __str__(self) -> str:
        details = ", ".join(
            f"{name}={value}"
            for name, value in (
                ("status", self.status),
                ("code", self.code),
                ("param", self.param),
                ("request_id", self.request_id),
            )
            if value is not None
        )
        return f"{self.message} ({details})" if details else self.message


class InvalidRequestError(PaymentServiceError):
    """400 (and 405, 406, 413, 415): the request itself is wrong; `param` names the field."""

    type = "invalid_request_error"


class AuthenticationError(PaymentServiceError):
    """401: the API key is missing, unknown or revoked."""

    type = "authentication_error"


class PermissionError(PaymentServiceError):  # noqa: A001 - the service's own name for the type
    """403: the key may not do that."""

    type = "permission_error"


PermissionDeniedError = PermissionError


class NotFoundError(PaymentServiceError):
    """404: no such object, or it belongs to another app (the two look the same)."""

    type = "not_found"


class ConflictError(PaymentServiceError):
    """409: the request conflicts with the object's current state."""

    type = "conflict"


class IdempotencyError(PaymentServiceError):
    """409: the Idempotency-Key was used with another request (`idempotency_key_reused`) or its
    first request is still running (`idempotency_key_in_progress`, retried by the client)."""

    type = "idempotency_error"


class RateLimitError(PaymentServiceError):
    """429: too many requests; `retry_after` is the wait the service asked for, in seconds."""

    type = "rate_limit_error"

    @property
    def retry_after(self) -> float | None:
        return retry_after_seconds(self.headers)


class ProviderError(PaymentServiceError):
    """502: the payment provider could not be reached; retrying with the same key is safe."""

    type = "provider_error"


class CardError(PaymentServiceError):
    """402: the card was declined; `decline_code` is the provider's reason
    (`generic_decline`, `insufficient_funds`, …), `code` ours (`card_declined`, …)."""

    type = "card_error"

    @property
    def decline_code(self) -> str | None:
        value = self.body.get("decline_code")
        return value if isinstance(value, str) else None


class APIError(PaymentServiceError):
    """500, 503 and anything that is not the error shape (a proxy's page, no JSON)."""

    type = "api_error"


class SignatureVerificationError(ValueError):
    """A webhook delivery whose Payment-Service-Signature does not check out."""


ERRORS_BY_TYPE: dict[str, builtins.type[PaymentServiceError]] = {
    cls.type: cls
    for cls in (
        InvalidRequestError,
        AuthenticationError,
        PermissionError,
        NotFoundError,
        ConflictError,
        IdempotencyError,
        RateLimitError,
        ProviderError,
        CardError,
        APIError,
    )
}

_ERRORS_BY_STATUS: dict[int, builtins.type[PaymentServiceError]] = {
    400: InvalidRequestError,
    401: AuthenticationError,
    402: CardError,
    403: PermissionError,
    404: NotFoundError,
    409: ConflictError,
    429: RateLimitError,
    502: ProviderError,
}


def retry_after_seconds(headers: httpx.Headers) -> float | None:
    """`Retry-After` in seconds (the form the service sends), None when absent or not a number."""
    value = headers.get("Retry-After")
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    return max(0.0, seconds)


def error_from_response(response: httpx.Response) -> PaymentServiceError:
    """The exception for an error answer (its body already read)."""
    request_id = response.headers.get("X-Request-Id")
    try:
        payload = response.json()
    except ValueError:
        payload = None
    error = payload.get("error") if isinstance(payload, dict) else None
    if not isinstance(error, dict):
        cls = _ERRORS_BY_STATUS.get(response.status_code, APIError)
        text = response.text[:200] or response.reason_phrase
        return cls(
            f"HTTP {response.status_code}: {text}",
            status=response.status_code,
            request_id=request_id,
            headers=response.headers,
        )
    error_type = str(error.get("type") or "")
    cls = ERRORS_BY_TYPE.get(error_type) or _ERRORS_BY_STATUS.get(response.status_code, APIError)
    code, param = error.get("code"), error.get("param")
    raised = cls(
        str(error.get("message") or f"HTTP {response.status_code}"),
        code=str(code) if code is not None else None,
        param=str(param) if param is not None else None,
        status=response.status_code,
        request_id=request_id,
        body=error,
        headers=response.headers,
    )
    if error_type:
        raised.type = error_type  # a type newer than this client keeps its name
    return raised
