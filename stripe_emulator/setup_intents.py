"""SetupIntents, as far as hosted Checkout's setup mode makes them: created with the session,
succeeded (or failed) when the customer submits a card, and readable by id (dj-stripe re-fetches
the one a `checkout.session.completed` names)."""

from __future__ import annotations

from typing import Any

from stripe_emulator.routing import RequestContext, Router
from stripe_emulator.state import EmulatorState, random_token


def setup_intent_create(
    state: EmulatorState,
    *,
    customer_id: str | None,
    metadata: dict[str, str] | None = None,
    description: str | None = None,
    usage: str = "off_session",
) -> dict[str, Any]:
    intent_id = state.new_id("seti")
    intent = state.insert(
        {
            "id": intent_id,
            "object": "setup_intent",
            "application": None,
            "automatic_payment_methods": None,
            "cancellation_reason": None,
            "client_secret": f"{intent_id}_secret_{random_token(25)}",
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
            "payment_method": None,
            "payment_method_configuration_details": None,
            "payment_method_options": {
                "card": {
                    "mandate_options": None,
                    "network": None,
                    "request_three_d_secure": "automatic",
                }
            },
            "payment_method_types": ["card"],
            "single_use_mandate": None,
            "status": "requires_payment_method",
            "usage": usage,
        }
    )
    state.emit_event("setup_intent.created", intent)
    return intent


def setup_intent_succeed(
    state: EmulatorState, intent: dict[str, Any], payment_method: dict[str, Any]
) -> None:
    """The card is set up for later off-session use: charges of it no longer ask for
    authentication."""
    intent["payment_method"] = payment_method["id"]
    intent["status"] = "succeeded"
    intent["last_setup_error"] = None
    intent["next_action"] = None
    state.card_behaviours[payment_method["id"]] = "succeed"
    state.emit_event("setup_intent.succeeded", intent)


def setup_intent_fail(
    state: EmulatorState, intent: dict[str, Any], payment_method: dict[str, Any], message: str
) -> None:
    intent["payment_method"] = None
    intent["status"] = "requires_payment_method"
    intent["last_setup_error"] = {
        "advice_code": None,
        "charge": None,
        "code": "setup_intent_authentication_failure",
        "decline_code": None,
        "doc_url": "https://stripe.com/docs/error-codes/setup-intent-authentication-failure",
        "message": message,
        "network_advice_code": None,
        "network_decline_code": None,
        "param": None,
        "payment_method": state.render(payment_method),
        "payment_method_type": "card",
        "type": "invalid_request_error",
    }
    state.emit_event("setup_intent.setup_failed", intent)


def _setup_intent_retrieve(context: RequestContext, setup_intent_id: str) -> dict[str, Any]:
    return context.respond(context.state.require(setup_intent_id, "setup_intent"))


def register_routes(router: Router) -> None:
    router.add("GET", "/v1/setup_intents/{setup_intent_id}", _setup_intent_retrieve)
