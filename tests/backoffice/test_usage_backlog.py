"""The usage sync backlog on the app overview: meter reports waiting for the provider, their
age, and the operator's "sync now", audited."""

from django.test import Client

from audit.models import AuditEvent
from stripe_emulator.server import EmulatorServer
from tests.factories import Tenant, customer_make, event, metric_make
from usage.models import MeterReport, MeterReportStatus
from usage.sync import usage_sync


def test_reports_stuck_by_an_outage_show_as_a_backlog_and_sync_now_sends_them(
    tenant: Tenant, stripe: EmulatorServer, admin_client: Client
) -> None:
    metric_make(tenant.client, "api_calls")
    customer_make(tenant.client)
    accepted = tenant.client.post(
        "/v1/usage/batch",
        {"events": [event("a", quantity=5), event("b", quantity=7)]},
        format="json",
    )
    stripe.set_faults(status=503, count=50, path_prefix="/v1/billing/meter_events")
    usage_sync()
    stripe.clear_faults()
    pending = MeterReport.objects.for_app(tenant.app).filter(status=MeterReportStatus.PENDING)
    stuck = pending.count()

    overview = admin_client.get(f"/admin/tenants/app/{tenant.app.pk}/overview/")
    [backlog] = [
        f for f in overview.context["overview"].failed_syncs if f.kind == "usage sync backlog"
    ]
    synced = admin_client.post(backlog.action_url, {"action": backlog.action})
    after = admin_client.get(f"/admin/tenants/app/{tenant.app.pk}/overview/")

    assert accepted.status_code == 200, accepted.content
    assert stuck > 0
    assert backlog.status == f"{stuck} pending"
    assert 'value="Sync now"' in overview.content.decode()
    assert synced.status_code == 302
    assert pending.count() == 0
    assert not [f for f in after.context["overview"].failed_syncs if f.kind == "usage sync backlog"]
    [audit] = AuditEvent.objects.for_app(tenant.app).filter(action_type="RUN_USAGE_SYNC")
    assert audit.actor_id == "staff:admin"
    assert audit.payload_snapshot["reported"] == stuck


def test_sync_now_is_a_post_for_operators_who_may_change_apps(
    tenant: Tenant, admin_client: Client
) -> None:
    refused = admin_client.get(f"/admin/tenants/app/{tenant.app.pk}/overview/usage-sync/")

    assert refused.status_code == 403
