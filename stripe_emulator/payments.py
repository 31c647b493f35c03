"""Payment intents, charges, refunds and balance transactions."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from stripe_emulator.customers import (
    AUTHENTICATING_BEHAVIOURS,
    DECLINES,
    card_error,
    payment_method_attach,
    payment_method_resolve,
)
from stripe_emulator.errors import StripeApiError, invalid_request_error, missing_parameter_error
from stripe_emulator.money import MINIMUM_CHARGE_AMOUNT_MINOR, format_amount
from stripe_emulator.parameters import (
    merged_metadata,
    optional_boolean,
    optional_hash,
    optional_integer,
    optional_string,
    required_currency,
    required_integer,
    string_list,
    timestamp_filter_matches,
)
from stripe_emulator.routing import RequestContext, Router
from stripe_emulator.state import EmulatorState, previous_attributes, random_token, render_hook

CANCELABLE_STATUSES = (
    "requires_payment_method",
    "requires_capture",
    "requires_confirmation",
    "requires_action",
    "processing",
)
# Stripe's card fee in test mode: 2.9% + 30 cents.
# How long after it was accepted a refund of a `pm_card_refundFail` charge fails.
REFUND_FAILS_AFTER_SECONDS = 60
FEE_PERCENT_BASIS_POINTS = 290
FEE_FIXED_MINOR = 30
# Since API 2023-08-16 a PaymentIntent without payment_method_types takes the payment methods
# enabled in the Dashboard, some of which redirect the customer; confirming one needs a
# return_url, off_session, or redirect-based methods turned off.
REDIRECT_CONFIRM_MESSAGE = (
    "This PaymentIntent is configured to accept payment methods enabled in your Dashboard. "
    "Because some of these payment methods might redirect your customer off of your page, you "
    "must provide a `return_url`. If you don't want to accept redirect-based payment methods, "
    "set `automatic_payment_methods[enabled]` to `true` and "
    "`automatic_payment_methods[allow_redirects]` to `never` when creating Setup Intents and "
    "Payment Intents."
)


# Balance transactions ------------------------------------------------------------------------


def _balance_transaction_create(
    state: EmulatorState, *, amount: int, currency: str, source: str, kind: str, description: str
) -> dict[str, Any]:
    fee = (amount * FEE_PERCENT_BASIS_POINTS) // 10_000 + FEE_FIXED_MINOR if kind == "charge" else 0
    return state.insert(
        {
            "id": state.new_id("txn"),
            "object": "balance_transaction",
            "amount": amount,
            "available_on": state.now() + 2 * 86400,
            "balance_type": "payments",
            "created": state.now(),
            "currency": currency,
            "description": description,
            "exchange_rate": None,
            "fee": fee,
            "fee_details": (
                [
                    {
                        "amount": fee,
                        "application": None,
                        "currency": currency,
                        "description": "Stripe processing fees",
                        "type": "stripe_fee",
                    }
                ]
                if fee
                else []
            ),
            "net": amount - fee,
            "reporting_category": kind,
            "source": source,
            "status": "pending",
            "type": kind,
        }
    )


# Charges -------------------------------------------------------------------------------------


def _charge_create(
    state: EmulatorState, intent: dict[str, Any], payment_method: dict[str, Any], failure: Any
) -> dict[str, Any]:
    """The charge of a confirmed PaymentIntent. Long because it spells out the charge object
    (with its card details and outcome) field by field, as the pinned API version declares it."""
    card = payment_method["card"]
    charge_id = state.new_id("ch")
    succeeded = failure is None
    if succeeded:
        outcome = {
            "advice_code": None,
            "network_advice_code": None,
            "network_decline_code": None,
            "network_status": "approved_by_network",
            "reason": None,
            "risk_level": "normal",
            "risk_score": 32,
            "seller_message": "Payment complete.",
            "type": "authorized",
        }
    else:
        code, decline_code, message = failure
        outcome = {
            "advice_code": None,
            "network_advice_code": None,
            "network_decline_code": None,
            "network_status": "declined_by_network",
            "reason": decline_code,
            "risk_level": "normal",
            "risk_score": 32,
            "seller_message": "The bank did not return any further details with this decline.",
            "type": "issuer_declined",
        }
    charge = {
        "id": charge_id,
        "object": "charge",
        "amount": intent["amount"],
        "amount_captured": intent["amount"] if succeeded else 0,
        "amount_refunded": 0,
        "application": None,
        "application_fee": None,
        "application_fee_amount": None,
        "balance_transaction": None,
        "billing_details": payment_method["billing_details"],
        "calculated_statement_descriptor": "STRIPE EMULATOR",
        "captured": succeeded,
        "created": state.now(),
        "currency": intent["currency"],
        "customer": intent["customer"],
        "description": intent["description"],
        "disputed": False,
        "failure_balance_transaction": None,
        "failure_code": None if succeeded else failure[0],
        "failure_message": None if succeeded else failure[2],
        "fraud_details": {},
        "livemode": False,
        "metadata": dict(intent["metadata"]),
        "on_behalf_of": None,
        "outcome": outcome,
        "paid": succeeded,
        "payment_intent": intent["id"],
        "payment_method": payment_method["id"],
        "payment_method_details": {
            "card": {
                "amount_authorized": intent["amount"] if succeeded else None,
                "authorization_code": random_token(6) if succeeded else None,
                "brand": card["brand"],
                "checks": card["checks"],
                "country": card["country"],
                "exp_month": card["exp_month"],
                "exp_year": card["exp_year"],
                "extended_authorization": {"status": "disabled"},
                "fingerprint": card["fingerprint"],
                "funding": card["funding"],
                "incremental_authorization": {"status": "unavailable"},
                "installments": None,
                "last4": card["last4"],
                "mandate": None,
                "multicapture": {"status": "unavailable"},
                "network": card["brand"],
                "network_token": {"used": False},
                "network_transaction_id": random_token(15) if succeeded else None,
                "overcapture": {
                    "maximum_amount_capturable": intent["amount"],
                    "status": "unavailable",
                },
                "regulated_status": "unregulated",
                "three_d_secure": None,
                "transaction_link_id": None,
                "wallet": None,
            },
            "type": "card",
        },
        "radar_options": {},
        "receipt_email": intent["receipt_email"],
        "receipt_number": None,
        "receipt_url": f"https://pay.stripe.com/receipts/emulator/{charge_id}",
        "refunded": False,
        "review": None,
        "shipping": None,
        "source": None,
        "source_transfer": None,
        "statement_descriptor": intent["statement_descriptor"],
        "statement_descriptor_suffix": None,
        "status": "succeeded" if succeeded else "failed",
        "transfer_data": None,
        "transfer_group": None,
    }
    state.insert(charge)
    if succeeded:
        charge["balance_transaction"] = _balance_transaction_create(
            state,
            amount=charge["amount"],
            currency=charge["currency"],
            source=charge_id,
            kind="charge",
            description=charge["description"] or "Payment",
        )["id"]
    return charge


@render_hook("charge")
def _render_charge(
    state: EmulatorState, rendered: dict[str, Any], stored: dict[str, Any], expand: set[str]
) -> dict[str, Any]:
    if "refunds" in expand:
        refunds = state.list_objects("refund", lambda refund: refund["charge"] == stored["id"])
        rendered["refunds"] = state.embedded_list(refunds, f"/v1/charges/{stored['id']}/refunds")
    return rendered


def _charge_retrieve(context: RequestContext, charge_id: str) -> dict[str, Any]:
    return context.respond(context.state.require(charge_id, "charge"))


def _charge_update(context: RequestContext, charge_id: str) -> dict[str, Any]:
    state = context.state
    charge = state.require(charge_id, "charge")
    before = state.render(charge)
    charge["metadata"] = merged_metadata(charge["metadata"], context.params)
    if "description" in context.params:
        charge["description"] = optional_string(context.params, "description")
    changes = previous_attributes(before, state.render(charge))
    if changes:
        state.emit_event("charge.updated", charge, changes)
    return context.respond(charge)


def _charge_list(context: RequestContext) -> dict[str, Any]:
    customer_id = optional_string(context.params, "customer")
    intent_id = optional_string(context.params, "payment_intent")
    created = context.params.get("created")
    charges = context.state.list_objects(
        "charge",
        lambda charge: (
            (customer_id is None or charge["customer"] == customer_id)
            and (intent_id is None or charge["payment_intent"] == intent_id)
            and timestamp_filter_matches(charge["created"], created)
        ),
    )
    return context.list_response(charges, "/v1/charges")


# Payment intents -----------------------------------------------------------------------------


def payment_intent_create(
    state: EmulatorState,
    *,
    amount: int,
    currency: str,
    customer_id: str | None,
    payment_method_id: str | None,
    description: str | None = None,
    metadata: dict[str, str] | None = None,
    receipt_email: str | None = None,
    setup_future_usage: str | None = None,
    statement_descriptor: str | None = None,
    automatic_payment_methods: dict[str, Any] | None = None,
    payment_method_types: list[str] | None = None,
) -> dict[str, Any]:
    intent_id = state.new_id("pi")
    intent = state.insert(
        {
            "id": intent_id,
            "object": "payment_intent",
            "amount": amount,
            "amount_capturable": 0,
            "amount_details": {"tip": {}},
            "amount_received": 0,
            "application": None,
            "application_fee_amount": None,
            "automatic_payment_methods": automatic_payment_methods,
            "canceled_at": None,
            "cancellation_reason": None,
            "capture_method": "automatic_async",
            "client_secret": f"{intent_id}_secret_{random_token(25)}",
            "confirmation_method": "automatic",
            "created": state.now(),
            "currency": currency,
            "customer": customer_id,
            "customer_account": None,
            "description": description,
            "excluded_payment_method_types": None,
            "last_payment_error": None,
            "latest_charge": None,
            "livemode": False,
            "managed_payments": None,
            "metadata": metadata or {},
            "next_action": None,
            "on_behalf_of": None,
            "payment_method": payment_method_id,
            "payment_method_configuration_details": None,
            "payment_method_options": {
                "card": {
                    "installments": None,
                    "mandate_options": None,
                    "network": None,
                    "request_three_d_secure": "automatic",
                }
            },
            "payment_method_types": payment_method_types or ["card"],
            "processing": None,
            "receipt_email": receipt_email,
            "review": None,
            "setup_future_usage": setup_future_usage,
            "shipping": None,
            "source": None,
            "statement_descriptor": statement_descriptor,
            "statement_descriptor_suffix": None,
            "status": "requires_confirmation" if payment_method_id else "requires_payment_method",
            "transfer_data": None,
            "transfer_group": None,
        }
    )
    state.emit_event("payment_intent.created", intent)
    return intent


def _decline_error(
    state: EmulatorState, intent: dict[str, Any], payment_method: dict[str, Any]
) -> StripeApiError:
    failure = intent["last_payment_error"]
    error = StripeApiError(
        http_status=402,
        error_type="card_error",
        code=failure["code"],
        decline_code=failure.get("decline_code"),
        message=failure["message"],
        extra={
            "charge": intent["latest_charge"],
            "payment_intent": state.render(intent),
            "payment_method": state.render(payment_method),
            "request_log_url": "https://dashboard.stripe.com/test/logs/emulator",
        },
        stored_for_idempotency=True,
    )
    return error


def payment_intent_confirm(
    state: EmulatorState,
    intent: dict[str, Any],
    *,
    off_session: bool,
    return_url: str | None = None,
) -> StripeApiError | None:
    """Attempt the payment. Returns the card error a decline should answer with (the intent and
    its failed charge are already stored, as Stripe keeps them), or None."""
    payment_method = state.require(
        intent["payment_method"], "payment_method", label="PaymentMethod"
    )
    behaviour = state.card_behaviours.get(payment_method["id"], "succeed")
    if behaviour in AUTHENTICATING_BEHAVIOURS and not off_session:
        before = state.render(intent)
        intent["status"] = "requires_action"
        intent["next_action"] = (
            {
                "type": "redirect_to_url",
                "redirect_to_url": {
                    "return_url": return_url,
                    "url": f"https://hooks.stripe.com/3d_secure_2/authenticate/{intent['id']}",
                },
            }
            if return_url
            else {
                "type": "use_stripe_sdk",
                "use_stripe_sdk": {
                    "source": "src_" + random_token(24),
                    "stripe_js": f"https://hooks.stripe.com/3d_secure_2/authenticate/{intent['id']}",
                    "type": "three_d_secure_redirect",
                },
            }
        )
        state.emit_event(
            "payment_intent.requires_action",
            intent,
            previous_attributes(before, state.render(intent)),
        )
        return None
    if behaviour in DECLINES:
        return _payment_intent_fail(state, intent, payment_method, DECLINES[behaviour])
    _payment_intent_succeed(state, intent, payment_method)
    return None


def _payment_intent_succeed(
    state: EmulatorState, intent: dict[str, Any], payment_method: dict[str, Any]
) -> None:
    charge = _charge_create(state, intent, payment_method, None)
    state.emit_event("charge.succeeded", charge)
    intent.update(
        {
            "status": "succeeded",
            "amount_received": intent["amount"],
            "latest_charge": charge["id"],
            "last_payment_error": None,
            "next_action": None,
        }
    )
    if intent["setup_future_usage"] and intent["customer"] and payment_method["customer"] is None:
        customer = state.require(intent["customer"], "customer")
        payment_method_attach(state, payment_method, customer)
    state.emit_event("payment_intent.succeeded", intent)
    invoice_id = intent.get("_invoice")
    if invoice_id:
        from stripe_emulator.invoices import invoice_payment_settled

        invoice_payment_settled(state, invoice_id, intent)


def _payment_intent_fail(
    state: EmulatorState,
    intent: dict[str, Any],
    payment_method: dict[str, Any],
    failure: tuple[str, str, str],
) -> StripeApiError:
    charge = _charge_create(state, intent, payment_method, failure)
    state.emit_event("charge.failed", charge)
    code, decline_code, message = failure
    intent.update(
        {
            "status": "requires_payment_method",
            "latest_charge": charge["id"],
            "next_action": None,
            # Stripe detaches the failed method so the customer must supply another.
            "payment_method": None,
            "last_payment_error": {
                "advice_code": None,
                "charge": charge["id"],
                "code": code,
                "decline_code": decline_code,
                "doc_url": "https://stripe.com/docs/error-codes/" + code.replace("_", "-"),
                "message": message,
                "network_advice_code": None,
                "network_decline_code": None,
                "param": None,
                "payment_method": state.render(payment_method),
                "payment_method_type": "card",
                "type": "card_error",
            },
        }
    )
    state.emit_event("payment_intent.payment_failed", intent)
    error = _decline_error(state, intent, payment_method)
    invoice_id = intent.get("_invoice")
    if invoice_id:
        from stripe_emulator.invoices import invoice_payment_settled

        invoice_payment_settled(state, invoice_id, intent)
    return error


def payment_intent_complete_authentication(
    state: EmulatorState, intent: dict[str, Any], *, succeed: bool
) -> None:
    """What the customer's 3-D Secure challenge decides (an emulator control route)."""
    if intent["status"] != "requires_action":
        raise invalid_request_error(
            f"This PaymentIntent is {intent['status']}, not requires_action.",
            code="payment_intent_unexpected_state",
        )
    payment_method = state.require(
        intent["payment_method"], "payment_method", label="PaymentMethod"
    )
    if succeed:
        _payment_intent_succeed(state, intent, payment_method)
    else:
        _payment_intent_fail(
            state,
            intent,
            payment_method,
            (
                "payment_intent_authentication_failure",
                "authentication_failure",
                "The provided PaymentMethod has failed authentication. You can provide "
                "payment_method_data or a new PaymentMethod to attempt to fulfill this "
                "PaymentIntent again.",
            ),
        )


