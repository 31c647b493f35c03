"""The app hears about every grace period transition through its outbound webhooks."""

from io import StringIO

import pytest
from django.core.management import call_command

from api.errors import InvalidRequestError
from grace.services import grace_period_open
from notifications.models import AppEvent
from tenants.actors import STRIPE
from tests.factories import (
    START,
    Tenant,
    customer_record,
    metric_record,
    over_quota_open,
    past_due_subscription_record,
    payment_failed_open,
)


def _app_events(tenant: Tenant) -> list[tuple[str, dict]]:
    """The grace-period events published to the app (subscribing publishes its own)."""
    return [
        (event.event_type, event.data)
        for event in AppEvent.objects.for_app(tenant.app)
        .filter(event_type__startswith="grace_period.")
        .order_by("created_at", "pk")
    ]


def test_opened_resolved_and_expired_are_published_once_each(tenant: Tenant, other_tenant: Tenant):
    customer = customer_record(tenant.app)
    resolved, _ = payment_failed_open(
        tenant.app, past_due_subscription_record(tenant.app, customer)
    )
    payment_failed_open(tenant.app, resolved.subscription)
    tenant.client.post(f"/v1/grace-periods/{resolved.pk}/resolve", {}, format="json")
    expired, _ = over_quota_open(
        tenant.app, customer, metric_record(tenant.app), grace_period_days=1, now=START
    )
    call_command("expire_grace_periods", "--as-of", "2026-04-01T00:00:00Z", stdout=StringIO())

    events = _app_events(tenant)

    assert [(event_type, data["id"]) for event_type, data in events] == [
        ("grace_period.opened", resolved.pk),
        ("grace_period.resolved", resolved.pk),
        ("grace_period.opened", expired.pk),
        ("grace_period.expired", expired.pk),
    ]
    assert events[1][1]["status"] == "resolved"
    assert events[3][1]["status"] == "expired"
    assert events[3][1]["metric"] == "api_calls"
    assert _app_events(other_tenant) == []


def test_a_refused_open_publishes_nothing(tenant: Tenant):
    customer = customer_record(tenant.app)

    with pytest.raises(InvalidRequestError):
        grace_period_open(app=tenant.app, actor=STRIPE, customer=customer, reason="over_quota")

    assert _app_events(tenant) == []
