"""The customer portal: configurations (what a customer may do there), sessions (a link for one
customer), and the portal's own pages, served as plain HTML forms under ``/pages/portal/…``.

On the page a customer sees their subscriptions and may switch one to another price the
configuration allows (the subscription's item changes price as an API update would, with its
prorations, then ``customer.subscription.updated``), cancel it at the period's end (or renew
it again), replace their card with one of Stripe's test card numbers (set up as a SetupIntent,
with the 3-D Secure challenge when the card asks for one; the new card becomes the default:
``payment_method.attached``, ``customer.updated``), see their invoices, and go back to the
session's ``return_url``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit

from stripe_emulator.customers import payment_method_resolve
from stripe_emulator.errors import StripeApiError, invalid_request_error
from stripe_emulator.hosted_pages import (
    PageRequest,
    PageResponse,
    card_form_fields,
    card_number_token,
    escape,
    html_response,
    page,
    page_url,
    redirect_response,
)
from stripe_emulator.money import format_amount
from stripe_emulator.parameters import (
    merged_metadata,
    optional_boolean,
    optional_hash,
    optional_string,
    reject_unknown_parameters,
    string_list,
)
from stripe_emulator.routing import RequestContext, Router
from stripe_emulator.setup_intents import (
    setup_intent_complete_authentication,
    setup_intent_confirm,
    setup_intent_insert,
)
from stripe_emulator.state import EmulatorState, previous_attributes
from stripe_emulator.subscription_items import subscription_items
from stripe_emulator.subscriptions import subscription_update
from stripe_emulator.test_clocks import request_frozen_time

CONFIGURATION_OBJECT = "billing_portal.configuration"
SESSION_OBJECT = "billing_portal.session"
CANCEL_MODES = ("at_period_end", "immediately")
PRORATION_BEHAVIOURS = ("always_invoice", "create_prorations", "none")
ALLOWED_UPDATES = ("price", "promotion_code", "quantity")
CANCELLATION_REASONS = [
    "too_expensive",
    "missing_features",
    "switched_service",
    "unused",
    "customer_service",
    "too_complex",
    "low_quality",
    "other",
]
LIVE_STATUSES = ("trialing", "active", "past_due", "unpaid")


# Configurations ------------------------------------------------------------------------------


def _default_features() -> dict[str, Any]:
    return {
        "customer_update": {"allowed_updates": [], "enabled": False},
        "invoice_history": {"enabled": False},
        "payment_method_update": {"enabled": False, "payment_method_configuration": None},
        "subscription_cancel": {
            "cancellation_reason": {
                "enabled": False,
                "options": list(CANCELLATION_REASONS),
            },
            "enabled": False,
            "mode": "at_period_end",
            "proration_behavior": "none",
        },
        "subscription_update": {
            "billing_cycle_anchor": None,
            "default_allowed_updates": [],
            "enabled": False,
            "products": [],
            "proration_behavior": "none",
            "schedule_at_period_end": {"conditions": []},
            "trial_update_behavior": "end_trial",
        },
    }


def _enabled(settings: dict[str, Any]) -> bool | None:
    return optional_boolean(settings, "enabled") if "enabled" in settings else None


def _choice(
    settings: dict[str, Any], name: str, choices: tuple[str, ...], param: str
) -> str | None:
    value = optional_string(settings, name)
    if value is not None and value not in choices:
        raise invalid_request_error(
            f"Invalid {name}: must be one of {', '.join(choices)}", param=f"{param}[{name}]"
        )
    return value


def _products(state: EmulatorState, value: Any, param: str) -> list[dict[str, Any]]:
    products = []
    for position, entry in enumerate(value if isinstance(value, list) else []):
        if not isinstance(entry, dict):
            raise invalid_request_error("Invalid array", param=f"{param}[{position}]")
        product_id = optional_string(entry, "product")
        product = state.require(product_id, "product", param=f"{param}[{position}][product]")
        prices = string_list(entry, "prices")
        if not prices:
            raise invalid_request_error(
                "Each product needs at least one price.", param=f"{param}[{position}][prices]"
            )
        for price_id in prices:
            price = state.require(price_id, "price", param=f"{param}[{position}][prices]")
            if price["product"] != product["id"] or price.get("recurring") is None:
                raise invalid_request_error(
                    f"The price {price_id} is not a recurring price of product {product['id']}.",
                    param=f"{param}[{position}][prices]",
                )
        products.append(
            {
                "adjustable_quantity": {"enabled": False, "maximum": None, "minimum": 1},
                "prices": prices,
                "product": product["id"],
            }
        )
    return products


def _apply_features(
    state: EmulatorState, configuration: dict[str, Any], features: dict[str, Any]
) -> None:
    current = configuration["features"]
    for name in features:
        if name not in current:
            raise invalid_request_error(
                f"Received unknown parameter: features[{name}]", param=f"features[{name}]"
            )
    for name in ("customer_update", "invoice_history", "payment_method_update"):
        settings = optional_hash(features, name)
        if settings is None:
            continue
        enabled = _enabled(settings)
        if enabled is not None:
            current[name]["enabled"] = enabled
        if name == "customer_update" and "allowed_updates" in settings:
            current[name]["allowed_updates"] = string_list(settings, "allowed_updates")
    cancel = optional_hash(features, "subscription_cancel")
    if cancel is not None:
        param = "features[subscription_cancel]"
        enabled = _enabled(cancel)
        if enabled is not None:
            current["subscription_cancel"]["enabled"] = enabled
        mode = _choice(cancel, "mode", CANCEL_MODES, param)
        if mode is not None:
            current["subscription_cancel"]["mode"] = mode
        proration = _choice(cancel, "proration_behavior", PRORATION_BEHAVIOURS, param)
        if proration is not None:
            current["subscription_cancel"]["proration_behavior"] = proration
    update = optional_hash(features, "subscription_update")
    if update is not None:
        param = "features[subscription_update]"
        target = current["subscription_update"]
        enabled = _enabled(update)
        if enabled is not None:
            target["enabled"] = enabled
        if "default_allowed_updates" in update:
            allowed = string_list(update, "default_allowed_updates")
            for value in allowed:
                if value not in ALLOWED_UPDATES:
                    raise invalid_request_error(
                        f"Invalid default_allowed_updates: {value}",
                        param=f"{param}[default_allowed_updates]",
                    )
            target["default_allowed_updates"] = allowed
        if "products" in update:
            target["products"] = _products(state, update["products"], f"{param}[products]")
        proration = _choice(update, "proration_behavior", PRORATION_BEHAVIOURS, param)
        if proration is not None:
            target["proration_behavior"] = proration
    switching = current["subscription_update"]
    if switching["enabled"] and not (
        switching["default_allowed_updates"] and switching["products"]
    ):
        raise invalid_request_error(
            "When subscription_update is enabled, default_allowed_updates and products must "
            "be set.",
            param="features[subscription_update]",
        )


def _apply_configuration_params(context: RequestContext, configuration: dict[str, Any]) -> None:
    params = context.params
    profile = optional_hash(params, "business_profile")
    if profile is not None:
        for key in ("headline", "privacy_policy_url", "terms_of_service_url"):
            if key in profile:
                configuration["business_profile"][key] = profile[key] or None
    if "default_return_url" in params:
        configuration["default_return_url"] = _url(params, "default_return_url")
    if "name" in params:
        configuration["name"] = optional_string(params, "name")
    if "active" in params:
        configuration["active"] = bool(optional_boolean(params, "active"))
    features = optional_hash(params, "features")
    if features is not None:
        _apply_features(context.state, configuration, features)
    configuration["metadata"] = merged_metadata(configuration["metadata"], params)


def _url(params: dict[str, Any], name: str) -> str | None:
    value = optional_string(params, name)
    if value is not None:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise invalid_request_error("Not a valid URL", param=name, code="url_invalid")
    return value


def _configuration_create(context: RequestContext) -> dict[str, Any]:
    state, params = context.state, context.params
    reject_unknown_parameters(
        params,
        {"business_profile", "default_return_url", "expand", "features", "metadata", "name"},
    )
    if optional_hash(params, "features") is None:
        raise invalid_request_error("Missing required param: features.", param="features")
    configuration = {
        "id": state.new_id("bpc"),
        "object": CONFIGURATION_OBJECT,
        "active": True,
        "application": None,
        "business_profile": {
            "headline": None,
            "privacy_policy_url": None,
            "terms_of_service_url": None,
        },
        "created": state.now(),
        "default_return_url": None,
        "features": _default_features(),
        # The Dashboard's default configuration is the default; those made through the API
        # are not.
        "is_default": False,
        "livemode": False,
        "login_page": {"enabled": False, "url": None},
        "metadata": {},
        "name": None,
        "updated": state.now(),
    }
    _apply_configuration_params(context, configuration)
    state.insert(configuration)
    state.emit_event("billing_portal.configuration.created", configuration)
    return context.respond(configuration)


def _configuration_update(context: RequestContext, configuration_id: str) -> dict[str, Any]:
    state = context.state
    reject_unknown_parameters(
        context.params,
        {
            "active",
            "business_profile",
            "default_return_url",
            "expand",
            "features",
            "metadata",
            "name",
        },
    )
    configuration = state.require(configuration_id, CONFIGURATION_OBJECT, label="configuration")
    before = state.render(configuration)
    _apply_configuration_params(context, configuration)
    changes = previous_attributes(before, state.render(configuration))
    if changes:
        configuration["updated"] = state.now()
        state.emit_event("billing_portal.configuration.updated", configuration, changes)
    return context.respond(configuration)


def _configuration_retrieve(context: RequestContext, configuration_id: str) -> dict[str, Any]:
    return context.respond(
        context.state.require(configuration_id, CONFIGURATION_OBJECT, label="configuration")
    )


def _configuration_list(context: RequestContext) -> dict[str, Any]:
    active = optional_boolean(context.params, "active")
    is_default = optional_boolean(context.params, "is_default")
    configurations = context.state.list_objects(
        CONFIGURATION_OBJECT,
        lambda item: (
            (active is None or item["active"] == active)
            and (is_default is None or item["is_default"] == is_default)
        ),
    )
    return context.list_response(configurations, "/v1/billing_portal/configurations")


# Sessions ------------------------------------------------------------------------------------


def _session_create(context: RequestContext) -> dict[str, Any]:
    state, params = context.state, context.params
    reject_unknown_parameters(
        params, {"configuration", "customer", "expand", "locale", "return_url"}
    )
    customer_id = optional_string(params, "customer")
    if customer_id is None:
        raise invalid_request_error("Missing required param: customer.", param="customer")
    state.require(customer_id, "customer", param="customer")
    configuration_id = optional_string(params, "configuration")
    if configuration_id is None:
        defaults = state.list_objects(CONFIGURATION_OBJECT, lambda item: item["is_default"])
        if not defaults:
            raise invalid_request_error(
                "No configuration provided and your test mode default configuration has not "
                "been created. Provide a configuration or create your default by saving your "
                "customer portal settings in test mode at "
                "https://dashboard.stripe.com/test/settings/billing/portal."
            )
        configuration = defaults[0]
    else:
        configuration = state.require(
            configuration_id, CONFIGURATION_OBJECT, label="configuration", param="configuration"
        )
    if not configuration["active"]:
        raise invalid_request_error("The configuration is not active.", param="configuration")
    session_id = state.new_id("bps")
    session = state.insert(
        {
            "id": session_id,
            "object": SESSION_OBJECT,
            "configuration": configuration["id"],
            "created": state.now(),
            "customer": customer_id,
            "customer_account": None,
            "flow": None,
            "livemode": False,
            "locale": optional_string(params, "locale"),
            "on_behalf_of": None,
            "return_url": _url(params, "return_url") or configuration["default_return_url"],
            "url": page_url(context, "portal", session_id),
        }
    )
    state.emit_event("billing_portal.session.created", session)
    return context.respond(session)


def register_routes(router: Router) -> None:
    router.add("POST", "/v1/billing_portal/configurations", _configuration_create)
    router.add("GET", "/v1/billing_portal/configurations", _configuration_list)
    router.add(
        "GET", "/v1/billing_portal/configurations/{configuration_id}", _configuration_retrieve
    )
    router.add(
        "POST", "/v1/billing_portal/configurations/{configuration_id}", _configuration_update
    )
    router.add("POST", "/v1/billing_portal/sessions", _session_create)


# The portal's pages --------------------------------------------------------------------------


def _portal_context(state: EmulatorState, path: str, params: dict[str, Any]) -> RequestContext:
    """What the API's own handlers need to make a change the customer asked for on the page."""
    return RequestContext(
        state=state, method="POST", path=path, params=params, api_key="", request_id=""
    )


