"""POST/GET /v1/customers/{id}/credit-grants, a grant's void and expire, and
GET /v1/customers/{id}/credit-balance: the input rules, the provider's grant, audit, idempotency,
another app's ids, and a PayPal app refused before anything is written."""

import json
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AuditEvent
from billing.credits import credit_grants_expire_due
from billing.models import CreditGrant
from paypal_emulator.pytest_plugin import TEST_CLIENT_ID, TEST_CLIENT_SECRET
from paypal_emulator.server import PayPalEmulatorServer
from stripe_emulator.server import EmulatorServer
from tenants.models import App
from tests.factories import (
    OBJECT_FACTORIES,
    Tenant,
    customer_make,
    metric_make,
    plan_make,
    subscription_make,
)


def _grants_path(customer: dict) -> str:
    return f"/v1/customers/{customer['id']}/credit-grants"


def _grant(api: APIClient, customer: dict, body: dict, **headers: Any) -> Any:
    return api.post(_grants_path(customer), body, format="json", **headers)


def _provider_grant(stripe: EmulatorServer, grant: dict) -> dict[str, Any]:
    return stripe.state.objects[grant["provider_credit_grant_id"]]


def test_a_money_grant_is_made_at_stripe_and_audited(tenant: Tenant, stripe: EmulatorServer):
    customer = customer_make(tenant.client)

    response = _grant(
        tenant.client,
        customer,
        {"amount": 1500, "currency": "usd", "priority": 5, "name": "Welcome"},
    )

    assert response.status_code == 201, response.content
    grant = response.json()
    assert grant["id"].startswith("cg_")
    assert (grant["object"], grant["kind"], grant["amount"], grant["currency"]) == (
        "credit_grant",
        "monetary",
        1500,
        "usd",
    )
    assert (grant["priority"], grant["status"], grant["available"]) == (5, "active", 1500)
    at_stripe = _provider_grant(stripe, grant)
    assert at_stripe["customer"] == customer["provider_customer_id"]
    assert at_stripe["amount"]["monetary"] == {"currency": "usd", "value": 1500}
    assert at_stripe["applicability_config"]["scope"]["price_type"] == "metered"
    assert at_stripe["priority"] == 5
    (audit,) = AuditEvent.objects.for_app(tenant.app).filter(action_type="CREATE_CREDIT_GRANT")
    assert audit.target_id == grant["id"]
    assert audit.payload_snapshot["amount"] == 1500


def test_a_units_grant_is_money_on_the_metrics_price_of_the_current_plan(
    tenant: Tenant, stripe: EmulatorServer
):
    metric_make(tenant.client)
    plan = plan_make(
        tenant.client,
        metered=[{"metric": "api_calls", "unit_amount_decimal": "0.2", "included_quantity": 10}],
    )
    customer = customer_make(tenant.client)
    subscription_make(tenant.client, customer, plan=plan)

    response = _grant(tenant.client, customer, {"units": 1000, "metric": "api_calls"})

    assert response.status_code == 201, response.content
    grant = response.json()
    assert (grant["kind"], grant["units"], grant["metric"]) == ("units", 1000, "api_calls")
    assert (grant["amount"], grant["currency"], grant["unit_amount_decimal"]) == (200, "usd", "0.2")
    assert grant["units_available"] == 1000
    scope = _provider_grant(stripe, grant)["applicability_config"]["scope"]
    assert scope["prices"] == [{"id": plan["metered"][0]["provider_price_id"]}]
    balance = tenant.client.get(f"/v1/customers/{customer['id']}/credit-balance").json()
    assert balance["units"] == [{"metric": "api_calls", "available": 1000}]
    assert balance["money"] == [{"currency": "usd", "available": 200}]


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({}, "amount"),
        ({"amount": 100, "currency": "usd", "units": 5, "metric": "api_calls"}, "amount"),
        ({"amount": 100}, "currency"),
        ({"amount": 0, "currency": "usd"}, "amount"),
        ({"amount": 100, "currency": "USD"}, "currency"),
        ({"amount": 100, "currency": "usd", "metric": "api_calls"}, "metric"),
        ({"amount": 100, "currency": "usd", "priority": 101}, "priority"),
        ({"amount": 100, "currency": "usd", "expires_at": "2001-01-01T00:00:00Z"}, "expires_at"),
        ({"amount": 100, "currency": "usd", "colour": "red"}, None),
        ({"units": 10}, "metric"),
        ({"units": 10, "metric": "nope"}, "metric"),
        ({"units": 10, "metric": "seats"}, "metric"),
        ({"units": 1001, "metric": "api_calls"}, "units"),
        ({"units": 10, "metric": "api_calls", "currency": "usd"}, "currency"),
    ],
)
def test_bad_grants_answer_400_and_nothing_is_made(
    tenant: Tenant, stripe: EmulatorServer, body: dict, param: str | None
):
    metric_make(tenant.client)
    metric_make(tenant.client, "seats")
    plan = plan_make(tenant.client, metered=[{"metric": "api_calls", "unit_amount_decimal": "0.2"}])
    customer = customer_make(tenant.client)
    subscription_make(tenant.client, customer, plan=plan)

    response = _grant(tenant.client, customer, body)

    assert response.status_code == 400, response.content
    assert response.json()["error"]["type"] == "invalid_request_error"
    if param is not None:
        assert response.json()["error"]["param"] == param
    assert CreditGrant.objects.for_app(tenant.app).count() == 0
    assert not stripe.state.list_objects("billing.credit_grant")


