"""Cards collected by the app's own form (Stripe Elements): the publishable key the form needs,
the setup intent it confirms, and the card that becomes the customer's default."""

from typing import Any

import pytest
import requests
from djstripe.models import WebhookEndpoint

from audit.models import AuditEvent
from stripe_emulator.api import publishable_key_for
from stripe_emulator.pytest_plugin import TEST_API_KEY
from stripe_emulator.server import EmulatorServer
from tests.factories import Tenant, customer_make, deliver, events_of, settle

# The publishable key of the emulator account our secret key belongs to, as `./run serve` sets it.
PUBLISHABLE_KEY = publishable_key_for(TEST_API_KEY)


@pytest.fixture(autouse=True)
def publishable_key(settings: Any) -> str:
    settings.STRIPE_PUBLISHABLE_KEY = PUBLISHABLE_KEY
    return PUBLISHABLE_KEY


def test_the_app_endpoint_gives_the_providers_publishable_key(tenant: Tenant):
    response = tenant.client.get("/v1/app")

    assert response.status_code == 200
    assert response.json()["client"] == {"publishable_key": PUBLISHABLE_KEY}


def test_without_a_publishable_key_configured_it_is_null(tenant: Tenant, settings: Any):
    settings.STRIPE_PUBLISHABLE_KEY = ""

    response = tenant.client.get("/v1/app")

    assert response.json()["client"] == {"publishable_key": None}


def _browser_confirm(
    stripe: EmulatorServer, setup_intent: dict[str, Any], card: str, tenant: Tenant
) -> requests.Response:
    """What Stripe.js does in the customer's browser: confirm the setup intent with the
    publishable key the app got from `GET /v1/app`, and the intent's client secret."""
    publishable_key = tenant.client.get("/v1/app").json()["client"]["publishable_key"]
    return requests.post(
        f"{stripe.url}/v1/setup_intents/{setup_intent['id']}/confirm",
        data={"client_secret": setup_intent["client_secret"], "payment_method": card},
        headers={"Authorization": f"Bearer {publishable_key}"},
        timeout=10,
    )


