"""Account, customers and card payment methods (including Stripe's test tokens)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from stripe_emulator.errors import StripeApiError, invalid_request_error, resource_missing_error
from stripe_emulator.parameters import (
    merged_metadata,
    optional_hash,
    optional_string,
    reject_unknown_parameters,
    required_string,
    string_list,
    timestamp_filter_matches,
)
from stripe_emulator.routing import RequestContext, Router
from stripe_emulator.state import EmulatorState, previous_attributes, random_token, render_hook


@dataclass(frozen=True)
class TestCard:
    brand: str
    last4: str
    funding: str = "credit"
    # succeed | decline | charge_fail | insufficient_funds | authentication_required
    # | authentication_required_on_setup | refund_fail
    behaviour: str = "succeed"


# Stripe's documented test payment methods (https://docs.stripe.com/testing).
TEST_CARDS: dict[str, TestCard] = {
    "pm_card_visa": TestCard("visa", "4242"),
    "pm_card_visa_debit": TestCard("visa", "5556", "debit"),
    "pm_card_mastercard": TestCard("mastercard", "4444"),
    "pm_card_amex": TestCard("amex", "8431"),
    "pm_card_chargeDeclined": TestCard("visa", "0002", behaviour="decline"),
    "pm_card_chargeDeclinedInsufficientFunds": TestCard(
        "visa", "9995", behaviour="insufficient_funds"
    ),
    "pm_card_chargeCustomerFail": TestCard("visa", "0341", behaviour="charge_fail"),
    "pm_card_authenticationRequired": TestCard("visa", "3184", behaviour="authentication_required"),
    # 3-D Secure 2 must be completed: on session it needs the customer's action, off session
    # it is declined with authentication_required.
    "pm_card_threeDSecure2Required": TestCard("visa", "3220", behaviour="authentication_required"),
    # Needs authentication on session and when set up; once set up for off-session use,
    # charges succeed.
    "pm_card_authenticationRequiredOnSetup": TestCard(
        "visa", "3155", behaviour="authentication_required_on_setup"
    ),
    # Charges succeed; a refund of one starts succeeded and fails some time later
    # (REFUND_FAILS_AFTER_SECONDS of the clock), with a refund.failed event.
    "pm_card_refundFail": TestCard("visa", "5126", behaviour="refund_fail"),
}
TEST_CARDS.update(
    {"tok_" + name.removeprefix("pm_card_"): card for name, card in list(TEST_CARDS.items())}
)

DECLINES: dict[str, tuple[str, str, str]] = {
    # behaviour: (code, decline_code, message)
    "decline": ("card_declined", "generic_decline", "Your card was declined."),
    "charge_fail": ("card_declined", "generic_decline", "Your card was declined."),
    "insufficient_funds": (
        "card_declined",
        "insufficient_funds",
        "Your card has insufficient funds.",
    ),
    "authentication_required": (
        "authentication_required",
        "authentication_required",
        "Your card was declined. This transaction requires authentication.",
    ),
}
# A card that was never set up for off-session use is declined off session as one that always
# needs authentication (setting it up, e.g. by a confirmed SetupIntent, makes it "succeed").
DECLINES["authentication_required_on_setup"] = DECLINES["authentication_required"]

# Behaviours that send an on-session payment to the customer to authenticate.
AUTHENTICATING_BEHAVIOURS = frozenset(
    {"authentication_required", "authentication_required_on_setup"}
)


def card_error(
    behaviour: str, *, extra: dict[str, Any] | None = None, stored: bool = True
) -> StripeApiError:
    code, decline_code, message = DECLINES[behaviour]
    return StripeApiError(
        http_status=402,
        error_type="card_error",
        code=code,
        decline_code=decline_code,
        message=message,
        extra=extra,
        stored_for_idempotency=stored,
    )


# Account -------------------------------------------------------------------------------------


def _customer_source_list(context: RequestContext, customer_id: str) -> dict[str, Any]:
    """Legacy sources (cards and bank accounts before payment methods) are not emulated."""
    context.state.require(customer_id, "customer")
    return context.list_response([], f"/v1/customers/{customer_id}/sources")


def _customer_tax_id_list(context: RequestContext, customer_id: str) -> dict[str, Any]:
    context.state.require(customer_id, "customer")
    return context.list_response([], f"/v1/customers/{customer_id}/tax_ids")


def connected_account_list(context: RequestContext) -> dict[str, Any]:
    """The platform has no connected (Connect) accounts; dj-stripe's sync lists them first."""
    return context.list_response([], "/v1/accounts")


