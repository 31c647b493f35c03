"""The vault as Orders v2 uses it, through PayPal's SDK: a payer saved when an approved order
asking to vault is captured, later orders paid with the saved payer at once, and the vault's
payment tokens listed, read and deleted."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from paypalserversdk.exceptions.error_exception import ErrorException

from paypal_emulator.server import PayPalEmulatorServer
from tests.paypal_emulator.test_orders_and_refunds import ORDER, _approve, _create, _issue


def _vaulting_order(customer_id: str | None = None, **vault: Any) -> dict[str, Any]:
    body = copy.deepcopy(ORDER)
    attributes: dict[str, Any] = {
        "vault": {"store_in_vault": "ON_SUCCESS", "usage_type": "MERCHANT", **vault}
    }
    if customer_id:
        attributes["customer"] = {"id": customer_id}
    body["payment_source"]["paypal"]["attributes"] = attributes
    return body


def _vaulted_order(vault_id: str) -> dict[str, Any]:
    return {
        "intent": "CAPTURE",
        "purchase_units": [{"amount": {"currency_code": "USD", "value": "12.00"}}],
        "payment_source": {"paypal": {"vault_id": vault_id}},
    }


def _capture(paypal: Any, order_id: str) -> dict[str, Any]:
    answer: dict[str, Any] = json.loads(
        paypal.orders.capture_order({"id": order_id, "prefer": "return=representation"}).text
    )
    return answer


def _saved(paypal: Any, payer: str = "buyer", customer_id: str | None = None) -> dict[str, Any]:
    order = _create(paypal, _vaulting_order(customer_id))
    _approve(order, payer=payer)
    return _capture(paypal, order["id"])


def test_an_approved_order_asking_to_vault_saves_its_payer_when_captured(
    paypal, paypal_emulator: PayPalEmulatorServer
):
    order = _create(paypal, _vaulting_order())
    _approve(order)

    captured = _capture(paypal, order["id"])

    saved = captured["payment_source"]["paypal"]["attributes"]["vault"]
    assert order["status"] == "PAYER_ACTION_REQUIRED"
    assert (captured["status"], saved["status"]) == ("COMPLETED", "VAULTED")
    assert saved["id"] and saved["customer"]["id"]
    listed = json.loads(
        paypal.vault.list_customer_payment_tokens({"customer_id": saved["customer"]["id"]}).text
    )
    [token] = listed["payment_tokens"]
    assert token["id"] == saved["id"]
    assert token["customer"] == {"id": saved["customer"]["id"]}
    assert token["payment_source"]["paypal"]["email_address"] == "buyer@example.com"
    assert token["payment_source"]["paypal"]["usage_type"] == "MERCHANT"
    [created] = paypal_emulator.events("VAULT.PAYMENT-TOKEN.CREATED")
    assert created["resource"]["id"] == saved["id"]


def test_an_order_with_a_saved_payer_is_completed_at_once_without_approval(paypal):
    saved = _saved(paypal)["payment_source"]["paypal"]["attributes"]["vault"]

    order = _create(paypal, _vaulted_order(saved["id"]), request_id="vaulted-1")
    replayed = _create(paypal, _vaulted_order(saved["id"]), request_id="vaulted-1")

    [capture] = order["purchase_units"][0]["payments"]["captures"]
    assert order["status"] == "COMPLETED"
    assert (capture["status"], capture["amount"]["value"]) == ("COMPLETED", "12.00")
    assert not [link for link in order["links"] if link["rel"] in ("payer-action", "approve")]
    assert order["payment_source"]["paypal"]["attributes"]["vault"]["id"] == saved["id"]
    assert replayed["id"] == order["id"]
    with pytest.raises(ErrorException) as again:
        paypal.orders.capture_order({"id": order["id"]})
    assert _issue(again.value)[2] == "ORDER_ALREADY_CAPTURED"


def test_a_payer_saved_again_for_the_same_vault_customer_keeps_one_token(paypal):
    first = _saved(paypal)["payment_source"]["paypal"]["attributes"]["vault"]

    second = _saved(paypal, customer_id=first["customer"]["id"])

    vault = second["payment_source"]["paypal"]["attributes"]["vault"]
    assert (vault["id"], vault["customer"]["id"]) == (first["id"], first["customer"]["id"])
    listed = json.loads(
        paypal.vault.list_customer_payment_tokens({"customer_id": first["customer"]["id"]}).text
    )
    assert [token["id"] for token in listed["payment_tokens"]] == [first["id"]]


def test_a_declined_capture_saves_nobody(paypal, paypal_emulator: PayPalEmulatorServer):
    order = _create(paypal, _vaulting_order())
    _approve(order, payer="declined")

    with pytest.raises(ErrorException) as declined:
        _capture(paypal, order["id"])

    assert _issue(declined.value)[2] == "INSTRUMENT_DECLINED"
    assert paypal_emulator.api.payment_tokens == {}


def test_a_deleted_token_is_gone_and_pays_nothing_more(paypal):
    saved = _saved(paypal)["payment_source"]["paypal"]["attributes"]["vault"]
    read = json.loads(paypal.vault.get_payment_token(saved["id"]).text)

    deleted = paypal.vault.delete_payment_token(saved["id"])

    assert read["id"] == saved["id"]
    assert deleted.status_code == 204
    with pytest.raises(ErrorException) as missing:
        paypal.vault.get_payment_token(saved["id"])
    assert missing.value.response_code == 404
    with pytest.raises(ErrorException) as unpaid:
        _create(paypal, _vaulted_order(saved["id"]))
    assert _issue(unpaid.value) == (
        422,
        "UNPROCESSABLE_ENTITY",
        "PAYMENT_SOURCE_INFO_CANNOT_BE_VERIFIED",
    )


@pytest.mark.parametrize(
    ("attributes", "status", "issue"),
    [
        ({"vault": {"store_in_vault": "ON_SUCCESS"}}, 400, "MISSING_REQUIRED_PARAMETER"),
        ({"vault": {"store_in_vault": "NOW", "usage_type": "MERCHANT"}}, 400, "INVALID_PARAMETER_VALUE"),
        ({"vault": {"usage_type": "FRIENDS"}}, 400, "INVALID_PARAMETER_VALUE"),
        ({"vault": {"usage_type": "MERCHANT", "colour": "red"}}, 400, "UNKNOWN_FIELD"),
        ({"customer": {"id": "not a valid id!"}, "vault": {"usage_type": "MERCHANT"}}, 400, "INVALID_PARAMETER_SYNTAX"),
        ({"customer": {"id": "C1"}}, 400, "MISSING_REQUIRED_PARAMETER"),
    ],
)  # fmt: skip
def test_a_vault_instruction_paypal_would_refuse_is_refused(
    paypal, attributes: dict[str, Any], status: int, issue: str
):
    body = copy.deepcopy(ORDER)
    body["payment_source"]["paypal"]["attributes"] = attributes

    with pytest.raises(ErrorException) as refused:
        _create(paypal, body)

    assert (refused.value.response_code, _issue(refused.value)[2]) == (status, issue)


def test_a_vault_id_with_a_vault_instruction_or_unknown_is_refused(paypal):
    saved = _saved(paypal)["payment_source"]["paypal"]["attributes"]["vault"]
    both = _vaulted_order(saved["id"])
    both["payment_source"]["paypal"]["attributes"] = {"vault": {"usage_type": "MERCHANT"}}

    with pytest.raises(ErrorException) as redundant:
        _create(paypal, both)
    with pytest.raises(ErrorException) as unknown:
        _create(paypal, _vaulted_order("NOSUCHTOKEN"))

    assert _issue(redundant.value)[2] == "INCOMPATIBLE_PARAMETER_VALUE"
    assert _issue(unknown.value)[2] == "PAYMENT_SOURCE_INFO_CANNOT_BE_VERIFIED"


def test_listing_tokens_needs_a_customer_id(paypal):
    with pytest.raises(ErrorException) as refused:
        paypal.vault.list_customer_payment_tokens({})

    assert _issue(refused.value)[:1] == (400,)
    assert _issue(refused.value)[2] == "MISSING_REQUIRED_PARAMETER"