def _resolve_intent_payment_method(
    state: EmulatorState, value: str | None, customer_id: str | None
) -> str | None:
    if value is None:
        return None
    payment_method = payment_method_resolve(state, value)
    if payment_method["customer"] is not None and payment_method["customer"] != customer_id:
        raise invalid_request_error(
            f"The provided PaymentMethod ({payment_method['id']}) is attached to another "
            "customer. Pass that customer, or use a PaymentMethod attached to this one.",
            param="payment_method",
        )
    reference: str = payment_method["id"]
    return reference


def _payment_intent_create(context: RequestContext) -> dict[str, Any]:
    state, params = context.state, context.params
    amount = required_integer(params, "amount")
    currency = required_currency(params)
    if amount < MINIMUM_CHARGE_AMOUNT_MINOR:
        raise invalid_request_error(
            f"Amount must be at least {format_amount(MINIMUM_CHARGE_AMOUNT_MINOR, currency)} "
            f"{currency}",
            param="amount",
            code="amount_too_small",
        )
    customer_id = optional_string(params, "customer")
    if customer_id is not None:
        state.require(customer_id, "customer", param="customer")
    confirm = optional_boolean(params, "confirm") or False
    off_session = optional_boolean(params, "off_session") or False
    if off_session and not confirm:
        raise invalid_request_error(
            "off_session can only be used when confirm=true.", param="off_session"
        )
    return_url = _return_url(params)
    if return_url is not None and not confirm:
        raise invalid_request_error(
            "return_url can only be used when confirm=true.", param="return_url"
        )
    payment_method_types = string_list(params, "payment_method_types") or None
    automatic_payment_methods = _automatic_payment_methods(params, payment_method_types)
    if confirm:
        _require_redirect_choice(
            automatic_payment_methods, return_url=return_url, off_session=off_session
        )
    payment_method_value = optional_string(params, "payment_method")
    if confirm and payment_method_value is None:
        raise invalid_request_error(
            "You cannot confirm this PaymentIntent because it's missing a payment method. "
            "Update the PaymentIntent with a payment method and then confirm it again.",
            code="payment_intent_unexpected_state",
        )
    if (
        payment_method_value is not None
        and payment_method_value.startswith("pm_")
        and (payment_method_value not in state.objects)
    ):
        from stripe_emulator.customers import TEST_CARDS

        if payment_method_value not in TEST_CARDS:
            state.require(
                payment_method_value,
                "payment_method",
                label="PaymentMethod",
                param="payment_method",
            )
    payment_method_id = _resolve_intent_payment_method(state, payment_method_value, customer_id)
    intent = payment_intent_create(
        state,
        amount=amount,
        currency=currency,
        customer_id=customer_id,
        payment_method_id=payment_method_id,
        description=optional_string(params, "description"),
        metadata=merged_metadata({}, params),
        receipt_email=optional_string(params, "receipt_email"),
        setup_future_usage=optional_string(params, "setup_future_usage"),
        statement_descriptor=optional_string(params, "statement_descriptor"),
        automatic_payment_methods=automatic_payment_methods,
        payment_method_types=payment_method_types,
    )
    if confirm:
        error = payment_intent_confirm(
            state, intent, off_session=off_session, return_url=return_url
        )
        if error is not None:
            raise error
    return context.respond(intent)


