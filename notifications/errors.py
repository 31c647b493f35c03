"""The error codes of outbound webhooks."""

from enum import StrEnum


class NotificationsErrorCode(StrEnum):
    WEBHOOK_ENDPOINT_INACTIVE = "webhook_endpoint_inactive"
    WEBHOOK_ENDPOINT_LIMIT_REACHED = "webhook_endpoint_limit_reached"
