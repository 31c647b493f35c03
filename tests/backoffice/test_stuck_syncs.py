"""A subscription left pending at the provider by an outage shows on the app overview as a stuck
sync, and the operator asks for it again from there, audited under their name."""

from datetime import timedelta

import time_machine
from django.test import Client
from django.utils import timezone

from audit.models import AuditEvent
from billing.models import Subscription
from billing.providers.pending import SyncState
from catalog.models import Metric
from stripe_emulator.server import EmulatorServer
from tests.factories import Tenant, customer_make, plan_make, subscribe


def test_a_subscription_stuck_pending_is_retried_from_the_overview(
    tenant: Tenant, stripe: EmulatorServer, admin_client: Client
) -> None:
    plan = plan_make(tenant.client, trial_period_days=7)
    customer = customer_make(tenant.client)
    stripe.set_faults(status=503, count=20, path_prefix="/v1/subscriptions")
    refused = subscribe(tenant.client, customer, plan)
    stripe.clear_faults()
    pending = Subscription.objects.for_app(tenant.app).get()

    with time_machine.travel(timezone.now() + timedelta(minutes=20), tick=False):
        overview = admin_client.get(f"/admin/tenants/app/{tenant.app.pk}/overview/")
        [stuck] = [
            f for f in overview.context["overview"].failed_syncs if f.object_id == pending.pk
        ]
        retried = admin_client.post(
            stuck.action_url,
            {
                "action": stuck.action,
                "_selected_action": stuck.action_object_id,
                "index": "0",
                "select_across": "0",
            },
        )
    pending.refresh_from_db()

    assert refused.status_code == 502
    assert (stuck.status, stuck.action_label) == ("pending too long", "Retry now")
    assert retried.status_code == 302
    assert pending.sync_state == SyncState.SYNCED
    assert pending.status == "trialing"
    assert (
        AuditEvent.objects.for_app(tenant.app)
        .filter(target_id=pending.pk, actor_id="staff:admin")
        .exists()
    )


def test_a_synced_subscription_is_not_retried(
    tenant: Tenant, stripe: EmulatorServer, admin_client: Client
) -> None:
    plan = plan_make(tenant.client, trial_period_days=7)
    subscription = subscribe(tenant.client, customer_make(tenant.client), plan).json()

    response = admin_client.post(
        "/admin/billing/subscription/",
        {
            "action": "retry_sync_selected",
            "_selected_action": subscription["id"],
            "index": "0",
            "select_across": "0",
        },
        follow=True,
    )

    assert "not pending" in response.content.decode()


def test_a_meter_stuck_pending_is_made_by_the_catalog_sync_from_the_overview(
    tenant: Tenant, stripe: EmulatorServer, admin_client: Client
) -> None:
    stripe.set_faults(status=503, count=50, path_prefix="/v1/billing/meters")
    created = tenant.client.post(
        "/v1/metrics",
        {"code": "api_calls", "name": "API calls", "aggregation": "sum"},
        format="json",
    )
    stripe.clear_faults()
    metric = Metric.objects.for_app(tenant.app).get()

    with time_machine.travel(timezone.now() + timedelta(minutes=20), tick=False):
        overview = admin_client.get(f"/admin/tenants/app/{tenant.app.pk}/overview/")
        [stuck] = [f for f in overview.context["overview"].failed_syncs if f.object_id == metric.pk]
        synced = admin_client.post(stuck.action_url, {"action": stuck.action})
    metric.refresh_from_db()

    assert created.status_code == 201, created.content
    assert stuck.kind == "metric sync"
    assert stuck.action_label == "Sync the catalog"
    assert synced.status_code == 302
    assert metric.sync_state == SyncState.SYNCED
    assert metric.provider_meter_id
    [audit] = AuditEvent.objects.for_app(tenant.app).filter(action_type="RUN_CATALOG_SYNC")
    assert audit.actor_id == "staff:admin"
    assert audit.payload_snapshot["meters_synced"] == [metric.pk]
