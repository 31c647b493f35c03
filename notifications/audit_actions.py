"""The audit action types the outbound-webhook mutations record."""

from enum import StrEnum


class NotificationsAuditAction(StrEnum):
    CREATE_WEBHOOK_ENDPOINT = "CREATE_WEBHOOK_ENDPOINT"
    DELETE_WEBHOOK_ENDPOINT = "DELETE_WEBHOOK_ENDPOINT"
    REDELIVER_WEBHOOK = "REDELIVER_WEBHOOK"
