import json
from io import StringIO

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from tests.billing import ledger_provider


@pytest.fixture
def ledger_app(settings, db) -> APIClient:
    settings.PAYMENT_PROVIDERS = {
        **settings.PAYMENT_PROVIDERS,
        "ledger": "tests.billing.ledger_provider.LedgerProvider",
    }
    ledger_provider.LEDGER["customers"].clear()
    ledger_provider.LEDGER["charges"].clear()
    output = StringIO()
    call_command("create_app", "Ledger app", "--provider", "ledger", "--json", stdout=output)

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {json.loads(output.getvalue())['api_key']}")
    return client


def test_an_app_on_another_provider_bills_through_it_without_billing_code_changes(
    ledger_app: APIClient,
):
    customer = ledger_app.post(
        "/v1/customers", {"external_id": "u", "payment_method": "ledger_card"}, format="json"
    ).json()

    payment = ledger_app.post(
        "/v1/payments",
        {"customer": customer["id"], "amount": 700, "currency": "eur"},
        format="json",
    )

    assert ledger_app.get("/v1/app").json()["provider"] == "ledger"
    assert customer["provider_customer_id"] == "ledger_cus_1"
    assert payment.status_code == 201
    assert payment.json()["status"] == "succeeded"
    assert payment.json()["provider_payment_id"] == "ledger_pay_1"
    charge = ledger_provider.LEDGER["charges"][0]
    assert (charge.amount_minor, charge.currency, charge.customer_reference) == (
        700,
        "eur",
        "ledger_cus_1",
    )
    assert charge.idempotency_key.startswith("ps_")


def test_a_payment_in_a_currency_the_apps_provider_lacks_answers_400_before_it_is_charged(
    ledger_app: APIClient,
):
    customer = ledger_app.post(
        "/v1/customers", {"external_id": "u", "payment_method": "ledger_card"}, format="json"
    ).json()

    payment = ledger_app.post(
        "/v1/payments",
        {"customer": customer["id"], "amount": 700, "currency": "jpy"},
        format="json",
    )

    assert payment.status_code == 400, payment.content
    error = payment.json()["error"]
    assert (error["code"], error["param"]) == ("currency_unsupported", "currency")
    assert "ledger" in error["message"]
    assert ledger_provider.LEDGER["charges"] == []
