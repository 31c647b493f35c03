"""A customer's saved cards: listed from the provider with the default marked, made default,
detached, and the last card of a live subscription kept unless forced."""

from typing import Any

from audit.models import AuditEvent
from stripe_emulator.server import EmulatorServer
from tests.factories import Tenant, customer_make, plan_make, subscribe


def _cards(tenant: Tenant, customer: dict[str, Any]) -> list[dict[str, Any]]:
    response = tenant.client.get(f"/v1/customers/{customer['id']}/payment-methods")
    assert response.status_code == 200, response.content
    return response.json()["data"]


def _add_card(tenant: Tenant, customer: dict[str, Any], card: str) -> str:
    """Attaches another card through the customer update, which also makes it the default."""
    response = tenant.client.patch(
        f"/v1/customers/{customer['id']}", {"payment_method": card}, format="json"
    )
    assert response.status_code == 200, response.content
    return str(response.json()["default_payment_method"])


def test_the_cards_are_listed_with_brand_last4_expiry_and_the_default(tenant: Tenant):
    customer = customer_make(tenant.client, payment_method="pm_card_visa")

    [card] = _cards(tenant, customer)

    assert card["id"] == customer["default_payment_method"]
    assert card["object"] == "payment_method"
    assert card["type"] == "card"
    assert (card["brand"], card["last4"], card["exp_month"]) == ("visa", "4242", 12)
    assert card["exp_year"] > 2025
    assert card["default"] is True
    assert card["customer"] == customer["id"]


def test_another_card_made_default_is_charged_by_the_subscription(
    tenant: Tenant, stripe: EmulatorServer
):
    customer = customer_make(tenant.client, payment_method="pm_card_visa")
    visa = customer["default_payment_method"]
    subscription = subscribe(tenant.client, customer, plan_make(tenant.client)).json()
    mastercard = _add_card(tenant, customer, "pm_card_mastercard")
    restored = tenant.client.post(f"/v1/customers/{customer['id']}/payment-methods/{visa}/default")
    assert restored.status_code == 200, restored.content

    made = tenant.client.post(
        f"/v1/customers/{customer['id']}/payment-methods/{mastercard}/default"
    )

    assert made.status_code == 200, made.content
    assert made.json()["default"] is True and made.json()["last4"] == "4444"
    listed = {card["id"]: card["default"] for card in _cards(tenant, customer)}
    assert listed == {visa: False, mastercard: True}
    assert (
        tenant.client.get(f"/v1/customers/{customer['id']}").json()["default_payment_method"]
        == mastercard
    )
    provider_customer = stripe.state.objects[customer["provider_customer_id"]]
    assert provider_customer["invoice_settings"]["default_payment_method"] == mastercard
    provider_subscription = stripe.state.objects[subscription["provider_subscription_id"]]
    assert provider_subscription["default_payment_method"] == mastercard
    audited = AuditEvent.objects.for_app(tenant.app).filter(
        action_type="SET_DEFAULT_PAYMENT_METHOD", target_id=customer["id"]
    )
    assert audited.latest("created_at").payload_snapshot["to"] == mastercard


def test_a_card_detached_is_gone_and_no_longer_the_default(tenant: Tenant, stripe: EmulatorServer):
    customer = customer_make(tenant.client, payment_method="pm_card_visa")
    mastercard = _add_card(tenant, customer, "pm_card_mastercard")

    detached = tenant.client.delete(f"/v1/customers/{customer['id']}/payment-methods/{mastercard}")

    assert detached.status_code == 200, detached.content
    assert detached.json() == {
        "id": mastercard,
        "object": "payment_method",
        "customer": customer["id"],
        "deleted": True,
    }
    assert [card["id"] for card in _cards(tenant, customer)] == [customer["default_payment_method"]]
    assert (
        tenant.client.get(f"/v1/customers/{customer['id']}").json()["default_payment_method"] == ""
    )
    assert stripe.state.objects[mastercard]["customer"] is None
    assert (
        AuditEvent.objects.for_app(tenant.app)
        .filter(action_type="DETACH_PAYMENT_METHOD", target_id=customer["id"])
        .exists()
    )


def test_the_last_card_of_a_live_subscription_is_kept_unless_forced(tenant: Tenant):
    customer = customer_make(tenant.client, payment_method="pm_card_visa")
    card = customer["default_payment_method"]
    response = subscribe(tenant.client, customer, plan_make(tenant.client))
    assert response.json()["status"] in ("trialing", "active"), response.content
    path = f"/v1/customers/{customer['id']}/payment-methods/{card}"

    refused = tenant.client.delete(path)
    forced = tenant.client.delete(f"{path}?force=true")

    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "last_payment_method"
    assert refused.json()["error"]["param"] == "payment_method"
    assert forced.status_code == 200, forced.content
    assert _cards(tenant, customer) == []


def test_the_last_card_of_a_customer_without_a_subscription_detaches(tenant: Tenant):
    customer = customer_make(tenant.client, payment_method="pm_card_visa")

    detached = tenant.client.delete(
        f"/v1/customers/{customer['id']}/payment-methods/{customer['default_payment_method']}"
    )

    assert detached.status_code == 200, detached.content


def test_a_card_of_another_customer_or_app_answers_404(tenant: Tenant, other_tenant: Tenant):
    mine = customer_make(tenant.client, payment_method="pm_card_visa")
    neighbour = customer_make(tenant.client, external_id="user-2", payment_method="pm_card_visa")
    theirs = customer_make(other_tenant.client, payment_method="pm_card_visa")

    for card in (neighbour["default_payment_method"], theirs["default_payment_method"], "pm_nope"):
        path = f"/v1/customers/{mine['id']}/payment-methods/{card}"
        made = tenant.client.post(f"{path}/default")
        detached = tenant.client.delete(path)

        assert (made.status_code, detached.status_code) == (404, 404), card
        assert made.json()["error"]["type"] == "not_found"
    listed = tenant.client.get(f"/v1/customers/{theirs['id']}/payment-methods")
    assert listed.status_code == 404


def test_bad_detach_options_answer_400_with_the_param(tenant: Tenant):
    customer = customer_make(tenant.client, payment_method="pm_card_visa")
    path = f"/v1/customers/{customer['id']}/payment-methods/{customer['default_payment_method']}"

    bad_force = tenant.client.delete(f"{path}?force=maybe")
    unknown = tenant.client.delete(f"{path}?everything=true")
    unknown_list = tenant.client.get(f"/v1/customers/{customer['id']}/payment-methods?limit=5")

    assert (bad_force.status_code, bad_force.json()["error"]["param"]) == (400, "force")
    assert (unknown.status_code, unknown.json()["error"]["param"]) == (400, "everything")
    assert unknown_list.status_code == 400
