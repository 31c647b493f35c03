"""Customers through the API, as they appear in Stripe (the emulator)."""

from rest_framework.test import APIClient

from audit.models import AuditEvent
from billing.models import Customer
from stripe_emulator.server import EmulatorServer
from tests.factories import Tenant


def _stripe_customers(stripe: EmulatorServer) -> list[dict]:
    return [obj for obj in stripe.state.objects.values() if obj.get("object") == "customer"]


def test_customer_create_creates_the_stripe_customer_with_our_metadata(
    tenant: Tenant, stripe: EmulatorServer
):
    response = tenant.client.post(
        "/v1/customers", {"external_id": "user-1", "email": "ada@example.com"}, format="json"
    )

    body = response.json()
    stripe_customer = stripe.state.objects[body["provider_customer_id"]]
    assert stripe_customer["email"] == "ada@example.com"
    assert stripe_customer["metadata"]["app_id"] == tenant.app.pk
    assert stripe_customer["metadata"]["external_id"] == "user-1"
    assert stripe_customer["metadata"]["customer_id"] == body["id"]


def test_customer_payment_method_becomes_the_default(api: APIClient, stripe: EmulatorServer):
    response = api.post(
        "/v1/customers", {"external_id": "u", "payment_method": "pm_card_visa"}, format="json"
    )

    body = response.json()
    assert body["default_payment_method"].startswith("pm_")
    stripe_customer = stripe.state.objects[body["provider_customer_id"]]
    assert (
        stripe_customer["invoice_settings"]["default_payment_method"]
        == body["default_payment_method"]
    )


def test_customer_update_updates_the_stripe_customer(api: APIClient, stripe: EmulatorServer):
    created = api.post("/v1/customers", {"external_id": "u"}, format="json").json()

    api.patch(
        f"/v1/customers/{created['id']}",
        {"name": "Ada", "payment_method": "pm_card_visa"},
        format="json",
    )

    stripe_customer = stripe.state.objects[created["provider_customer_id"]]
    assert stripe_customer["name"] == "Ada"
    assert stripe_customer["invoice_settings"]["default_payment_method"].startswith("pm_")


def test_an_unknown_payment_method_answers_400_and_leaves_nothing(
    tenant: Tenant, stripe: EmulatorServer
):
    response = tenant.client.post(
        "/v1/customers", {"external_id": "u", "payment_method": "pm_no_such_thing"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["param"] == "payment_method"
    assert Customer.objects.for_app(tenant.app).count() == 0


def test_two_stripe_500s_then_success_make_one_stripe_customer(
    api: APIClient, stripe: EmulatorServer
):
    stripe.set_faults(status=500, count=2)

    response = api.post("/v1/customers", {"external_id": "u"}, format="json")

    assert response.status_code == 201
    assert len(_stripe_customers(stripe)) == 1


def test_stripe_unreachable_answers_502_and_leaves_no_row(tenant: Tenant, stripe: EmulatorServer):
    stripe.set_faults(status=500, count=10)

    response = tenant.client.post("/v1/customers", {"external_id": "u"}, format="json")

    assert response.status_code == 502
    assert response.json()["error"]["type"] == "provider_error"
    assert Customer.objects.for_app(tenant.app).count() == 0
    assert not AuditEvent.objects.for_app(tenant.app).filter(action_type="CREATE_CUSTOMER").exists()


def test_a_client_retry_after_an_outage_creates_one_stripe_customer(
    api: APIClient, stripe: EmulatorServer
):
    stripe.set_faults(delay_ms=0, status=500, count=3)
    failed = api.post(
        "/v1/customers", {"external_id": "u"}, format="json", HTTP_IDEMPOTENCY_KEY="k1"
    )

    retried = api.post(
        "/v1/customers", {"external_id": "u"}, format="json", HTTP_IDEMPOTENCY_KEY="k1"
    )

    assert failed.status_code == 502
    assert retried.status_code == 201
    assert len(_stripe_customers(stripe)) == 1