def _price_label(state: EmulatorState, price: dict[str, Any]) -> str:
    product = state.objects.get(price["product"], {})
    recurring = price.get("recurring") or {}
    interval = recurring.get("interval", "")
    count = recurring.get("interval_count") or 1
    every = interval if count == 1 else f"{count} {interval}s"
    amount = format_amount(price.get("unit_amount") or 0, price["currency"])
    return f"{product.get('name', 'Plan')} — {amount} {price['currency'].upper()} / {every}"


def _allowed_prices(state: EmulatorState, configuration: dict[str, Any]) -> list[str]:
    switching = configuration["features"]["subscription_update"]
    if not switching["enabled"] or "price" not in switching["default_allowed_updates"]:
        return []
    return [price for product in switching["products"] for price in product["prices"]]


def _customer_subscriptions(state: EmulatorState, customer_id: str) -> list[dict[str, Any]]:
    return state.list_objects(
        "subscription",
        lambda item: item["customer"] == customer_id and item["status"] in LIVE_STATUSES,
    )


def _subscription_section(
    state: EmulatorState,
    session: dict[str, Any],
    configuration: dict[str, Any],
    subscription: dict[str, Any],
) -> str:
    base = f"/pages/portal/{session['id']}/subscriptions/{subscription['id']}"
    items = subscription_items(state, subscription["id"])
    current_prices = [item["price"] for item in items]
    labels = ", ".join(
        escape(_price_label(state, state.objects[price])) for price in current_prices
    )
    status = subscription["status"]
    parts = [f"<section><h2>{labels}</h2><p>Status: {escape(status)}"]
    if subscription["cancel_at_period_end"]:
        parts.append(" — cancels at the end of the current period")
    parts.append("</p>")
    features = configuration["features"]
    choices = [
        price
        for price in _allowed_prices(state, configuration)
        if price not in current_prices
        and state.objects[price]["currency"] == subscription["currency"]
    ]
    if choices and len(items) == 1 and not subscription["cancel_at_period_end"]:
        options = "".join(
            f"<option value='{escape(price)}'>{escape(_price_label(state, state.objects[price]))}"
            "</option>"
            for price in choices
        )
        parts.append(
            f"<form method=post action='{escape(base)}/update'>"
            f"<label>Switch plan <select name=price>{options}</select></label>"
            "<button type=submit>Update plan</button></form>"
        )
    if features["subscription_cancel"]["enabled"]:
        if subscription["cancel_at_period_end"]:
            parts.append(
                f"<form method=post action='{escape(base)}/renew'>"
                "<button type=submit>Renew plan</button></form>"
            )
        else:
            parts.append(
                f"<form method=post action='{escape(base)}/cancel'>"
                "<button type=submit>Cancel plan</button></form>"
            )
    parts.append("</section>")
    return "".join(parts)


