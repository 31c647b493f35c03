"""Provider errors as the API tells them to apps."""

from api.errors import CardDeclinedError, InvalidRequestError, ServiceError
from api.errors import ProviderUnavailableError as ApiProviderUnavailableError
from billing.providers.base import (
    ProviderDeclinedError,
    ProviderError,
    ProviderRequestError,
    ProviderUnavailableError,
)


def api_error_from_provider(error: ProviderError, *, param: str | None = None) -> ServiceError:
    if isinstance(error, ProviderDeclinedError):
        return CardDeclinedError(
            error.message,
            code=error.code or "card_declined",
            param=error.param or param,
            extra={"decline_code": error.decline_code or None},
        )
    if isinstance(error, ProviderRequestError):
        return InvalidRequestError(
            f"The payment provider refused the request: {error.message}",
            code=error.code or "provider_rejected",
            param=param or error.param,
        )
    if isinstance(error, ProviderUnavailableError):
        return ApiProviderUnavailableError(error.message, code=error.code or "provider_unavailable")
    return ApiProviderUnavailableError(error.message)
