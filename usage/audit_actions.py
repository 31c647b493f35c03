"""The audit action types usage's mutations record."""

from enum import StrEnum


class UsageAuditAction(StrEnum):
    SET_USAGE = "SET_USAGE"