def _setup_intent(tenant: Tenant, customer: dict[str, Any], **body: Any) -> dict[str, Any]:
    response = tenant.client.post(
        f"/v1/customers/{customer['id']}/setup-intents", body, format="json"
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_a_setup_intent_answers_the_client_secret_the_apps_form_confirms(tenant: Tenant):
    customer = customer_make(tenant.client, payment_method=None)

    setup_intent = _setup_intent(tenant, customer)

    assert setup_intent["id"].startswith("seti_")
    assert setup_intent["client_secret"].startswith(setup_intent["id"] + "_secret_")
    assert setup_intent["status"] == "requires_payment_method"
    assert setup_intent["customer"] == customer["id"]
    assert setup_intent["usage"] == "off_session"
    audited = AuditEvent.objects.for_app(tenant.app).get(action_type="CREATE_SETUP_INTENT")
    assert audited.target_id == customer["id"]
    assert audited.payload_snapshot["setup_intent"] == setup_intent["id"]


def test_the_card_confirmed_in_the_browser_becomes_the_default_through_the_webhook(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint
):
    customer = customer_make(tenant.client, payment_method=None)
    setup_intent = _setup_intent(tenant, customer)

    confirmed = _browser_confirm(stripe, setup_intent, "pm_card_mastercard", tenant)
    settle(stripe)

    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["status"] == "succeeded"
    card = confirmed.json()["payment_method"]
    assert (
        tenant.client.get(f"/v1/customers/{customer['id']}").json()["default_payment_method"]
        == card
    )
    [listed] = tenant.client.get(f"/v1/customers/{customer['id']}/payment-methods").json()["data"]
    assert (listed["id"], listed["brand"], listed["last4"], listed["default"]) == (
        card,
        "mastercard",
        "4444",
        True,
    )
    provider_customer = stripe.state.objects[customer["provider_customer_id"]]
    assert provider_customer["invoice_settings"]["default_payment_method"] == card
    audited = AuditEvent.objects.for_app(tenant.app).get(action_type="SET_DEFAULT_PAYMENT_METHOD")
    assert audited.actor_type == "stripe"
    assert audited.payload_snapshot["setup_intent"] == setup_intent["id"]


def test_the_card_that_needs_authentication_becomes_the_default_once_authenticated(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint
):
    customer = customer_make(tenant.client, payment_method=None)
    setup_intent = _setup_intent(tenant, customer)

    confirmed = _browser_confirm(
        stripe, setup_intent, "pm_card_authenticationRequiredOnSetup", tenant
    )
    settle(stripe)
    before = tenant.client.get(f"/v1/customers/{customer['id']}").json()
    authenticated = requests.post(
        f"{stripe.url}/_emulator/setup_intents/{setup_intent['id']}/authenticate",
        json={"succeed": True},
        timeout=10,
    )
    settle(stripe)

    assert confirmed.json()["status"] == "requires_action"
    assert before["default_payment_method"] == ""
    assert authenticated.json()["status"] == "succeeded"
    after = tenant.client.get(f"/v1/customers/{customer['id']}").json()
    assert after["default_payment_method"] == authenticated.json()["payment_method"]
    # Set up with authentication, the card now pays off session.
    payment = tenant.client.post(
        "/v1/payments",
        {"customer": customer["id"], "amount": 1500, "currency": "usd", "off_session": True},
        format="json",
    )
    settle(stripe)
    assert payment.json()["status"] == "succeeded", payment.content


def test_a_declined_setup_changes_nothing(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint
):
    customer = customer_make(tenant.client, payment_method="pm_card_visa")
    setup_intent = _setup_intent(tenant, customer)

    declined = _browser_confirm(stripe, setup_intent, "pm_card_chargeDeclined", tenant)
    settle(stripe)

    assert declined.status_code == 402
    assert declined.json()["error"]["code"] == "card_declined"
    after = tenant.client.get(f"/v1/customers/{customer['id']}").json()
    assert after["default_payment_method"] == customer["default_payment_method"]


def test_a_replayed_setup_never_takes_back_a_default_chosen_since(
    tenant: Tenant, stripe: EmulatorServer, stripe_webhooks: WebhookEndpoint
):
    customer = customer_make(tenant.client, payment_method="pm_card_visa")
    setup_intent = _setup_intent(tenant, customer)
    _browser_confirm(stripe, setup_intent, "pm_card_mastercard", tenant)
    settle(stripe)
    first_card = customer["default_payment_method"]
    chosen = tenant.client.post(
        f"/v1/customers/{customer['id']}/payment-methods/{first_card}/default"
    )
    settle(stripe)
    [succeeded] = events_of(stripe, "setup_intent.succeeded", setup_intent["id"])

    replayed = deliver(stripe_webhooks, {**succeeded, "id": "evt_replayed_setup"})

    assert chosen.status_code == 200, chosen.content
    assert replayed.status_code == 200
    after = tenant.client.get(f"/v1/customers/{customer['id']}").json()
    assert after["default_payment_method"] == first_card


def test_a_setup_intent_for_another_apps_customer_or_with_bad_input_is_refused(
    tenant: Tenant, other_tenant: Tenant
):
    theirs = customer_make(other_tenant.client, payment_method=None)
    mine = customer_make(tenant.client, external_id="mine", payment_method=None)

    not_found = tenant.client.post(f"/v1/customers/{theirs['id']}/setup-intents", {}, format="json")
    bad_usage = tenant.client.post(
        f"/v1/customers/{mine['id']}/setup-intents", {"usage": "sometimes"}, format="json"
    )
    unknown = tenant.client.post(
        f"/v1/customers/{mine['id']}/setup-intents", {"amount": 5}, format="json"
    )

    assert not_found.status_code == 404
    assert bad_usage.status_code == 400
    assert bad_usage.json()["error"]["param"] == "usage"
    assert unknown.status_code == 400
    assert unknown.json()["error"]["param"] == "amount"


def test_a_setup_intent_created_twice_with_one_idempotency_key_is_the_same(tenant: Tenant):
    customer = customer_make(tenant.client, payment_method=None)
    path = f"/v1/customers/{customer['id']}/setup-intents"

    first = tenant.client.post(path, {}, format="json", HTTP_IDEMPOTENCY_KEY="setup-1")
    second = tenant.client.post(path, {}, format="json", HTTP_IDEMPOTENCY_KEY="setup-1")

    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
