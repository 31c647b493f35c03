"""The audit action types of the app and API-key mutations (they move to backoffice/ with them)."""

from enum import StrEnum


class TenantsAuditAction(StrEnum):
    CREATE_APP = "CREATE_APP"
    CREATE_API_KEY = "CREATE_API_KEY"
    REVOKE_API_KEY = "REVOKE_API_KEY"
    ROTATE_API_KEY = "ROTATE_API_KEY"
