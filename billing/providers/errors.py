"""The error codes a payment provider module gives its ProviderErrors (besides the generic ones)."""

from enum import StrEnum


class ProviderErrorCode(StrEnum):
    PROVIDER_MISCONFIGURED = "provider_misconfigured"
    PROVIDER_REJECTED = "provider_rejected"
    IDEMPOTENCY_ERROR = "idempotency_error"
    INVALID_SIGNATURE = "invalid_signature"