def _automatic_payment_methods(
    params: dict[str, Any], payment_method_types: list[str] | None
) -> dict[str, Any] | None:
    settings = optional_hash(params, "automatic_payment_methods")
    if settings is None:
        # Stripe's default since API 2023-08-16 when no payment_method_types are given.
        return None if payment_method_types else {"allow_redirects": "always", "enabled": True}
    return {
        "allow_redirects": settings.get("allow_redirects") or "always",
        "enabled": optional_boolean(settings, "enabled") or False,
    }


def _return_url(params: dict[str, Any]) -> str | None:
    return_url = optional_string(params, "return_url")
    if return_url is not None:
        parts = urlsplit(return_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise invalid_request_error("Not a valid URL", param="return_url", code="url_invalid")
    return return_url


def _require_redirect_choice(
    automatic_payment_methods: dict[str, Any] | None, *, return_url: str | None, off_session: bool
) -> None:
    """Stripe refuses to confirm a PaymentIntent that may redirect its customer without knowing
    where to send them back."""
    redirects_allowed = bool(
        automatic_payment_methods
        and automatic_payment_methods["enabled"]
        and automatic_payment_methods["allow_redirects"] != "never"
    )
    if redirects_allowed and return_url is None and not off_session:
        raise invalid_request_error(REDIRECT_CONFIRM_MESSAGE)


def _payment_intent_retrieve(context: RequestContext, payment_intent_id: str) -> dict[str, Any]:
    return context.respond(context.state.require(payment_intent_id, "payment_intent"))


def _payment_intent_update(context: RequestContext, payment_intent_id: str) -> dict[str, Any]:
    state, params = context.state, context.params
    intent = state.require(payment_intent_id, "payment_intent")
    if intent["status"] in ("succeeded", "canceled") and (
        set(params) - {"metadata", "description", "receipt_email", "expand"}
    ):
        raise invalid_request_error(
            f"This PaymentIntent's amount could not be updated because it has a status of "
            f"{intent['status']}.",
            code="payment_intent_unexpected_state",
        )
    before = state.render(intent)
    if "amount" in params:
        intent["amount"] = required_integer(params, "amount")
    for key in ("description", "receipt_email"):
        if key in params:
            intent[key] = optional_string(params, key)
    if "payment_method" in params:
        intent["payment_method"] = _resolve_intent_payment_method(
            state, optional_string(params, "payment_method"), intent["customer"]
        )
        intent["status"] = (
            "requires_confirmation" if intent["payment_method"] else "requires_payment_method"
        )
    intent["metadata"] = merged_metadata(intent["metadata"], params)
    changes = previous_attributes(before, state.render(intent))
    if changes:
        state.emit_event("payment_intent.updated", intent, changes)
    return context.respond(intent)


def _payment_intent_confirm(context: RequestContext, payment_intent_id: str) -> dict[str, Any]:
    state, params = context.state, context.params
    intent = state.require(payment_intent_id, "payment_intent")
    if intent["status"] not in (
        "requires_payment_method",
        "requires_confirmation",
        "requires_action",
    ):
        raise invalid_request_error(
            f"This PaymentIntent's status is {intent['status']}, and it cannot be confirmed.",
            code="payment_intent_unexpected_state",
        )
    off_session = optional_boolean(params, "off_session") or False
    return_url = _return_url(params)
    _require_redirect_choice(
        intent["automatic_payment_methods"], return_url=return_url, off_session=off_session
    )
    payment_method_value = optional_string(params, "payment_method")
    if payment_method_value is not None:
        intent["payment_method"] = _resolve_intent_payment_method(
            state, payment_method_value, intent["customer"]
        )
    if intent["payment_method"] is None:
        raise invalid_request_error(
            "You cannot confirm this PaymentIntent because it's missing a payment method. "
            "Update the PaymentIntent with a payment method and then confirm it again.",
            code="payment_intent_unexpected_state",
        )
    error = payment_intent_confirm(state, intent, off_session=off_session, return_url=return_url)
    if error is not None:
        raise error
    return context.respond(intent)


def _payment_intent_cancel(context: RequestContext, payment_intent_id: str) -> dict[str, Any]:
    state = context.state
    intent = state.require(payment_intent_id, "payment_intent")
    if intent["status"] not in CANCELABLE_STATUSES:
        raise invalid_request_error(
            f"You cannot cancel this PaymentIntent because it has a status of {intent['status']}."
            " Only a PaymentIntent with one of the following statuses may be canceled: "
            "requires_payment_method, requires_capture, requires_confirmation, requires_action, "
            "processing.",
            code="payment_intent_unexpected_state",
        )
    intent["status"] = "canceled"
    intent["canceled_at"] = state.now()
    intent["next_action"] = None
    intent["cancellation_reason"] = optional_string(context.params, "cancellation_reason")
    state.emit_event("payment_intent.canceled", intent)
    return context.respond(intent)


def _payment_intent_list(context: RequestContext) -> dict[str, Any]:
    customer_id = optional_string(context.params, "customer")
    created = context.params.get("created")
    intents = context.state.list_objects(
        "payment_intent",
        lambda intent: (
            (customer_id is None or intent["customer"] == customer_id)
            and timestamp_filter_matches(intent["created"], created)
        ),
    )
    return context.list_response(intents, "/v1/payment_intents")


# Refunds -------------------------------------------------------------------------------------


def _refund_create(context: RequestContext) -> dict[str, Any]:
    """`POST /v1/refunds`. Long because it checks the refund against its charge in the order Stripe
    reports the errors, then spells out the refund object and settles it on the charge."""
    state, params = context.state, context.params
    charge_id = optional_string(params, "charge")
    intent_id = optional_string(params, "payment_intent")
    if charge_id is None and intent_id is None:
        raise missing_parameter_error("charge")
    if intent_id is not None:
        intent = state.require(intent_id, "payment_intent", param="payment_intent")
        if intent["status"] != "succeeded" or intent["latest_charge"] is None:
            raise invalid_request_error(
                f"This PaymentIntent ({intent_id}) does not have a successful charge to refund.",
                param="payment_intent",
                code="charge_not_refundable",
            )
        if charge_id is not None and charge_id != intent["latest_charge"]:
            raise invalid_request_error(
                "The charge does not belong to this PaymentIntent.", param="charge"
            )
        charge_id = intent["latest_charge"]
    charge = state.require(charge_id, "charge", param="charge")
    if charge["status"] != "succeeded":
        raise invalid_request_error(
            f"Charge {charge['id']} has not succeeded and cannot be refunded.",
            param="charge",
            code="charge_not_refundable",
        )
    if charge["refunded"]:
        raise invalid_request_error(
            f"Charge {charge['id']} has already been refunded.",
            param="charge",
            code="charge_already_refunded",
        )
    remaining = charge["amount"] - charge["amount_refunded"]
    amount = optional_integer(params, "amount")
    if amount is None:
        amount = remaining
    if amount <= 0:
        raise invalid_request_error(
            "Invalid positive integer", param="amount", code="parameter_invalid_integer"
        )
    if amount > remaining:
        raise invalid_request_error(
            f"Refund amount ({format_amount(amount, charge['currency'])}) is greater than "
            f"unrefunded amount on charge ({format_amount(remaining, charge['currency'])})",
            param="amount",
            code="amount_too_large",
        )
    reason = optional_string(params, "reason")
    if reason is not None and reason not in ("duplicate", "fraudulent", "requested_by_customer"):
        raise invalid_request_error(
            "Invalid reason: must be one of duplicate, fraudulent, or requested_by_customer",
            param="reason",
        )
    refund_id = state.new_id("re")
    refund = state.insert(
        {
            "id": refund_id,
            "object": "refund",
            "amount": amount,
            "balance_transaction": None,
            "charge": charge["id"],
            "created": state.now(),
            "currency": charge["currency"],
            "customer": charge["customer"],
            "customer_account": None,
            "description": None,
            "destination_details": {
                "card": {
                    "reference": random_token(14),
                    "reference_status": "available",
                    "reference_type": "acquirer_reference_number",
                    "type": "refund",
                },
                "type": "card",
            },
            "metadata": merged_metadata({}, params),
            "payment_intent": charge["payment_intent"],
            "payment_method": charge["payment_method"],
            "reason": reason,
            "receipt_number": None,
            "source_transfer_reversal": None,
            "status": "succeeded",
            "transfer_reversal": None,
        }
    )
    refund["balance_transaction"] = _balance_transaction_create(
        state,
        amount=-amount,
        currency=charge["currency"],
        source=refund_id,
        kind="refund",
        description="REFUND FOR CHARGE",
    )["id"]
    if state.card_behaviours.get(charge["payment_method"] or "") == "refund_fail":
        customer = state.objects.get(charge["customer"] or "") or {}
        refund["_fails_at"] = state.now() + REFUND_FAILS_AFTER_SECONDS
        refund["_test_clock"] = customer.get("test_clock")
    before = state.render(charge)
    charge["amount_refunded"] += amount
    charge["refunded"] = charge["amount_refunded"] == charge["amount"]
    state.emit_event("refund.created", refund)
    state.emit_event("charge.refunded", charge, previous_attributes(before, state.render(charge)))
    return context.respond(refund)


def refund_fail(state: EmulatorState, refund: dict[str, Any]) -> None:
    """A refund accepted as succeeded fails afterwards (the card can't take it back, as with
    `pm_card_refundFail`): the money returns to the balance and the charge's `amount_refunded`
    goes back down; `refund.updated` and `refund.failed` follow."""
    refund.pop("_fails_at", None)
    charge = state.objects[refund["charge"]]
    before_refund = state.render(refund)
    refund["status"] = "failed"
    refund["failure_reason"] = "expired_or_canceled_card"
    refund["failure_balance_transaction"] = _balance_transaction_create(
        state,
        amount=refund["amount"],
        currency=refund["currency"],
        source=refund["id"],
        kind="refund_failure",
        description="REFUND FAILURE",
    )["id"]
    charge["amount_refunded"] -= refund["amount"]
    charge["refunded"] = False
    state.emit_event(
        "refund.updated", refund, previous_attributes(before_refund, state.render(refund))
    )
    state.emit_event("refund.failed", refund)


def _refund_retrieve(context: RequestContext, refund_id: str) -> dict[str, Any]:
    return context.respond(context.state.require(refund_id, "refund"))


def _refund_update(context: RequestContext, refund_id: str) -> dict[str, Any]:
    state = context.state
    refund = state.require(refund_id, "refund")
    before = state.render(refund)
    refund["metadata"] = merged_metadata(refund["metadata"], context.params)
    changes = previous_attributes(before, state.render(refund))
    if changes:
        state.emit_event("refund.updated", refund, changes)
    return context.respond(refund)


def _refund_list(context: RequestContext) -> dict[str, Any]:
    charge_id = optional_string(context.params, "charge")
    intent_id = optional_string(context.params, "payment_intent")
    refunds = context.state.list_objects(
        "refund",
        lambda refund: (
            (charge_id is None or refund["charge"] == charge_id)
            and (intent_id is None or refund["payment_intent"] == intent_id)
        ),
    )
    return context.list_response(refunds, "/v1/refunds")


def _balance_transaction_retrieve(context: RequestContext, transaction_id: str) -> dict[str, Any]:
    return context.respond(
        context.state.require(transaction_id, "balance_transaction", label="balance transaction")
    )


def _balance_transaction_list(context: RequestContext) -> dict[str, Any]:
    source = optional_string(context.params, "source")
    transaction_type = optional_string(context.params, "type")
    transactions = context.state.list_objects(
        "balance_transaction",
        lambda transaction: (
            (source is None or transaction["source"] == source)
            and (transaction_type is None or transaction["type"] == transaction_type)
        ),
    )
    return context.list_response(transactions, "/v1/balance_transactions")


def register_routes(router: Router) -> None:
    router.add("POST", "/v1/payment_intents", _payment_intent_create)
    router.add("GET", "/v1/payment_intents", _payment_intent_list)
    router.add("GET", "/v1/payment_intents/{payment_intent_id}", _payment_intent_retrieve)
    router.add("POST", "/v1/payment_intents/{payment_intent_id}", _payment_intent_update)
    router.add("POST", "/v1/payment_intents/{payment_intent_id}/confirm", _payment_intent_confirm)
    router.add("POST", "/v1/payment_intents/{payment_intent_id}/cancel", _payment_intent_cancel)
    router.add("GET", "/v1/charges", _charge_list)
    router.add("GET", "/v1/charges/{charge_id}", _charge_retrieve)
    router.add("POST", "/v1/charges/{charge_id}", _charge_update)
    router.add("POST", "/v1/refunds", _refund_create)
    router.add("GET", "/v1/refunds", _refund_list)
    router.add("GET", "/v1/refunds/{refund_id}", _refund_retrieve)
    router.add("POST", "/v1/refunds/{refund_id}", _refund_update)
    router.add("GET", "/v1/balance_transactions", _balance_transaction_list)
    router.add("GET", "/v1/balance_transactions/{transaction_id}", _balance_transaction_retrieve)


__all__ = ["card_error", "payment_intent_complete_authentication", "register_routes"]
