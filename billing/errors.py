"""Billing's own error codes."""

from enum import StrEnum


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
    PARAMETERS_EXCLUSIVE = "parameters_exclusive"
    PAYMENT_NOT_REFUNDABLE = "payment_not_refundable"
    PAYMENT_ALREADY_REFUNDED = "payment_already_refunded"
    AMOUNT_TOO_LARGE = "amount_too_large"
    TEST_MODE_ONLY = "test_mode_only"
    TEST_CLOCK_ADVANCING = "test_clock_advancing"
    LAST_PAYMENT_METHOD = "last_payment_method"
