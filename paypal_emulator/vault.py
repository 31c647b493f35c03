"""PayPal's vault (Payment Method Tokens v3) as Orders v2 uses it: a payer who approves an
order made with ``payment_source.paypal.attributes.vault.store_in_vault = ON_SUCCESS`` is
saved when its capture completes (``payment_source.paypal.attributes.vault`` on the order:
the token's ``id``, ``status`` VAULTED and the vault ``customer.id``), and a later order with
``payment_source.paypal.vault_id`` is paid at once, without the payer (intent CAPTURE: the
order answers COMPLETED with its capture). ``/v3/vault/payment-tokens`` lists a vault
customer's tokens (``customer_id``), reads and deletes one.

Shapes per paypal-server-sdk's models: ``PaypalWalletVaultInstruction`` (request),
``PaypalWalletVaultResponse`` (on the order), ``PaymentTokenResponse`` and
``CustomerVaultPaymentTokensResponse`` (the vault routes). The tokens live in the state
container's ``payment_tokens`` (made by ``PayPalApi.reset()``, so the state file keeps them).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from paypal_emulator.errors import PayPalApiError, invalid, not_found, unprocessable

if TYPE_CHECKING:
    from paypal_emulator.api import PayPalApi, Request

# PaypalWalletVaultInstruction
VAULT_INSTRUCTION_FIELDS = {
    "store_in_vault",
    "description",
    "usage_pattern",
    "usage_type",
    "customer_type",
    "permit_multiple_payment_tokens",
}
# PaypalWalletAttributes, PaypalWalletCustomerRequest
ATTRIBUTES_FIELDS = {"customer", "vault"}
CUSTOMER_FIELDS = {"id", "email_address", "phone", "name", "merchant_customer_id"}
USAGE_TYPES = ("MERCHANT", "PLATFORM")
CUSTOMER_TYPES = ("CONSUMER", "BUSINESS")
USAGE_PATTERNS = (
    "IMMEDIATE",
    "DEFERRED",
    "RECURRING_PREPAID",
    "RECURRING_POSTPAID",
    "THRESHOLD_PREPAID",
    "THRESHOLD_POSTPAID",
    "SUBSCRIPTION_PREPAID",
    "SUBSCRIPTION_POSTPAID",
    "UNSCHEDULED_PREPAID",
    "UNSCHEDULED_POSTPAID",
    "INSTALLMENT_PREPAID",
    "INSTALLMENT_POSTPAID",
)
_CUSTOMER_ID = re.compile(r"^[0-9a-zA-Z_-]{1,22}$")
_TOKEN_ID = re.compile(r"^[0-9a-zA-Z_-]{1,36}$")


def _bad(path: str) -> PayPalApiError:
    return invalid(path, "INVALID_PARAMETER_VALUE", "The value of a field is invalid.")


def attributes_parse(api: PayPalApi, value: Any, path: str) -> dict[str, Any]:
    """``payment_source.paypal.attributes`` of an order to approve: the vault instruction and
    the vault customer the new token joins, checked as PayPal checks them."""
    attributes = api._object(value, path, ATTRIBUTES_FIELDS)
    parsed: dict[str, Any] = {}
    if "customer" in attributes:
        customer = api._object(attributes["customer"], f"{path}/customer", CUSTOMER_FIELDS)
        if "id" in customer:
            if not isinstance(customer["id"], str) or not _CUSTOMER_ID.match(customer["id"]):
                raise invalid(
                    f"{path}/customer/id",
                    "INVALID_PARAMETER_SYNTAX",
                    "The value of a field does not conform to the expected format.",
                )
            parsed["customer_id"] = customer["id"]
        if "merchant_customer_id" in customer:
            if not isinstance(customer["merchant_customer_id"], str):
                raise _bad(f"{path}/customer/merchant_customer_id")
            parsed["merchant_customer_id"] = customer["merchant_customer_id"][:64]
    if "vault" in attributes:
        vault = api._object(attributes["vault"], f"{path}/vault", VAULT_INSTRUCTION_FIELDS)
        if "usage_type" not in vault:
            raise invalid(
                f"{path}/vault/usage_type",
                "MISSING_REQUIRED_PARAMETER",
                "A required field / parameter is missing.",
            )
        if vault["usage_type"] not in USAGE_TYPES:
            raise _bad(f"{path}/vault/usage_type")
        if vault.get("store_in_vault", "ON_SUCCESS") != "ON_SUCCESS":
            raise _bad(f"{path}/vault/store_in_vault")
        if vault.get("customer_type", "CONSUMER") not in CUSTOMER_TYPES:
            raise _bad(f"{path}/vault/customer_type")
        if "usage_pattern" in vault and vault["usage_pattern"] not in USAGE_PATTERNS:
            raise _bad(f"{path}/vault/usage_pattern")
        if not isinstance(vault.get("permit_multiple_payment_tokens", False), bool):
            raise _bad(f"{path}/vault/permit_multiple_payment_tokens")
        parsed["vault"] = {
            "usage_type": vault["usage_type"],
            "customer_type": vault.get("customer_type", "CONSUMER"),
            **({"description": str(vault["description"])} if "description" in vault else {}),
            **({"usage_pattern": vault["usage_pattern"]} if "usage_pattern" in vault else {}),
        }
    elif "customer" in parsed or "customer_id" in parsed:
        raise invalid(
            f"{path}/vault",
            "MISSING_REQUIRED_PARAMETER",
            "A required field / parameter is missing.",
        )
    return parsed


def token_for_order(api: PayPalApi, vault_id: Any, path: str) -> dict[str, Any]:
    """The saved payer an order names in ``payment_source.paypal.vault_id``."""
    if not isinstance(vault_id, str) or not _TOKEN_ID.match(vault_id):
        raise invalid(
            path,
            "INVALID_PARAMETER_SYNTAX",
            "The value of a field does not conform to the expected format.",
        )
    token = api.payment_tokens.get(vault_id)
    if token is None:
        raise unprocessable(
            "PAYMENT_SOURCE_INFO_CANNOT_BE_VERIFIED",
            "The combination of the payment_source name, billing address, shipping name and shipping address could not be verified. Please correct this information and try again.",
            path,
        )
    return token


def token_save(api: PayPalApi, order: dict[str, Any], payer_key: str) -> dict[str, Any]:
    """The payer of a captured order saved, as its vault instruction asked (the same payer
    saved again for the same vault customer keeps its token, as PayPal does unless
    ``permit_multiple_payment_tokens``)."""
    from paypal_emulator.api import _id, now_iso

    payer = _payers()[payer_key]
    customer_id = order["_vault"].get("customer_id") or _id(10)
    for token in api.payment_tokens.values():
        if token["customer_id"] == customer_id and token["payer_id"] == payer["payer_id"]:
            return token
    token = {
        "id": _id(8),
        "customer_id": customer_id,
        "payer_id": payer["payer_id"],
        "payer_key": payer_key,
        "usage_type": order["_vault"]["vault"]["usage_type"],
        "customer_type": order["_vault"]["vault"]["customer_type"],
        "merchant_customer_id": order["_vault"].get("merchant_customer_id", ""),
        "create_time": now_iso(),
    }
    api.payment_tokens[token["id"]] = token
    return token


def _payers() -> dict[str, dict[str, str]]:
    from paypal_emulator.api import TEST_PAYERS

    return TEST_PAYERS


def payer_of(token: dict[str, Any]) -> dict[str, str]:
    return _payers()[token["payer_key"]]


def order_vault_view(token: dict[str, Any], base_url: str) -> dict[str, Any]:
    """``payment_source.paypal.attributes.vault`` on an order (PaypalWalletVaultResponse)."""
    return {
        "id": token["id"],
        "status": "VAULTED",
        "customer": {"id": token["customer_id"]},
        "links": [
            {
                "href": f"{base_url}/v3/vault/payment-tokens/{token['id']}",
                "rel": "self",
                "method": "GET",
            }
        ],
    }


def _customer_view(token: dict[str, Any]) -> dict[str, Any]:
    customer: dict[str, Any] = {"id": token["customer_id"]}
    if token.get("merchant_customer_id"):
        customer["merchant_customer_id"] = token["merchant_customer_id"]
    return customer


def token_view(token: dict[str, Any], base_url: str) -> dict[str, Any]:
    """PaymentTokenResponse."""
    payer = payer_of(token)
    href = f"{base_url}/v3/vault/payment-tokens/{token['id']}"
    return {
        "id": token["id"],
        "customer": _customer_view(token),
        "payment_source": {
            "paypal": {
                "usage_type": token["usage_type"],
                "customer_type": token["customer_type"],
                "email_address": payer["email_address"],
                "payer_id": payer["payer_id"],
                "name": {"given_name": payer["given_name"], "surname": payer["surname"]},
            }
        },
        "links": [
            {"href": href, "rel": "self", "method": "GET"},
            {"href": href, "rel": "delete", "method": "DELETE"},
        ],
    }


def _token(api: PayPalApi, token_id: str) -> dict[str, Any]:
    token = api.payment_tokens.get(token_id)
    if token is None:
        raise not_found(
            "INVALID_RESOURCE_ID",
            "Specified resource ID does not exist. Please check the resource ID and try again.",
        )
    return token


def payment_tokens_list(api: PayPalApi, request: Request) -> tuple[int, dict[str, Any]]:
    """``GET /v3/vault/payment-tokens?customer_id=…`` (CustomerVaultPaymentTokensResponse)."""
    allowed = {"customer_id", "page_size", "page", "total_required"}
    query = request.query
    unknown = sorted(set(query) - allowed)
    if unknown:
        raise invalid(unknown[0], "INVALID_PARAMETER_VALUE", "The value of a field is invalid.")
    customer_id = query.get("customer_id", "")
    if not customer_id:
        raise invalid(
            "customer_id",
            "MISSING_REQUIRED_PARAMETER",
            "A required field / parameter is missing.",
        )
    try:
        page_size = int(query.get("page_size", "5"))
        page = int(query.get("page", "1"))
    except ValueError:
        raise invalid(
            "page_size", "INVALID_PARAMETER_SYNTAX", "The value of a field is invalid."
        ) from None
    if not (1 <= page_size <= 20 and 1 <= page <= 10):
        raise invalid("page_size", "INVALID_PARAMETER_VALUE", "The value of a field is invalid.")
    tokens = sorted(
        (t for t in api.payment_tokens.values() if t["customer_id"] == customer_id),
        key=lambda t: (t["create_time"], t["id"]),
        reverse=True,
    )
    shown = tokens[(page - 1) * page_size : page * page_size]
    answer: dict[str, Any] = {
        "customer": _customer_view(tokens[0]) if tokens else {"id": customer_id},
        "payment_tokens": [token_view(token, request.base_url) for token in shown],
        "links": [
            {
                "href": f"{request.base_url}/v3/vault/payment-tokens?customer_id={customer_id}"
                f"&page_size={page_size}&page={page}",
                "rel": "self",
                "method": "GET",
            }
        ],
    }
    if query.get("total_required") == "true":
        answer["total_items"] = len(tokens)
        answer["total_pages"] = max(1, -(-len(tokens) // page_size))
    return 200, answer


def payment_token_get(api: PayPalApi, request: Request) -> tuple[int, dict[str, Any]]:
    return 200, token_view(_token(api, request.params["id"]), request.base_url)


def payment_token_delete(api: PayPalApi, request: Request) -> tuple[int, dict[str, Any]]:
    api.payment_tokens.pop(_token(api, request.params["id"])["id"])
    return 204, {}