def test_a_units_grant_on_a_tiered_price_is_refused(tenant: Tenant):
    metric_make(tenant.client)
    plan = plan_make(
        tenant.client,
        metered=[
            {
                "metric": "api_calls",
                "tiers": [{"up_to": 100, "unit_amount": 2}, {"up_to": None, "unit_amount": 1}],
            }
        ],
    )
    customer = customer_make(tenant.client)
    subscription_make(tenant.client, customer, plan=plan)

    response = _grant(tenant.client, customer, {"units": 10, "metric": "api_calls"})

    assert response.status_code == 400, response.content
    assert response.json()["error"]["param"] == "metric"


def test_a_grant_retried_with_the_same_key_is_replayed_and_made_once(
    tenant: Tenant, stripe: EmulatorServer
):
    customer = customer_make(tenant.client)
    body = {"amount": 700, "currency": "usd"}

    first = _grant(tenant.client, customer, body, HTTP_IDEMPOTENCY_KEY="credit-1")
    again = _grant(tenant.client, customer, body, HTTP_IDEMPOTENCY_KEY="credit-1")

    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert CreditGrant.objects.for_app(tenant.app).count() == 1
    assert len(stripe.state.list_objects("billing.credit_grant")) == 1


def test_the_list_and_one_grant_answer_the_customers_grants(tenant: Tenant):
    customer = customer_make(tenant.client)
    older = _grant(tenant.client, customer, {"amount": 100, "currency": "usd"}).json()
    newer = _grant(tenant.client, customer, {"amount": 200, "currency": "usd"}).json()

    listed = tenant.client.get(_grants_path(customer)).json()
    by_external_id = tenant.client.get("/v1/customers/user-1/credit-grants").json()
    one = tenant.client.get(f"{_grants_path(customer)}/{older['id']}").json()

    assert [item["id"] for item in listed["data"]] == [newer["id"], older["id"]]
    assert listed["has_more"] is False
    assert [item["id"] for item in by_external_id["data"]] == [newer["id"], older["id"]]
    assert (one["id"], one["amount"], one["transactions"]) == (older["id"], 100, [])


