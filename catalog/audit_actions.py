"""The audit action types the catalog's mutations (plans, metrics) record."""

from enum import StrEnum


class CatalogAuditAction(StrEnum):
    CREATE_PLAN = "CREATE_PLAN"
    UPDATE_PLAN = "UPDATE_PLAN"
    ARCHIVE_PLAN = "ARCHIVE_PLAN"
    SYNC_PLANS = "SYNC_PLANS"
    IMPORT_PLAN = "IMPORT_PLAN"
    CREATE_METRIC = "CREATE_METRIC"
    CREATE_FEATURE = "CREATE_FEATURE"
    UPDATE_FEATURE = "UPDATE_FEATURE"
    ARCHIVE_FEATURE = "ARCHIVE_FEATURE"
    # An operator ran the app's catalog sync (plans, prices and meters) now, from the admin.
    RUN_CATALOG_SYNC = "RUN_CATALOG_SYNC"
