"""Billing's own error codes."""

from enum import StrEnum


class BillingErrorCode(StrEnum):
    EXTERNAL_ID_TAKEN = "external_id_taken"
    CUSTOMER_NOT_SYNCED = "customer_not_synced"
    PLAN_NOT_SYNCED = "plan_not_synced"
    PLAN_UNCHANGED = "plan_unchanged"
    NO_PENDING_CHANGE = "no_pending_change"
    CURRENCY_MISMATCH = "currency_mismatch"
    SUBSCRIPTION_CANCELED = "subscription_canceled"
    SUBSCRIPTION_PENDING = "subscription_pending"
    SUBSCRIPTION_NOT_PENDING = "subscription_not_pending"
    SUBSCRIPTION_NOT_RESUMABLE = "subscription_not_resumable"
    CUSTOMER_HAS_SUBSCRIPTION = "customer_has_subscription"
    PROVIDER_BUSY = "provider_busy"
    PAYMENT_METHOD_REQUIRED = "payment_method_required"
    PAYMENT_NOT_REFUNDABLE = "payment_not_refundable"
    PAYMENT_ALREADY_REFUNDED = "payment_already_refunded"
    AMOUNT_TOO_LARGE = "amount_too_large"
    TEST_MODE_ONLY = "test_mode_only"
    TEST_CLOCK_ADVANCING = "test_clock_advancing"
    LAST_PAYMENT_METHOD = "last_payment_method"
    CHECKOUT_SESSION_NOT_OPEN = "checkout_session_not_open"
    INVOICE_ALREADY_PAID = "invoice_already_paid"
    INVOICE_NOT_PAYABLE = "invoice_not_payable"
    CREDIT_GRANT_ENDED = "credit_grant_ended"