def _portal_page(
    request: PageRequest,
    session: dict[str, Any],
    *,
    status: int = 200,
    error: str = "",
) -> PageResponse:
    state = request.state
    configuration = state.objects[session["configuration"]]
    customer = state.objects[session["customer"]]
    features = configuration["features"]
    parts: list[str] = []
    headline = configuration["business_profile"]["headline"]
    if headline:
        parts.append(f"<p>{escape(headline)}</p>")
    if error:
        parts.append(f"<p class=error role=alert>{escape(error)}</p>")
    notice = request.query.get("notice")
    if notice:
        parts.append(f"<p role=status>{escape(notice)}</p>")
    parts.append(f"<p>Signed in as {escape(customer.get('email') or customer['id'])}</p>")
    subscriptions = _customer_subscriptions(state, customer["id"])
    parts.append("<h2>Current plan</h2>" if subscriptions else "<p>No active subscription.</p>")
    for subscription in subscriptions:
        parts.append(_subscription_section(state, session, configuration, subscription))
    if features["payment_method_update"]["enabled"]:
        default_id = customer["invoice_settings"]["default_payment_method"]
        default = state.objects.get(default_id or "")
        if default is not None:
            parts.append(
                f"<h2>Payment method</h2><p>{escape(default['card']['brand'].title())} "
                f"•••• {escape(default['card']['last4'])}</p>"
            )
        else:
            parts.append("<h2>Payment method</h2><p>None on file.</p>")
        parts.append(
            f"<form method=post action='/pages/portal/{escape(session['id'])}/payment-method'>"
            f"{card_form_fields()}<button type=submit>Add payment method</button></form>"
        )
    if features["invoice_history"]["enabled"]:
        invoices = [
            invoice
            for invoice in state.list_objects(
                "invoice", lambda item: item["customer"] == customer["id"]
            )
            if invoice["status"] != "draft"
        ]
        rows = "".join(
            f"<li><a href='{escape(invoice['hosted_invoice_url'])}'>"
            f"{escape(invoice['number'] or invoice['id'])}</a> "
            f"{escape(format_amount(invoice['amount_due'], invoice['currency']))} "
            f"{escape(invoice['currency'].upper())} — {escape(invoice['status'])}</li>"
            for invoice in invoices
        )
        parts.append(f"<h2>Invoice history</h2><ul>{rows}</ul>")
    if session["return_url"]:
        parts.append(
            f"<p><a id=return href='/pages/portal/{escape(session['id'])}/return'>"
            "Return to the app</a></p>"
        )
    return html_response(status, "Billing portal", "".join(parts))


