"""The one error vocabulary of the service; the exception handler renders it as API.md says."""

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    """The generic error codes (API.md); a code that belongs to one app is in its errors.py."""

    INTERNAL_ERROR = "internal_error"
    INVALID_REQUEST = "invalid_request"
    INVALID_JSON = "invalid_json"
    INVALID_API_KEY = "invalid_api_key"
    MISSING_API_KEY = "missing_api_key"
    FORBIDDEN = "forbidden"
    RESOURCE_MISSING = "resource_missing"
    ROUTE_MISSING = "route_missing"
    CONFLICT = "conflict"
    RATE_LIMITED = "rate_limited"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    NOT_ACCEPTABLE = "not_acceptable"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    REQUEST_TOO_LARGE = "request_too_large"
    HEADER_TOO_LONG = "header_too_long"
    PARAMETER_INVALID = "parameter_invalid"
    PARAMETER_MISSING = "parameter_missing"
    PARAMETER_UNKNOWN = "parameter_unknown"
    PARAMETER_TOO_LONG = "parameter_too_long"
    PARAMETERS_EXCLUSIVE = "parameters_exclusive"
    UNKNOWN_FIELD = "unknown_field"
    IDEMPOTENCY_KEY_INVALID = "idempotency_key_invalid"
    IDEMPOTENCY_KEY_IN_PROGRESS = "idempotency_key_in_progress"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    CARD_DECLINED = "card_declined"
    PROVIDER_UNAVAILABLE = "provider_unavailable"
    DATABASE_UNAVAILABLE = "database_unavailable"


class ServiceError(Exception):
    type: str = "api_error"
    # A member of an app's error-code StrEnum. Only a code relayed verbatim from a payment
    # provider (billing/errors.py: a card's decline code) is a plain str.
    code: StrEnum | str = ErrorCode.INTERNAL_ERROR
    http_status: int = 500
    default_message: str = "Something went wrong on our side."

    def __init__(
        self,
        message: str | None = None,
        *,
        code: StrEnum | str | None = None,
        param: str | None = None,
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.message = message or self.default_message
        if code is not None:
            self.code = code
        self.param = param
        self.extra = extra or {}
        self.headers = headers or {}
        super().__init__(self.message)


class InvalidRequestError(ServiceError):
    type = "invalid_request_error"
    code = ErrorCode.INVALID_REQUEST
    http_status = 400
    default_message = "The request is not valid."


class AuthenticationError(ServiceError):
    type = "authentication_error"
    code = ErrorCode.INVALID_API_KEY
    http_status = 401
    default_message = "Invalid API key."


class PermissionDeniedError(ServiceError):
    type = "permission_error"
    code = ErrorCode.FORBIDDEN
    http_status = 403
    default_message = "This key may not do that."


class NotFoundError(ServiceError):
    type = "not_found"
    code = ErrorCode.RESOURCE_MISSING
    http_status = 404

    def __init__(self, resource: str = "resource", **kwargs: Any) -> None:
        kwargs.setdefault("message", f"No such {resource}.")
        super().__init__(**kwargs)


class ConflictError(ServiceError):
    type = "conflict"
    code = ErrorCode.CONFLICT
    http_status = 409
    default_message = "The request conflicts with the current state of the resource."


class IdempotencyError(ServiceError):
    type = "idempotency_error"
    http_status = 409


class RateLimitError(ServiceError):
    type = "rate_limit_error"
    code = ErrorCode.RATE_LIMITED
    http_status = 429
    default_message = "Too many requests; retry after the time in Retry-After."


class CardDeclinedError(ServiceError):
    type = "card_error"
    code = ErrorCode.CARD_DECLINED
    http_status = 402
    default_message = "The card was declined."


class ProviderUnavailableError(ServiceError):
    type = "provider_error"
    code = ErrorCode.PROVIDER_UNAVAILABLE
    http_status = 502
    default_message = "The payment provider could not be reached; retry the request."
