"""The error codes of apps and their API keys."""

from enum import StrEnum


class TenantsErrorCode(StrEnum):
    API_KEY_REVOKED = "api_key_revoked"
    APP_DISABLED = "app_disabled"