def account_retrieve(context: RequestContext, account_id: str | None = None) -> dict[str, Any]:
    if account_id is not None and account_id != context.state.account["id"]:
        raise resource_missing_error("account", account_id)
    return context.state.render(context.state.account, context.expand)


# Payment methods -----------------------------------------------------------------------------


def payment_method_create_from_card(state: EmulatorState, card: TestCard) -> dict[str, Any]:
    payment_method_id = state.new_id("pm")
    state.card_behaviours[payment_method_id] = card.behaviour
    fingerprint = hashlib.sha256(f"{card.brand}{card.last4}".encode()).hexdigest()[:16]
    expiry_year = 1970 + state.now() // 31_556_952 + 3
    return state.insert(
        {
            "id": payment_method_id,
            "object": "payment_method",
            "allow_redisplay": "unspecified",
            "billing_details": {
                "address": {
                    "city": None,
                    "country": None,
                    "line1": None,
                    "line2": None,
                    "postal_code": None,
                    "state": None,
                },
                "email": None,
                "name": None,
                "phone": None,
                "tax_id": None,
            },
            "card": {
                "brand": card.brand,
                "checks": {
                    "address_line1_check": None,
                    "address_postal_code_check": None,
                    "cvc_check": "pass",
                },
                "country": "US",
                "display_brand": card.brand,
                "exp_month": 12,
                "exp_year": expiry_year,
                "fingerprint": fingerprint,
                "funding": card.funding,
                "generated_from": None,
                "last4": card.last4,
                "networks": {"available": [card.brand], "preferred": None},
                "regulated_status": "unregulated",
                "three_d_secure_usage": {"supported": True},
                "wallet": None,
            },
            "created": state.now(),
            "customer": None,
            "customer_account": None,
            "livemode": False,
            "metadata": {},
            "type": "card",
        }
    )


def payment_method_resolve(
    state: EmulatorState, value: Any, param: str = "payment_method"
) -> dict[str, Any]:
    """A ``pm_...`` id, or a test token such as ``pm_card_visa`` which, as in Stripe, creates
    a fresh payment method each time it is used."""
    if isinstance(value, str) and value in TEST_CARDS:
        return payment_method_create_from_card(state, TEST_CARDS[value])
    return state.require(value, "payment_method", label="PaymentMethod", param=param)


def payment_method_attach(
    state: EmulatorState, payment_method: dict[str, Any], customer: dict[str, Any]
) -> None:
    if payment_method["customer"] == customer["id"]:
        return
    if payment_method["customer"] is not None:
        raise invalid_request_error(
            "The payment method you provided has already been attached to a customer.",
            code="payment_method_unexpected_state",
            param="payment_method",
        )
    if state.card_behaviours.get(payment_method["id"]) == "decline":
        # Stripe verifies the card when attaching it; this test card fails that check.
        raise card_error("decline", extra={"param": "payment_method"}, stored=True)
    payment_method["customer"] = customer["id"]
    state.emit_event("payment_method.attached", payment_method)


def _payment_method_create(context: RequestContext) -> dict[str, Any]:
    params = context.params
    reject_unknown_parameters(
        params, {"type", "card", "billing_details", "metadata", "customer", "payment_method"}
    )
    card_params = optional_hash(params, "card") or {}
    token = card_params.get("token") or params.get("payment_method")
    if token not in TEST_CARDS:
        raise invalid_request_error(
            "The emulator creates card payment methods from Stripe's test tokens only "
            "(card[token]=tok_visa, ...).",
            param="card[token]",
        )
    payment_method = payment_method_create_from_card(context.state, TEST_CARDS[str(token)])
    payment_method["metadata"] = merged_metadata({}, params)
    billing_details = optional_hash(params, "billing_details") or {}
    for key in ("email", "name", "phone"):
        if key in billing_details:
            payment_method["billing_details"][key] = billing_details[key] or None
    return context.respond(payment_method)


