"""SetupIntents: saving a customer's card for later (off-session) payments without charging it.

The service creates one with its secret key; the customer's browser confirms it with the
account's publishable key and the intent's client secret, as Stripe.js does (routes registered
with ``authentication="client_secret"``). Confirming verifies the test card: most succeed and
attach it to the customer (``payment_method.attached``, then ``setup_intent.succeeded``);
``pm_card_chargeDeclined`` fails the setup (402, ``setup_intent.setup_failed``,
``last_setup_error``); cards that ask for authentication go to ``requires_action`` until the
customer's challenge is decided (``POST /_emulator/setup_intents/{id}/authenticate``), after
which ``pm_card_authenticationRequiredOnSetup`` is set up for off-session charges.

Hosted Checkout's setup mode makes its SetupIntent with the session (``setup_intent_create``)
and decides it when the customer submits a card on its page (``setup_intent_succeed``,
``setup_intent_fail``).
"""

from __future__ import annotations

from typing import Any

from stripe_emulator.customers import (
    AUTHENTICATING_BEHAVIOURS,
    DECLINES,
    payment_method_attach,
    payment_method_resolve,
)
from stripe_emulator.errors import (
    StripeApiError,
    invalid_request_error,
    missing_parameter_error,
    resource_missing_error,
)
from stripe_emulator.parameters import (
    merged_metadata,
    optional_boolean,
    optional_string,
    reject_unknown_parameters,
    string_list,
    timestamp_filter_matches,
)
from stripe_emulator.payments import (
    _automatic_payment_methods,
    _require_redirect_choice,
    _return_url,
)
from stripe_emulator.routing import RequestContext, Router
from stripe_emulator.state import EmulatorState, previous_attributes, random_token

CONFIRMABLE_STATUSES = ("requires_payment_method", "requires_confirmation", "requires_action")
CANCELABLE_STATUSES = CONFIRMABLE_STATUSES + ("processing",)
USAGES = ("on_session", "off_session")
CANCELLATION_REASONS = ("abandoned", "duplicate", "requested_by_customer")
# What Stripe answers a publishable key (the customer's browser): the intent without the
# account's own fields (customer, metadata, ...).
PUBLISHABLE_FIELDS = frozenset(
    {
        "id",
        "object",
        "automatic_payment_methods",
        "cancellation_reason",
        "client_secret",
        "created",
        "description",
        "last_setup_error",
        "livemode",
        "next_action",
        "payment_method",
        "payment_method_types",
        "status",
        "usage",
    }
)
# The parameters the emulator implements; stripe-python's definitions (route_parameters.py)
# already refused anything Stripe does not know.
CREATE_PARAMETERS = {
    "automatic_payment_methods",
    "confirm",
    "customer",
    "description",
    "expand",
    "metadata",
    "payment_method",
    "payment_method_options",
    "payment_method_types",
    "return_url",
    "usage",
}
CONFIRM_PARAMETERS = {"expand", "payment_method", "payment_method_options", "return_url"}


def setup_intent_insert(
    state: EmulatorState,
    *,
    customer_id: str | None,
    payment_method_id: str | None = None,
    usage: str = "off_session",
    description: str | None = None,
    metadata: dict[str, str] | None = None,
    automatic_payment_methods: dict[str, Any] | None = None,
    payment_method_types: list[str] | None = None,
) -> dict[str, Any]:
    """A new SetupIntent, as ``POST /v1/setup_intents`` (or a Checkout session in setup mode)
    makes it, with its ``setup_intent.created`` event."""
    intent_id = state.new_id("seti")
    intent = state.insert(
        {
            "id": intent_id,
            "object": "setup_intent",
            "application": None,
            "attach_to_self": None,
            "automatic_payment_methods": automatic_payment_methods,
            "cancellation_reason": None,
            "client_secret": f"{intent_id}_secret_{random_token(24)}",
            "created": state.now(),
            "customer": customer_id,
            "customer_account": None,
            "description": description,
            "excluded_payment_method_types": None,
            "flow_directions": None,
            "last_setup_error": None,
            "latest_attempt": None,
            "livemode": False,
            "managed_payments": None,
            "mandate": None,
            "metadata": metadata or {},
            "next_action": None,
            "on_behalf_of": None,
            "payment_method": payment_method_id,
            "payment_method_configuration_details": None,
            "payment_method_options": {
                "card": {
                    "mandate_options": None,
                    "network": None,
                    "request_three_d_secure": "automatic",
                }
            },
            "payment_method_types": payment_method_types or ["card"],
            "single_use_mandate": None,
            "status": "requires_confirmation" if payment_method_id else "requires_payment_method",
            "usage": usage,
            # Where the customer returns after authenticating, while requires_action.
            "_return_url": None,
        }
    )
    state.emit_event("setup_intent.created", intent)
    return intent


