"""The error codes of grace periods."""

from enum import StrEnum


class GraceErrorCode(StrEnum):
    GRACE_PERIOD_NOT_ACTIVE = "grace_period_not_active"