def _payment_method_retrieve(context: RequestContext, payment_method_id: str) -> dict[str, Any]:
    return context.respond(payment_method_resolve(context.state, payment_method_id, "id"))


def _payment_method_update(context: RequestContext, payment_method_id: str) -> dict[str, Any]:
    reject_unknown_parameters(context.params, {"metadata", "billing_details", "allow_redisplay"})
    payment_method = context.state.require(
        payment_method_id, "payment_method", label="PaymentMethod"
    )
    before = context.state.render(payment_method)
    payment_method["metadata"] = merged_metadata(payment_method["metadata"], context.params)
    billing_details = optional_hash(context.params, "billing_details") or {}
    for key in ("email", "name", "phone"):
        if key in billing_details:
            payment_method["billing_details"][key] = billing_details[key] or None
    changes = previous_attributes(before, context.state.render(payment_method))
    if changes:
        context.state.emit_event("payment_method.updated", payment_method, changes)
    return context.respond(payment_method)


def _payment_method_attach(context: RequestContext, payment_method_id: str) -> dict[str, Any]:
    reject_unknown_parameters(context.params, {"customer"})
    customer_id = required_string(context.params, "customer")
    customer = context.state.require(customer_id, "customer", param="customer")
    if context.state.card_behaviours.get(payment_method_id) == "decline" or (
        payment_method_id in TEST_CARDS and TEST_CARDS[payment_method_id].behaviour == "decline"
    ):
        raise card_error("decline", extra={"param": "payment_method"})
    payment_method = payment_method_resolve(context.state, payment_method_id, "payment_method")
    payment_method_attach(context.state, payment_method, customer)
    return context.respond(payment_method)


def _payment_method_detach(context: RequestContext, payment_method_id: str) -> dict[str, Any]:
    state = context.state
    payment_method = state.require(payment_method_id, "payment_method", label="PaymentMethod")
    customer_id = payment_method["customer"]
    if customer_id is None:
        raise invalid_request_error(
            "The payment method you provided is not attached to a customer so detachment is "
            "impossible.",
            code="payment_method_unexpected_state",
        )
    payment_method["customer"] = None
    customer = state.find(customer_id, "customer")
    if customer and customer["invoice_settings"]["default_payment_method"] == payment_method_id:
        before = state.render(customer)
        customer["invoice_settings"]["default_payment_method"] = None
        state.emit_event(
            "customer.updated", customer, previous_attributes(before, state.render(customer))
        )
    state.emit_event("payment_method.detached", payment_method, {"customer": customer_id})
    return context.respond(payment_method)


def _payment_methods_for(
    state: EmulatorState, customer_id: str | None, payment_method_type: str | None
) -> list[dict[str, Any]]:
    return state.list_objects(
        "payment_method",
        lambda method: (
            (customer_id is None or method["customer"] == customer_id)
            and (payment_method_type is None or method["type"] == payment_method_type)
        ),
    )


def _payment_method_list(context: RequestContext) -> dict[str, Any]:
    customer_id = optional_string(context.params, "customer")
    if customer_id is not None:
        context.state.require(customer_id, "customer", param="customer")
    methods = _payment_methods_for(
        context.state, customer_id, optional_string(context.params, "type")
    )
    return context.list_response(methods, "/v1/payment_methods")


def _customer_payment_method_list(context: RequestContext, customer_id: str) -> dict[str, Any]:
    context.state.require(customer_id, "customer")
    methods = _payment_methods_for(
        context.state, customer_id, optional_string(context.params, "type")
    )
    return context.list_response(methods, f"/v1/customers/{customer_id}/payment_methods")


def _customer_payment_method_retrieve(
    context: RequestContext, customer_id: str, payment_method_id: str
) -> dict[str, Any]:
    context.state.require(customer_id, "customer")
    payment_method = context.state.require(
        payment_method_id, "payment_method", label="PaymentMethod"
    )
    if payment_method["customer"] != customer_id:
        raise resource_missing_error("PaymentMethod", payment_method_id)
    return context.respond(payment_method)


# Customers -----------------------------------------------------------------------------------

CUSTOMER_WRITABLE = {
    "address",
    "description",
    "email",
    "invoice_settings",
    "metadata",
    "name",
    "phone",
    "preferred_locales",
    "shipping",
    "tax_exempt",
}