def _payment_method_for(
    state: EmulatorState, intent: dict[str, Any], value: str | None
) -> str | None:
    if value is None:
        current: str | None = intent["payment_method"]
        return current
    payment_method = payment_method_resolve(state, value)
    if payment_method["customer"] not in (None, intent["customer"]):
        raise invalid_request_error(
            f"The provided PaymentMethod ({payment_method['id']}) was previously used with a "
            "PaymentIntent without Customer attachment, shared with a connected account "
            "without Customer attachment, or was detached from a Customer. It may not be used "
            "again. To use a PaymentMethod multiple times, you must attach it to a Customer "
            "first.",
            param="payment_method",
            code="payment_method_unexpected_state",
        )
    reference: str = payment_method["id"]
    return reference


def _setup_succeed(state: EmulatorState, intent: dict[str, Any]) -> None:
    payment_method = state.require(intent["payment_method"], "payment_method")
    if intent["customer"] is not None:
        customer = state.require(intent["customer"], "customer")
        payment_method_attach(state, payment_method, customer)
    intent.update(
        {
            "status": "succeeded",
            "next_action": None,
            "last_setup_error": None,
            "latest_attempt": "setatt_" + random_token(24),
        }
    )
    state.emit_event("setup_intent.succeeded", intent)


def _setup_fail(
    state: EmulatorState, intent: dict[str, Any], failure: tuple[str, str | None, str]
) -> StripeApiError:
    payment_method = state.require(intent["payment_method"], "payment_method")
    code, decline_code, message = failure
    intent.update(
        {
            "status": "requires_payment_method",
            "next_action": None,
            # As with a PaymentIntent, the failed method is taken off so another is supplied.
            "payment_method": None,
            "latest_attempt": "setatt_" + random_token(24),
            "last_setup_error": {
                "advice_code": None,
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
    state.emit_event("setup_intent.setup_failed", intent)
    return StripeApiError(
        http_status=402,
        error_type="card_error",
        code=code,
        decline_code=decline_code,
        message=message,
        extra={
            "setup_intent": state.render(intent),
            "payment_method": state.render(payment_method),
        },
        stored_for_idempotency=True,
    )


def setup_intent_confirm(
    state: EmulatorState, intent: dict[str, Any], *, return_url: str | None
) -> StripeApiError | None:
    """Verify the intent's card. Returns the card error a declined setup answers with (the
    intent is already updated, as Stripe keeps it), or None."""
    if intent["payment_method"] is None:
        raise invalid_request_error(
            "You cannot confirm this SetupIntent because it's missing a payment method. Update "
            "the SetupIntent with a payment method and then confirm it again.",
            code="setup_intent_unexpected_state",
        )
    behaviour = state.card_behaviours.get(intent["payment_method"], "succeed")
    if behaviour in AUTHENTICATING_BEHAVIOURS:
        before = state.render(intent)
        intent["status"] = "requires_action"
        intent["_return_url"] = return_url
        authenticate_url = f"https://hooks.stripe.com/3d_secure_2/authenticate/{intent['id']}"
        intent["next_action"] = (
            {
                "type": "redirect_to_url",
                "redirect_to_url": {"return_url": return_url, "url": authenticate_url},
            }
            if return_url
            else {
                "type": "use_stripe_sdk",
                "use_stripe_sdk": {
                    "source": "src_" + random_token(24),
                    "stripe_js": authenticate_url,
                    "type": "three_d_secure_redirect",
                },
            }
        )
        state.emit_event(
            "setup_intent.requires_action",
            intent,
            previous_attributes(before, state.render(intent)),
        )
        return None
    if behaviour == "decline":
        # A setup only verifies the card; the cards declined on charge alone set up fine.
        return _setup_fail(state, intent, DECLINES["decline"])
    _setup_succeed(state, intent)
    return None


def setup_intent_complete_authentication(
    state: EmulatorState, intent: dict[str, Any], *, succeed: bool
) -> None:
    """What the customer's 3-D Secure challenge decides (an emulator control route)."""
    if intent["status"] != "requires_action":
        raise invalid_request_error(
            f"This SetupIntent is {intent['status']}, not requires_action.",
            code="setup_intent_unexpected_state",
        )
    if not succeed:
        _setup_fail(
            state,
            intent,
            (
                "setup_intent_authentication_failure",
                "authentication_failure",
                "The latest attempt to set up the payment method has failed because "
                "authentication failed.",
            ),
        )
        return
    payment_method_id = intent["payment_method"]
    if state.card_behaviours.get(payment_method_id) == "authentication_required_on_setup":
        # Set up with authentication: its off-session charges now go through.
        state.card_behaviours[payment_method_id] = "succeed"
    _setup_succeed(state, intent)


def setup_intent_create(
    state: EmulatorState,
    *,
    customer_id: str | None,
    metadata: dict[str, str] | None = None,
    description: str | None = None,
    usage: str = "off_session",
) -> dict[str, Any]:
    """The SetupIntent of a Checkout session in setup mode: cards only, confirmed on the
    session's page."""
    return setup_intent_insert(
        state,
        customer_id=customer_id,
        usage=usage,
        description=description,
        metadata=metadata,
        payment_method_types=["card"],
    )


def setup_intent_succeed(
    state: EmulatorState, intent: dict[str, Any], payment_method: dict[str, Any]
) -> None:
    """The card the customer gave on a hosted page is set up for later off-session use:
    charges of it no longer ask for authentication."""
    intent["payment_method"] = payment_method["id"]
    state.card_behaviours[payment_method["id"]] = "succeed"
    _setup_succeed(state, intent)


def setup_intent_fail(
    state: EmulatorState, intent: dict[str, Any], payment_method: dict[str, Any], message: str
) -> None:
    """The customer failed the card's authentication on a hosted page."""
    intent["payment_method"] = payment_method["id"]
    _setup_fail(state, intent, ("setup_intent_authentication_failure", None, message))


def _require_client_secret(context: RequestContext, intent: dict[str, Any]) -> None:
    """A publishable key reaches only the intent whose client secret it was given."""
    if not context.publishable:
        return
    if context.client_secret is None:
        raise missing_parameter_error("client_secret")
    if context.client_secret != intent["client_secret"]:
        raise resource_missing_error("setupintent", intent["id"])


def _respond(context: RequestContext, intent: dict[str, Any]) -> dict[str, Any]:
    rendered = context.respond(intent)
    if context.publishable:
        return {key: value for key, value in rendered.items() if key in PUBLISHABLE_FIELDS}
    return rendered


def _usage(params: dict[str, Any]) -> str:
    usage = optional_string(params, "usage") or "off_session"
    if usage not in USAGES:
        raise invalid_request_error(
            f"Invalid usage: must be one of {', '.join(USAGES)}", param="usage"
        )
    return usage


def _setup_intent_create(context: RequestContext) -> dict[str, Any]:
    state, params = context.state, context.params
    reject_unknown_parameters(params, CREATE_PARAMETERS)
    customer_id = optional_string(params, "customer")
    if customer_id is not None:
        state.require(customer_id, "customer", param="customer")
    confirm = optional_boolean(params, "confirm") or False
    return_url = _return_url(params)
    if return_url is not None and not confirm:
        raise invalid_request_error(
            "return_url can only be used when confirm=true.", param="return_url"
        )
    payment_method_types = string_list(params, "payment_method_types") or None
    if payment_method_types and set(payment_method_types) != {"card"}:
        raise invalid_request_error(
            "The emulator sets up cards only (payment_method_types[]=card).",
            param="payment_method_types",
        )
    automatic_payment_methods = _automatic_payment_methods(params, payment_method_types)
    if confirm:
        _require_redirect_choice(
            automatic_payment_methods, return_url=return_url, off_session=False
        )
    intent = setup_intent_insert(
        state,
        customer_id=customer_id,
        usage=_usage(params),
        description=optional_string(params, "description"),
        metadata=merged_metadata({}, params),
        automatic_payment_methods=automatic_payment_methods,
        payment_method_types=payment_method_types,
    )
    payment_method_value = optional_string(params, "payment_method")
    if payment_method_value is not None:
        intent["payment_method"] = _payment_method_for(state, intent, payment_method_value)
        intent["status"] = "requires_confirmation"
    if confirm:
        error = setup_intent_confirm(state, intent, return_url=return_url)
        if error is not None:
            raise error
    return _respond(context, intent)


def _setup_intent_retrieve(context: RequestContext, setup_intent_id: str) -> dict[str, Any]:
    intent = context.state.require(setup_intent_id, "setup_intent", label="setupintent")
    _require_client_secret(context, intent)
    return _respond(context, intent)


def _setup_intent_confirm(context: RequestContext, setup_intent_id: str) -> dict[str, Any]:
    state, params = context.state, context.params
    intent = state.require(setup_intent_id, "setup_intent", label="setupintent")
    _require_client_secret(context, intent)
    reject_unknown_parameters(params, CONFIRM_PARAMETERS)
    if intent["status"] not in CONFIRMABLE_STATUSES:
        raise invalid_request_error(
            f"You cannot confirm this SetupIntent because it has a status of {intent['status']}.",
            code="setup_intent_unexpected_state",
        )
    return_url = _return_url(params)
    _require_redirect_choice(
        intent["automatic_payment_methods"], return_url=return_url, off_session=False
    )
    intent["payment_method"] = _payment_method_for(
        state, intent, optional_string(params, "payment_method")
    )
    error = setup_intent_confirm(state, intent, return_url=return_url)
    if error is not None:
        raise error
    return _respond(context, intent)


def _setup_intent_cancel(context: RequestContext, setup_intent_id: str) -> dict[str, Any]:
    state = context.state
    intent = state.require(setup_intent_id, "setup_intent", label="setupintent")
    if intent["status"] not in CANCELABLE_STATUSES:
        raise invalid_request_error(
            f"You cannot cancel this SetupIntent because it has a status of {intent['status']}.",
            code="setup_intent_unexpected_state",
        )
    reason = optional_string(context.params, "cancellation_reason")
    if reason is not None and reason not in CANCELLATION_REASONS:
        raise invalid_request_error("Invalid cancellation_reason", param="cancellation_reason")
    intent.update({"status": "canceled", "cancellation_reason": reason, "next_action": None})
    state.emit_event("setup_intent.canceled", intent)
    return context.respond(intent)


def _setup_intent_list(context: RequestContext) -> dict[str, Any]:
    params = context.params
    customer_id = optional_string(params, "customer")
    payment_method_id = optional_string(params, "payment_method")
    created = params.get("created")
    intents = context.state.list_objects(
        "setup_intent",
        lambda intent: (
            (customer_id is None or intent["customer"] == customer_id)
            and (payment_method_id is None or intent["payment_method"] == payment_method_id)
            and timestamp_filter_matches(intent["created"], created)
        ),
    )
    return context.list_response(intents, "/v1/setup_intents")


def register_routes(router: Router) -> None:
    router.add("POST", "/v1/setup_intents", _setup_intent_create)
    router.add("GET", "/v1/setup_intents", _setup_intent_list)
    router.add(
        "GET",
        "/v1/setup_intents/{setup_intent_id}",
        _setup_intent_retrieve,
        authentication="client_secret",
    )
    router.add(
        "POST",
        "/v1/setup_intents/{setup_intent_id}/confirm",
        _setup_intent_confirm,
        authentication="client_secret",
    )
    router.add("POST", "/v1/setup_intents/{setup_intent_id}/cancel", _setup_intent_cancel)


__all__ = [
    "register_routes",
    "setup_intent_complete_authentication",
    "setup_intent_confirm",
    "setup_intent_create",
    "setup_intent_fail",
    "setup_intent_insert",
    "setup_intent_succeed",
]