def _back_to_portal(session: dict[str, Any], notice: str) -> PageResponse:
    return redirect_response(f"/pages/portal/{session['id']}?notice={quote(notice)}")


def _subscription_action(
    request: PageRequest, session: dict[str, Any], subscription_id: str, action: str
) -> PageResponse:
    state = request.state
    configuration = state.objects[session["configuration"]]
    subscription = state.find(subscription_id, "subscription")
    if subscription is None or subscription["customer"] != session["customer"]:
        return html_response(404, "Not found", "<p>This subscription does not exist.</p>")
    path = f"/v1/subscriptions/{subscription_id}"
    if action in ("cancel", "renew"):
        if not configuration["features"]["subscription_cancel"]["enabled"]:
            return _portal_page(request, session, status=403, error="Cancelling is not offered.")
        params: dict[str, Any] = {"cancel_at_period_end": action == "cancel"}
        subscription_update(_portal_context(state, path, params), subscription_id)
        notice = (
            "Your plan will be cancelled at the end of the period."
            if action == "cancel"
            else "Your plan was renewed."
        )
        return _back_to_portal(session, notice)
    if action == "update":
        price_id = request.form.get("price", "")
        items = subscription_items(state, subscription_id)
        if price_id not in _allowed_prices(state, configuration) or len(items) != 1:
            return _portal_page(
                request, session, status=400, error="That plan cannot be chosen here."
            )
        proration = configuration["features"]["subscription_update"]["proration_behavior"]
        params = {
            "items": [{"id": items[0]["id"], "price": price_id}],
            "proration_behavior": proration,
        }
        subscription_update(_portal_context(state, path, params), subscription_id)
        return _back_to_portal(session, "Your plan was updated.")
    return html_response(404, "Not found", "<p>This page does not exist.</p>")