def _apply_customer_params(
    state: EmulatorState, customer: dict[str, Any], params: dict[str, Any]
) -> None:
    for key in ("description", "email", "name", "phone"):
        if key in params:
            customer[key] = optional_string(params, key)
    for key in ("address", "shipping"):
        if key in params:
            customer[key] = optional_hash(params, key)
    if "preferred_locales" in params:
        customer["preferred_locales"] = string_list(params, "preferred_locales")
    if "tax_exempt" in params:
        customer["tax_exempt"] = optional_string(params, "tax_exempt") or "none"
    customer["metadata"] = merged_metadata(customer["metadata"], params)
    invoice_settings = optional_hash(params, "invoice_settings") or {}
    if "default_payment_method" in invoice_settings:
        payment_method_id = invoice_settings["default_payment_method"] or None
        if payment_method_id is not None:
            payment_method = state.find(payment_method_id, "payment_method")
            if payment_method is None:
                raise resource_missing_error(
                    "PaymentMethod",
                    payment_method_id,
                    "invoice_settings[default_payment_method]",
                )
            if payment_method["customer"] != customer["id"]:
                raise invalid_request_error(
                    f"The customer does not have a payment method with the ID "
                    f"{payment_method_id}. The payment method must be attached to the customer.",
                    param="invoice_settings[default_payment_method]",
                )
        customer["invoice_settings"]["default_payment_method"] = payment_method_id


def _customer_create(context: RequestContext) -> dict[str, Any]:
    state, params = context.state, context.params
    reject_unknown_parameters(params, CUSTOMER_WRITABLE | {"payment_method", "test_clock"})
    payment_method_value = optional_string(params, "payment_method")
    if payment_method_value is not None:
        behaviour = (
            TEST_CARDS[payment_method_value].behaviour
            if payment_method_value in TEST_CARDS
            else state.card_behaviours.get(payment_method_value)
        )
        if behaviour == "decline":
            raise card_error("decline", extra={"param": "payment_method"}, stored=True)
        if payment_method_value not in TEST_CARDS:
            state.require(payment_method_value, "payment_method", label="PaymentMethod")
    test_clock = optional_string(params, "test_clock")
    if test_clock is not None:
        state.require(test_clock, "test_helpers.test_clock", label="test_clock", param="test_clock")
    customer: dict[str, Any] = {
        "id": state.new_id("cus", 14),
        "object": "customer",
        "address": None,
        "balance": 0,
        "business_name": None,
        "created": state.now(),
        "currency": None,
        "customer_account": None,
        "default_source": None,
        "delinquent": False,
        "description": None,
        "discount": None,
        "email": None,
        "individual_name": None,
        "invoice_prefix": random_token(8).upper(),
        "invoice_settings": {
            "custom_fields": None,
            "default_payment_method": None,
            "footer": None,
            "rendering_options": None,
        },
        "livemode": False,
        "metadata": {},
        "name": None,
        "next_invoice_sequence": 1,
        "phone": None,
        "preferred_locales": [],
        "shipping": None,
        "tax_exempt": "none",
        "test_clock": test_clock,
    }
    invoice_settings = optional_hash(params, "invoice_settings") or {}
    deferred_default = invoice_settings.get("default_payment_method")
    _apply_customer_params(
        state,
        customer,
        {key: value for key, value in params.items() if key != "invoice_settings"},
    )
    state.insert(customer)
    payment_method = None
    if payment_method_value is not None:
        payment_method = payment_method_resolve(state, payment_method_value)
        # Attached only: as at Stripe, it becomes the invoices' default only when
        # invoice_settings[default_payment_method] names it too.
        payment_method_attach(state, payment_method, customer)
    if deferred_default:
        if payment_method is not None and deferred_default == payment_method_value:
            # The same test token in both parameters names the one payment method it created.
            invoice_settings = {**invoice_settings, "default_payment_method": payment_method["id"]}
        _apply_customer_params(state, customer, {"invoice_settings": invoice_settings})
    state.emit_event("customer.created", customer)
    return context.respond(customer)


def _customer_retrieve(context: RequestContext, customer_id: str) -> dict[str, Any]:
    if customer_id in context.state.deleted_objects:
        return dict(context.state.deleted_objects[customer_id])
    return context.respond(context.state.require(customer_id, "customer"))


