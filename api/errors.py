"""The one error vocabulary of the service; the exception handler renders it as API.md says."""

from typing import Any


class ServiceError(Exception):
    type: str = "api_error"
    code: str = "internal_error"
    http_status: int = 500
    default_message: str = "Something went wrong on our side."

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
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
    code = "invalid_request"
    http_status = 400
    default_message = "The request is not valid."


class AuthenticationError(ServiceError):
    type = "authentication_error"
    code = "invalid_api_key"
    http_status = 401
    default_message = "Invalid API key."


class PermissionDeniedError(ServiceError):
    type = "permission_error"
    code = "forbidden"
    http_status = 403
    default_message = "This key may not do that."


class NotFoundError(ServiceError):
    type = "not_found"
    code = "resource_missing"
    http_status = 404

    def __init__(self, resource: str = "resource", **kwargs: Any) -> None:
        kwargs.setdefault("message", f"No such {resource}.")
        super().__init__(**kwargs)


class ConflictError(ServiceError):
    type = "conflict"
    code = "conflict"
    http_status = 409
    default_message = "The request conflicts with the current state of the resource."


class IdempotencyError(ServiceError):
    type = "idempotency_error"
    http_status = 409


class RateLimitError(ServiceError):
    type = "rate_limit_error"
    code = "rate_limited"
    http_status = 429
    default_message = "Too many requests; retry after the time in Retry-After."


class CardDeclinedError(ServiceError):
    type = "card_error"
    code = "card_declined"
    http_status = 402
    default_message = "The card was declined."


class ProviderUnavailableError(ServiceError):
    type = "provider_error"
    code = "provider_unavailable"
    http_status = 502
    default_message = "The payment provider could not be reached; retry the request."
