from enum import StrEnum


class ErrorErrorType(StrEnum):
    API_ERROR = "api_error"
    AUTHENTICATION_ERROR = "authentication_error"
    CARD_ERROR = "card_error"
    CONFLICT = "conflict"
    IDEMPOTENCY_ERROR = "idempotency_error"
    INVALID_REQUEST_ERROR = "invalid_request_error"
    NOT_FOUND = "not_found"
    PERMISSION_ERROR = "permission_error"
    PROVIDER_ERROR = "provider_error"
    RATE_LIMIT_ERROR = "rate_limit_error"

    def __str__(self) -> str:
        return str(self.value)
