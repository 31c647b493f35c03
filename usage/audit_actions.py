"""The audit action types usage's mutations record."""

from enum import StrEnum


class UsageAuditAction(StrEnum):
    SET_USAGE = "SET_USAGE"
    CREATE_USAGE_ALERT = "CREATE_USAGE_ALERT"
    DELETE_USAGE_ALERT = "DELETE_USAGE_ALERT"
    CREATE_ENTITLEMENT_OVERRIDE = "CREATE_ENTITLEMENT_OVERRIDE"
    DELETE_ENTITLEMENT_OVERRIDE = "DELETE_ENTITLEMENT_OVERRIDE"
    # A customer's usage reached an alert's threshold in a billing period (once per period).
    REACH_USAGE_ALERT = "REACH_USAGE_ALERT"
    # An operator ran the app's usage sync to the provider now, from the admin.
    RUN_USAGE_SYNC = "RUN_USAGE_SYNC"
