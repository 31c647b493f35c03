"""Stripe's error shapes, raised by handlers and rendered by the server.

Stripe answers every failure with ``{"error": {...}}`` and an HTTP status that the SDK maps to
an exception class (400/404 InvalidRequestError, 401 AuthenticationError, 402 CardError, 429
RateLimitError, 5xx APIError), so the status matters as much as the body.
"""

from __future__ import annotations

from typing import Any

DOCS_BASE_URL = "https://stripe.com/docs/error-codes/"


class StripeApiError(Exception):
    """An error answered in Stripe's shape.

    ``stored_for_idempotency`` is true for failures that happen while executing a request
    (a declined card): Stripe saves those under the idempotency key and replays them, whereas
    validation failures are answered before execution and leave nothing behind.
    """

    def __init__(
        self,
        *,
        http_status: int,
        error_type: str,
        message: str,
        code: str | None = None,
        param: str | None = None,
        decline_code: str | None = None,
        extra: dict[str, Any] | None = None,
        stored_for_idempotency: bool = False,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.http_status = http_status
        self.error_type = error_type
        self.message = message
        self.code = code
        self.param = param
        self.decline_code = decline_code
        self.extra = extra or {}
        self.stored_for_idempotency = stored_for_idempotency
        self.headers = headers or {}

    def to_body(self) -> dict[str, Any]:
        # Stripe leaves out the keys that do not apply rather than sending nulls.
        error: dict[str, Any] = {}
        if self.code is not None:
            error["code"] = self.code
            error["doc_url"] = DOCS_BASE_URL + self.code.replace("_", "-")
        if self.decline_code is not None:
            error["decline_code"] = self.decline_code
        error["message"] = self.message
        if self.param is not None:
            error["param"] = self.param
        error.update(self.extra)
        error["type"] = self.error_type
        return {"error": error}


def invalid_request_error(
    message: str, *, param: str | None = None, code: str | None = None, http_status: int = 400
) -> StripeApiError:
    return StripeApiError(
        http_status=http_status,
        error_type="invalid_request_error",
        message=message,
        code=code,
        param=param,
    )


def missing_parameter_error(param: str) -> StripeApiError:
    return invalid_request_error(
        f"Missing required param: {param}.", param=param, code="parameter_missing"
    )


def unknown_parameter_error(param: str) -> StripeApiError:
    return invalid_request_error(
        f"Received unknown parameter: {param}", param=param, code="parameter_unknown"
    )


def invalid_value_error(param: str, message: str | None = None) -> StripeApiError:
    return invalid_request_error(
        message or f"Invalid value for {param}.", param=param, code="parameter_invalid_empty"
    )


def resource_missing_error(label: str, object_id: str, param: str = "id") -> StripeApiError:
    return invalid_request_error(
        f"No such {label}: '{object_id}'",
        param=param,
        code="resource_missing",
        http_status=404,
    )


def authentication_error(message: str) -> StripeApiError:
    return StripeApiError(http_status=401, error_type="invalid_request_error", message=message)


def api_error(message: str = "An unknown error occurred") -> StripeApiError:
    return StripeApiError(http_status=500, error_type="api_error", message=message)


def rate_limit_error() -> StripeApiError:
    return StripeApiError(
        http_status=429,
        error_type="invalid_request_error",
        code="rate_limit",
        message=(
            "Request rate limit exceeded. Learn more about rate limits here "
            "https://stripe.com/docs/rate-limits."
        ),
    )


def idempotency_mismatch_error(idempotency_key: str) -> StripeApiError:
    return StripeApiError(
        http_status=400,
        error_type="idempotency_error",
        message=(
            "Keys for idempotent requests can only be used with the same parameters they were "
            f"first used with. Try using a key other than '{idempotency_key}' if you meant to "
            "execute a different request."
        ),
    )