def _default_payment_method_set(
    state: EmulatorState, customer: dict[str, Any], payment_method_id: str
) -> None:
    """The new card pays the customer's invoices and the subscriptions that name a card."""
    before = state.render(customer)
    customer["invoice_settings"]["default_payment_method"] = payment_method_id
    changes = previous_attributes(before, state.render(customer))
    if changes:
        state.emit_event("customer.updated", customer, changes)
    for subscription in _customer_subscriptions(state, customer["id"]):
        if subscription["default_payment_method"] not in (None, payment_method_id):
            before = state.render(subscription)
            subscription["default_payment_method"] = payment_method_id
            state.emit_event(
                "customer.subscription.updated",
                subscription,
                previous_attributes(before, state.render(subscription)),
            )


def _payment_method_action(request: PageRequest, session: dict[str, Any]) -> PageResponse:
    state = request.state
    configuration = state.objects[session["configuration"]]
    if not configuration["features"]["payment_method_update"]["enabled"]:
        return _portal_page(request, session, status=403, error="Updating cards is not offered.")
    token = card_number_token(request.form.get("card_number", ""))
    if token is None:
        return _portal_page(request, session, status=400, error="Your card number is invalid.")
    customer = state.objects[session["customer"]]
    setup_intent = setup_intent_insert(
        state,
        customer_id=customer["id"],
        usage="off_session",
        payment_method_types=["card"],
    )
    try:
        setup_intent["payment_method"] = payment_method_resolve(state, token)["id"]
        setup_intent["status"] = "requires_confirmation"
        error = setup_intent_confirm(state, setup_intent, return_url=None)
    except StripeApiError as refused:
        return _portal_page(request, session, status=402, error=refused.message)
    if error is not None:
        return _portal_page(request, session, status=402, error=error.message)
    if setup_intent["status"] == "requires_action":
        action = f"/pages/portal/{escape(session['id'])}/authenticate/{escape(setup_intent['id'])}"
        return html_response(
            200,
            "Authenticate your card",
            "<p>Your bank asks you to confirm this card (3-D Secure test).</p>"
            f"<form method=post action='{action}'>"
            "<button name=outcome value=succeed type=submit>Complete authentication</button>"
            "<button name=outcome value=fail type=submit>Fail authentication</button></form>",
        )
    _default_payment_method_set(state, customer, setup_intent["payment_method"])
    return _back_to_portal(session, "Your payment method was updated.")


