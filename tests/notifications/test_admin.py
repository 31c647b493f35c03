from django.contrib.admin.utils import quote

from audit.models import AuditEvent
from notifications.models import WebhookDelivery
from tests.factories import Tenant, deliveries_of, endpoint_create


def test_redeliver_selected_sends_the_event_again_and_is_audited(
    tenant: Tenant, receiver, publish, admin_client, django_capture_on_commit_callbacks
):
    endpoint = endpoint_create(tenant.client, url=receiver.url("/hooks"))
    receiver.expect_secret("/hooks", endpoint["secret"])
    receiver.answer("/hooks", 500)
    event = publish(app=tenant.app, event_type="payment.succeeded", data={"payment": "pay_1"})
    [original] = deliveries_of(tenant.client, endpoint["id"])

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/notifications/webhookdelivery/",
            {"action": "redeliver_selected", "_selected_action": [original["id"]]},
        )

    assert response.status_code == 302
    first, second = receiver.at("/hooks")
    assert second.signature_error is None
    assert second.json()["id"] == first.json()["id"] == event.pk
    deliveries = {
        delivery["id"]: delivery for delivery in deliveries_of(tenant.client, endpoint["id"])
    }
    assert len(deliveries) == 2
    assert deliveries[original["id"]]["status"] == "pending"
    [redelivery] = [delivery for key, delivery in deliveries.items() if key != original["id"]]
    assert redelivery["status"] == "succeeded"
    assert redelivery["event"] == event.pk
    audit = AuditEvent.objects.for_app(tenant.app).get(action_type="REDELIVER_WEBHOOK")
    assert audit.actor_id == "staff:admin"
    assert audit.target_type == "webhook_delivery"
    assert audit.target_id == original["id"]
    assert audit.payload_snapshot["redelivery"] == redelivery["id"]


def test_redelivery_to_a_deleted_endpoint_is_refused(
    tenant: Tenant, receiver, publish, admin_client, django_capture_on_commit_callbacks
):
    endpoint = endpoint_create(tenant.client, url=receiver.url("/hooks"))
    receiver.expect_secret("/hooks", endpoint["secret"])
    publish(app=tenant.app, event_type="payment.succeeded", data={})
    [delivery] = deliveries_of(tenant.client, endpoint["id"])
    tenant.client.delete(f"/v1/webhook-endpoints/{endpoint['id']}")

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/notifications/webhookdelivery/",
            {"action": "redeliver_selected", "_selected_action": [delivery["id"]]},
            follow=True,
        )

    assert b"disabled or deleted" in response.content
    assert len(receiver.at("/hooks")) == 1
    assert WebhookDelivery.objects.for_app(tenant.app).count() == 1
    assert (
        not AuditEvent.objects.for_app(tenant.app).filter(action_type="REDELIVER_WEBHOOK").exists()
    )


def test_the_admin_lists_deliveries_by_status_and_never_shows_a_secret(
    tenant: Tenant, receiver, publish, admin_client
):
    endpoint = endpoint_create(tenant.client, url=receiver.url("/hooks"))
    receiver.expect_secret("/hooks", endpoint["secret"])
    event = publish(app=tenant.app, event_type="payment.succeeded", data={})

    pages = [
        admin_client.get("/admin/notifications/webhookdelivery/?status__exact=succeeded"),
        admin_client.get("/admin/notifications/webhookendpoint/"),
        admin_client.get(f"/admin/notifications/webhookendpoint/{quote(endpoint['id'])}/change/"),
        admin_client.get(f"/admin/notifications/appevent/{quote(event.pk)}/change/"),
    ]

    assert [page.status_code for page in pages] == [200, 200, 200, 200]
    assert endpoint["url"].encode() in pages[0].content
    for page in pages:
        assert endpoint["secret"].encode() not in page.content
    failed = admin_client.get("/admin/notifications/webhookdelivery/?status__exact=failed")
    assert endpoint["url"].encode() not in failed.content
