from datetime import UTC, datetime

import pytest
from django.db import transaction

from audit.services import audit_event_parameters, audit_event_record
from billing.audit_actions import BillingAuditAction
from catalog.audit_actions import CatalogAuditAction
from grace.audit_actions import GraceAuditAction
from notifications.audit_actions import NotificationsAuditAction
from tenants.actors import SYSTEM
from tenants.audit_actions import TenantsAuditAction
from usage.audit_actions import UsageAuditAction

# Audit action types share one namespace: the audit_auditevent.action_type column.
ACTION_TYPE_ENUMS = [
    BillingAuditAction,
    CatalogAuditAction,
    GraceAuditAction,
    NotificationsAuditAction,
    TenantsAuditAction,
    UsageAuditAction,
]


def test_every_action_type_value_is_unique_across_apps():
    # A repeated value inside one StrEnum becomes a silent alias; __members__ still lists it.
    values = [member.value for enum in ACTION_TYPE_ENUMS for member in enum.__members__.values()]
    assert len(values) == len(set(values)), sorted(v for v in values if values.count(v) > 1)
    for enum in ACTION_TYPE_ENUMS:
        assert all(member.value == member.name for member in enum), enum


@pytest.mark.django_db
def test_a_plain_string_action_type_is_refused(tenant):
    with transaction.atomic(), pytest.raises(TypeError):
        audit_event_record(
            app=tenant.app, actor=SYSTEM, action_type="CREATE_CUSTOMER", target_type="customer"
        )
    with pytest.raises(TypeError):
        audit_event_parameters(
            app=tenant.app,
            actor=SYSTEM,
            action_type="SET_USAGE",
            target_type="usage",
            now=datetime.now(UTC),
        )