def _authentication_action(
    request: PageRequest, session: dict[str, Any], setup_intent_id: str
) -> PageResponse:
    state = request.state
    setup_intent = state.find(setup_intent_id, "setup_intent")
    if setup_intent is None or setup_intent["customer"] != session["customer"]:
        return html_response(404, "Not found", "<p>This page does not exist.</p>")
    try:
        setup_intent_complete_authentication(
            state, setup_intent, succeed=request.form.get("outcome") == "succeed"
        )
    except StripeApiError as refused:
        return _portal_page(request, session, status=400, error=refused.message)
    if setup_intent["status"] != "succeeded":
        return _portal_page(
            request, session, status=402, error="We are unable to authenticate your card."
        )
    customer = state.objects[session["customer"]]
    _default_payment_method_set(state, customer, setup_intent["payment_method"])
    return _back_to_portal(session, "Your payment method was updated.")


@page("portal")
def portal_page(request: PageRequest) -> PageResponse:
    state = request.state
    with state.lock:
        if not request.segments:
            return html_response(404, "Not found", "<p>This page does not exist.</p>")
        session = state.find(request.segments[0], SESSION_OBJECT)
        if session is None:
            return html_response(404, "Not found", "<p>This portal session does not exist.</p>")
        rest = request.segments[1:]
        if request.method == "GET" and not rest:
            return _portal_page(request, session)
        if request.method == "GET" and rest == ["return"]:
            if not session["return_url"]:
                return html_response(404, "Not found", "<p>There is nowhere to return to.</p>")
            return redirect_response(session["return_url"])
        if request.method != "POST":
            return html_response(405, "Method not allowed", "<p>Use the page's forms.</p>")
        # The customer acts at their test clock's time, as an API request about them would.
        state.frozen_time = request_frozen_time(state, {"customer": session["customer"]}, [])
        try:
            if len(rest) == 3 and rest[0] == "subscriptions":
                return _subscription_action(request, session, rest[1], rest[2])
            if rest == ["payment-method"]:
                return _payment_method_action(request, session)
            if len(rest) == 2 and rest[0] == "authenticate":
                return _authentication_action(request, session, rest[1])
        except StripeApiError as refused:
            return _portal_page(request, session, status=400, error=refused.message)
        finally:
            state.frozen_time = None
        return html_response(404, "Not found", "<p>This page does not exist.</p>")


__all__ = ["portal_page", "register_routes"]
