from datetime import timedelta

import pytest
from django.contrib.admin import helpers
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client

from audit.models import AuditEvent
from grace.models import GracePeriod, GraceStatus
from tests.factories import (
    Tenant,
    customer_record,
    past_due_subscription_record,
    payment_failed_open,
)

CHANGELIST = "/admin/grace/graceperiod/"


@pytest.fixture
def operator(db) -> Client:
    user = get_user_model().objects.create_superuser(
        username="ops-ada", email="ada@example.com", password="correct horse battery staple"
    )
    client = Client()
    client.force_login(user)
    return client


def _open(tenant: Tenant, external_id: str) -> GracePeriod:
    customer = customer_record(tenant.app, external_id)
    grace_period, _ = payment_failed_open(
        tenant.app, past_due_subscription_record(tenant.app, customer, code=external_id)
    )
    return grace_period


def _action(client: Client, action: str, grace_periods: list[GracePeriod], **form: object):
    return client.post(
        CHANGELIST,
        {
            "action": action,
            "index": 0,
            helpers.ACTION_CHECKBOX_NAME: [grace_period.pk for grace_period in grace_periods],
            **form,
        },
    )


def test_the_resolve_action_asks_for_a_note_first(operator: Client, tenant: Tenant):
    grace_period = _open(tenant, "user-1")

    response = _action(operator, "resolve_selected", [grace_period])

    assert response.status_code == 200
    assert b'name="note"' in response.content
    assert grace_period.pk.encode() in response.content
    grace_period.refresh_from_db()
    assert grace_period.status == GraceStatus.ACTIVE


def test_the_resolve_action_resolves_with_the_note_as_the_staff_user(
    operator: Client, tenant: Tenant
):
    first, second = _open(tenant, "user-1"), _open(tenant, "user-2")

    response = _action(
        operator, "resolve_selected", [first, second], apply="Resolve", note="Paid by wire"
    )

    assert response.status_code == 302
    for grace_period in (first, second):
        grace_period.refresh_from_db()
        assert grace_period.status == GraceStatus.RESOLVED
        assert grace_period.resolved_by == "staff:ops-ada"
        assert grace_period.note == "Paid by wire"
    events = AuditEvent.objects.for_app(tenant.app).filter(action_type="RESOLVE_GRACE_PERIOD")
    assert sorted(events.values_list("target_id", flat=True)) == sorted([first.pk, second.pk])
    assert set(events.values_list("actor_id", flat=True)) == {"staff:ops-ada"}


def test_the_resolve_action_without_a_note_shows_the_form_again(operator: Client, tenant: Tenant):
    grace_period = _open(tenant, "user-1")

    response = _action(operator, "resolve_selected", [grace_period], apply="Resolve", note="")

    assert response.status_code == 200
    assert b"This field is required" in response.content
    grace_period.refresh_from_db()
    assert grace_period.status == GraceStatus.ACTIVE


def test_the_resolve_action_skips_periods_that_are_not_active(operator: Client, tenant: Tenant):
    active, resolved = _open(tenant, "user-1"), _open(tenant, "user-2")
    _action(operator, "resolve_selected", [resolved], apply="Resolve", note="first")

    response = _action(
        operator, "resolve_selected", [active, resolved], apply="Resolve", note="second"
    )

    assert response.status_code == 302
    active.refresh_from_db()
    resolved.refresh_from_db()
    assert (active.status, active.note) == (GraceStatus.RESOLVED, "second")
    assert resolved.note == "first"
    resolutions = AuditEvent.objects.for_app(tenant.app).filter(action_type="RESOLVE_GRACE_PERIOD")
    assert resolutions.count() == 2


def test_the_extend_action_extends_by_the_days_given(operator: Client, tenant: Tenant):
    grace_period = _open(tenant, "user-1")
    previous_ends_at = grace_period.ends_at
    asked = _action(operator, "extend_selected", [grace_period])

    response = _action(
        operator, "extend_selected", [grace_period], apply="Extend", days=5, note="Goodwill"
    )

    assert asked.status_code == 200
    assert b'name="days"' in asked.content
    assert response.status_code == 302
    grace_period.refresh_from_db()
    assert grace_period.ends_at == previous_ends_at + timedelta(days=5)
    assert grace_period.note == "Goodwill"
    event = AuditEvent.objects.for_app(tenant.app).get(action_type="EXTEND_GRACE_PERIOD")
    assert event.actor_id == "staff:ops-ada"
    assert event.payload_snapshot["days"] == 5


def test_the_changelist_filters_and_the_detail_page_is_read_only(operator: Client, tenant: Tenant):
    grace_period = _open(tenant, "user-1")

    changelist = operator.get(CHANGELIST, {"status__exact": "active", "q": "user-1"})
    detail = operator.get(f"{CHANGELIST}{grace_period.pk}/change/")
    add = operator.get(f"{CHANGELIST}add/")

    assert changelist.status_code == 200
    assert grace_period.pk.encode() in changelist.content
    assert detail.status_code == 200
    assert b'name="_save"' not in detail.content
    assert add.status_code == 403


def test_staff_without_change_permission_cannot_run_the_actions(tenant: Tenant):
    viewer = get_user_model().objects.create_user(username="viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_graceperiod"))
    client = Client()
    client.force_login(viewer)
    grace_period = _open(tenant, "user-1")

    listed = client.get(CHANGELIST)
    attempted = _action(client, "resolve_selected", [grace_period], apply="Resolve", note="x")

    assert listed.status_code == 200
    assert b"resolve_selected" not in listed.content
    grace_period.refresh_from_db()
    assert grace_period.status == GraceStatus.ACTIVE
    assert attempted.status_code == 200
