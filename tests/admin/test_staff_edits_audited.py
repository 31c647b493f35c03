from auditlog.models import LogEntry
from django.contrib.admin.utils import quote
from django.test import Client

from tenants.models import App
from tests.factories import Tenant


def test_a_staff_edit_in_the_admin_is_logged_with_the_staff_user(
    tenant: Tenant, admin_client: Client, admin_user
):
    response = admin_client.post(
        f"/admin/tenants/app/{quote(tenant.app.pk)}/change/",
        {
            "name": "Acme CRM (renamed)",
            "mode": "test",
            "provider": "stripe",
            "is_active": "on",
            # The read-only inline of the app's keys (its prefix comes from related_name="+").
            "-1-TOTAL_FORMS": "1",
            "-1-INITIAL_FORMS": "1",
            "-1-0-id": tenant.api_key.pk,
            "-1-0-app": tenant.app.pk,
        },
    )

    assert response.status_code == 302, response.content[:2000]
    assert App.objects.get(pk=tenant.app.pk).name == "Acme CRM (renamed)"
    entry = LogEntry.objects.get_for_object(tenant.app).latest("timestamp")
    assert entry.actor == admin_user
    assert entry.changes_dict["name"] == ["Acme CRM", "Acme CRM (renamed)"]


def test_api_calls_are_not_logged_by_auditlog(tenant: Tenant):
    before = LogEntry.objects.count()

    tenant.client.post("/v1/customers", {"external_id": "u"}, format="json")

    assert LogEntry.objects.count() == before
