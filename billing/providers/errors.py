"""The error codes a payment provider module gives its ProviderErrors (besides the generic ones),
and provider errors as the API tells them to apps."""

from enum import StrEnum

from api.errors import CardDeclinedError, ErrorCode, InvalidRequestError, ServiceError
from api.errors import ProviderUnavailableError as ApiProviderUnavailableError
from billing.providers.base import (
    ProviderDeclinedError,
    ProviderError,
    ProviderRequestError,
    ProviderUnavailableError,
)


class ProviderErrorCode(StrEnum):
    PROVIDER_MISCONFIGURED = "provider_misconfigured"
    PROVIDER_REJECTED = "provider_rejected"
    IDEMPOTENCY_ERROR = "idempotency_error"
    INVALID_SIGNATURE = "invalid_signature"
    CURRENCY_UNSUPPORTED = "currency_unsupported"
    PROVIDER_CAPABILITY_UNSUPPORTED = "provider_capability_unsupported"


def api_error_from_provider(error: ProviderError, *, param: str | None = None) -> ServiceError:
    if isinstance(error, ProviderDeclinedError):
        return CardDeclinedError(
            error.message,
            code=error.code or ErrorCode.CARD_DECLINED,
            param=error.param or param,
            extra={"decline_code": error.decline_code or None},
        )
    if isinstance(error, ProviderRequestError):
        return InvalidRequestError(
            f"The payment provider refused the request: {error.message}",
            code=error.code or ProviderErrorCode.PROVIDER_REJECTED,
            param=param or error.param,
        )
    if isinstance(error, ProviderUnavailableError):
        return ApiProviderUnavailableError(
            error.message, code=error.code or ErrorCode.PROVIDER_UNAVAILABLE
        )
    return ApiProviderUnavailableError(error.message)
