"""The one list of event types we deliver to apps' webhook endpoints. Adding a type here is all it
takes: the model stores the type as a plain string, so no migration follows."""

from enum import StrEnum


class AppEventType(StrEnum):
    SUBSCRIPTION_CREATED = "subscription.created"
    SUBSCRIPTION_UPDATED = "subscription.updated"
    SUBSCRIPTION_CANCELED = "subscription.canceled"
    PAYMENT_SUCCEEDED = "payment.succeeded"
    PAYMENT_FAILED = "payment.failed"
    INVOICE_PAID = "invoice.paid"
    INVOICE_PAYMENT_FAILED = "invoice.payment_failed"
    INVOICE_UPCOMING = "invoice.upcoming"
    REFUND_CREATED = "refund.created"
    REFUND_FAILED = "refund.failed"
    GRACE_PERIOD_OPENED = "grace_period.opened"
    GRACE_PERIOD_RESOLVED = "grace_period.resolved"
    GRACE_PERIOD_EXPIRED = "grace_period.expired"
    USAGE_QUOTA_EXCEEDED = "usage.quota_exceeded"
    USAGE_THRESHOLD_REACHED = "usage.threshold_reached"


APP_EVENT_TYPES: frozenset[str] = frozenset(AppEventType)

# In `enabled_events`, subscribes an endpoint to every type, including types added later.
ALL_EVENTS = "*"
