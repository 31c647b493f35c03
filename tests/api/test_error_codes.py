from api.errors import ErrorCode
from billing.errors import BillingErrorCode
from billing.providers.errors import ProviderErrorCode
from catalog.errors import CatalogErrorCode
from grace.errors import GraceErrorCode
from notifications.errors import NotificationsErrorCode
from notifications.event_types import AppEventType
from tenants.errors import TenantsErrorCode
from usage.errors import UsageErrorCode

# Error codes share one namespace: the `error.code` an app reads on the wire.
ERROR_CODE_ENUMS = [
    ErrorCode,
    BillingErrorCode,
    ProviderErrorCode,
    CatalogErrorCode,
    GraceErrorCode,
    NotificationsErrorCode,
    TenantsErrorCode,
    UsageErrorCode,
]


def test_every_error_code_value_is_unique_across_apps():
    # A repeated value inside one StrEnum becomes a silent alias; __members__ still lists it.
    values = [member.value for enum in ERROR_CODE_ENUMS for member in enum.__members__.values()]
    assert len(values) == len(set(values)), sorted(v for v in values if values.count(v) > 1)


def test_every_app_event_type_value_is_unique():
    values = [member.value for member in AppEventType.__members__.values()]
    assert len(values) == len(set(values))
