"""The audit action types grace periods' mutations record."""

from enum import StrEnum


class GraceAuditAction(StrEnum):
    OPEN_GRACE_PERIOD = "OPEN_GRACE_PERIOD"
    RESOLVE_GRACE_PERIOD = "RESOLVE_GRACE_PERIOD"
    EXTEND_GRACE_PERIOD = "EXTEND_GRACE_PERIOD"
    EXPIRE_GRACE_PERIOD = "EXPIRE_GRACE_PERIOD"
