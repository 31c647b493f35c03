"""Billing's error codes, and provider errors as the API tells them to apps."""

from enum import StrEnum

from api.errors import CardDeclinedError, ErrorCode, InvalidRequestError, ServiceError
from api.errors import ProviderUnavailableError as ApiProviderUnavailableError
from billing.providers.base import (
    ProviderDeclinedError,
    ProviderError,
    ProviderRequestError,
    ProviderUnavailableError,
)
from billing.providers.errors import ProviderErrorCode


class BillingErrorCode(StrEnum):
    EXTERNAL_ID_TAKEN = "external_id_taken"
    CUSTOMER_NOT_SYNCED = "customer_not_synced"
    PLAN_NOT_SYNCED = "plan_not_synced"
    PLAN_UNCHANGED = "plan_unchanged"
    CURRENCY_MISMATCH = "currency_mismatch"
    SUBSCRIPTION_CANCELED = "subscription_canceled"
    SUBSCRIPTION_PENDING = "subscription_pending"
    PROVIDER_BUSY = "provider_busy"
    PAYMENT_METHOD_REQUIRED = "payment_method_required"
    PAYMENT_NOT_REFUNDABLE = "payment_not_refundable"
    PAYMENT_ALREADY_REFUNDED = "payment_already_refunded"
    AMOUNT_TOO_LARGE = "amount_too_large"


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