def _customer_update(context: RequestContext, customer_id: str) -> dict[str, Any]:
    state = context.state
    reject_unknown_parameters(context.params, CUSTOMER_WRITABLE | {"default_source"})
    customer = state.require(customer_id, "customer")
    before = state.render(customer)
    _apply_customer_params(state, customer, context.params)
    changes = previous_attributes(before, state.render(customer))
    if changes:
        state.emit_event("customer.updated", customer, changes)
    return context.respond(customer)


def _customer_delete(context: RequestContext, customer_id: str) -> dict[str, Any]:
    return customer_delete(context.state, context.state.require(customer_id, "customer"))


def customer_delete(state: EmulatorState, customer: dict[str, Any]) -> dict[str, Any]:
    """Cancel the customer's subscriptions, detach its payment methods and delete it."""
    from stripe_emulator.invoices import subscription_cancel_now

    customer_id = customer["id"]
    for subscription in state.list_objects(
        "subscription", lambda item: item["customer"] == customer_id
    ):
        if subscription["status"] not in ("canceled", "incomplete_expired"):
            subscription_cancel_now(state, subscription, reason="cancellation_requested")
    for payment_method in _payment_methods_for(state, customer_id, None):
        payment_method["customer"] = None
    state.emit_event("customer.deleted", customer)
    return state.delete(customer_id)


def _customer_list(context: RequestContext) -> dict[str, Any]:
    email = optional_string(context.params, "email")
    created = context.params.get("created")
    customers = context.state.list_objects(
        "customer",
        lambda customer: (
            (email is None or customer["email"] == email)
            and timestamp_filter_matches(customer["created"], created)
        ),
    )
    return context.list_response(customers, "/v1/customers")


@render_hook("customer")
def _render_customer(
    state: EmulatorState, rendered: dict[str, Any], stored: dict[str, Any], expand: set[str]
) -> dict[str, Any]:
    # These lists are only present when asked for, as in current API versions.
    customer_id = stored["id"]
    if "sources" in expand:
        rendered["sources"] = state.embedded_list([], f"/v1/customers/{customer_id}/sources")
    if "subscriptions" in expand:
        subscriptions = state.list_objects(
            "subscription",
            lambda item: item["customer"] == customer_id and item["status"] != "canceled",
        )
        rendered["subscriptions"] = state.embedded_list(
            subscriptions, f"/v1/customers/{customer_id}/subscriptions"
        )
    if "tax_ids" in expand:
        rendered["tax_ids"] = state.embedded_list([], f"/v1/customers/{customer_id}/tax_ids")
    return rendered


def register_routes(router: Router) -> None:
    router.add("GET", "/v1/account", account_retrieve)
    router.add("GET", "/v1/accounts", connected_account_list)
    router.add("GET", "/v1/customers/{customer_id}/sources", _customer_source_list)
    router.add("GET", "/v1/customers/{customer_id}/tax_ids", _customer_tax_id_list)
    router.add("GET", "/v1/accounts/{account_id}", account_retrieve)
    router.add("POST", "/v1/customers", _customer_create)
    router.add("GET", "/v1/customers", _customer_list)
    router.add("GET", "/v1/customers/{customer_id}", _customer_retrieve)
    router.add("POST", "/v1/customers/{customer_id}", _customer_update)
    router.add("DELETE", "/v1/customers/{customer_id}", _customer_delete)
    router.add("GET", "/v1/customers/{customer_id}/payment_methods", _customer_payment_method_list)
    router.add(
        "GET",
        "/v1/customers/{customer_id}/payment_methods/{payment_method_id}",
        _customer_payment_method_retrieve,
    )
    router.add("POST", "/v1/payment_methods", _payment_method_create)
    router.add("GET", "/v1/payment_methods", _payment_method_list)
    router.add("GET", "/v1/payment_methods/{payment_method_id}", _payment_method_retrieve)
    router.add("POST", "/v1/payment_methods/{payment_method_id}", _payment_method_update)
    router.add("POST", "/v1/payment_methods/{payment_method_id}/attach", _payment_method_attach)
    router.add("POST", "/v1/payment_methods/{payment_method_id}/detach", _payment_method_detach)
