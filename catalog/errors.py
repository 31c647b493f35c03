"""The error codes of the catalog (plans, metrics)."""

from enum import StrEnum


class CatalogErrorCode(StrEnum):
    PLAN_CODE_TAKEN = "plan_code_taken"
    PLAN_ARCHIVED = "plan_archived"
    METRIC_CODE_TAKEN = "metric_code_taken"
    METRIC_NOT_SYNCED = "metric_not_synced"
    FEATURE_CODE_TAKEN = "feature_code_taken"
