"""The error codes of usage ingestion."""

from enum import StrEnum


class UsageErrorCode(StrEnum):
    TIMESTAMP_TOO_OLD = "timestamp_too_old"
    TIMESTAMP_IN_FUTURE = "timestamp_in_future"