def test_void_and_expire_end_a_grant_once_each_audited(tenant: Tenant, stripe: EmulatorServer):
    customer = customer_make(tenant.client)
    voided = _grant(tenant.client, customer, {"amount": 100, "currency": "usd"}).json()
    expired = _grant(tenant.client, customer, {"amount": 300, "currency": "usd"}).json()

    void = tenant.client.post(f"{_grants_path(customer)}/{voided['id']}/void")
    expire = tenant.client.post(f"{_grants_path(customer)}/{expired['id']}/expire")
    again = tenant.client.post(f"{_grants_path(customer)}/{voided['id']}/void")

    assert void.status_code == 200, void.content
    assert (void.json()["status"], void.json()["lapsed"], void.json()["available"]) == (
        "voided",
        100,
        0,
    )
    assert (expire.json()["status"], expire.json()["lapsed"]) == ("expired", 300)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "credit_grant_ended"
    assert _provider_grant(stripe, voided)["voided_at"] is not None
    audited = AuditEvent.objects.for_app(tenant.app).filter(
        action_type__in=["VOID_CREDIT_GRANT", "EXPIRE_CREDIT_GRANT"]
    )
    assert sorted(audited.values_list("action_type", "target_id")) == [
        ("EXPIRE_CREDIT_GRANT", expired["id"]),
        ("VOID_CREDIT_GRANT", voided["id"]),
    ]
    balance = tenant.client.get(f"/v1/customers/{customer['id']}/credit-balance").json()
    assert (balance["money"], balance["grants"]) == ([], [])


def test_another_apps_grant_under_ones_own_customer_answers_404(
    tenant: Tenant, other_tenant: Tenant
):
    theirs = OBJECT_FACTORIES["billing.CreditGrant"](other_tenant.app)
    customer = customer_make(tenant.client)

    for method, path in [
        ("get", f"{_grants_path(customer)}/{theirs.pk}"),
        ("post", f"{_grants_path(customer)}/{theirs.pk}/void"),
        ("post", f"{_grants_path(customer)}/{theirs.pk}/expire"),
    ]:
        response = getattr(tenant.client, method)(path)

        assert response.status_code == 404, (method, path)
        assert response.json()["error"]["type"] == "not_found"
    theirs.refresh_from_db()
    assert theirs.status == "active"


@pytest.fixture
def shop(db: Any, settings: Any, paypal_emulator: PayPalEmulatorServer) -> APIClient:
    settings.PAYPAL_CLIENT_ID = TEST_CLIENT_ID
    settings.PAYPAL_CLIENT_SECRET = TEST_CLIENT_SECRET
    settings.PAYPAL_API_BASE = paypal_emulator.url
    output = StringIO()
    call_command("create_app", "PayPal shop", "--provider", "paypal", "--json", stdout=output)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {json.loads(output.getvalue())['api_key']}")
    return client


def test_a_paypal_app_is_refused_before_anything_is_written(shop: APIClient):
    app = App.objects.get(name="PayPal shop")
    customer = shop.post("/v1/customers", {"external_id": "payer"}, format="json").json()
    audits_before = AuditEvent.objects.for_app(app).count()

    response = shop.post(_grants_path(customer), {"amount": 100, "currency": "usd"}, format="json")

    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "provider_capability_unsupported"
    assert "credit_grants" in error["message"]
    assert CreditGrant.objects.for_app(app).count() == 0
    assert AuditEvent.objects.for_app(app).count() == audits_before


def test_the_sweep_records_an_expiry_that_stripe_debited(tenant: Tenant, stripe: EmulatorServer):
    customer = customer_make(tenant.client)
    expires_at = timezone.now() + timedelta(hours=1)
    grant = _grant(
        tenant.client,
        customer,
        {"amount": 400, "currency": "usd", "expires_at": expires_at.isoformat()},
    ).json()
    stripe.advance(2 * 3600)

    recorded = credit_grants_expire_due(now=timezone.now() + timedelta(hours=2))
    again = credit_grants_expire_due(now=timezone.now() + timedelta(hours=2))

    assert (recorded, again) == (1, 0)
    ended = tenant.client.get(f"{_grants_path(customer)}/{grant['id']}").json()
    assert (ended["status"], ended["lapsed"], ended["available"]) == ("expired", 400, 0)
    assert [item["kind"] for item in ended["transactions"]] == ["expired"]
    (audit,) = AuditEvent.objects.for_app(tenant.app).filter(action_type="EXPIRE_CREDIT_GRANT")
    assert (audit.target_id, audit.payload_snapshot["amount"]) == (grant["id"], 400)
