"""Checkout Sessions (`/v1/checkout/sessions`) and the hosted Checkout page a customer pays on.

A session is created `open` with its `url` (the emulator's `/pages/checkout/{id}`). The page
shows what is bought and a card form; submitting it pays (payment mode: a PaymentIntent created
and confirmed), subscribes (subscription mode: the subscription created with the card as its
and the customer's default) or saves the card (setup mode: a SetupIntent), each through the
same code as the API, so the same events follow in Stripe's order, then
`checkout.session.completed` and a 303 to `success_url`. A declined card re-renders the form
with Stripe's message and the session stays open; a card that asks for authentication shows a
challenge page first. A session expires at `expires_at` (the emulator's clock, or its
customer's test clock) or when expired through the API: `checkout.session.expired`."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from stripe_emulator import customers as customer_module
from stripe_emulator.coupons import discount_check, promotion_code_find
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
    unknown_parameter_error,
)
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
from stripe_emulator.money import MINIMUM_CHARGE_AMOUNT_MINOR, format_amount
from stripe_emulator.parameters import (
    merged_metadata,
    optional_boolean,
    optional_hash,
    optional_integer,
    optional_list,
    optional_string,
    reject_unknown_parameters,
    required_currency,
    timestamp_filter_matches,
)
from stripe_emulator.payments import (
    payment_intent_complete_authentication,
    payment_intent_confirm,
    payment_intent_create,
)
from stripe_emulator.routing import RequestContext, Router
from stripe_emulator.setup_intents import (
    setup_intent_create,
    setup_intent_fail,
    setup_intent_succeed,
)
from stripe_emulator.state import EmulatorState, previous_attributes, random_token, render_hook

SESSION_OBJECT = "checkout.session"
# Stripe's bounds on expires_at: 30 minutes to 24 hours after creation; 24 hours by default.
MINIMUM_EXPIRY_SECONDS = 30 * 60
MAXIMUM_EXPIRY_SECONDS = 24 * 60 * 60
MODES = ("payment", "setup", "subscription")
# What this emulator implements of Stripe's parameters; Stripe's own definitions refuse the rest.
EMULATED_PARAMETERS = {
    "mode",
    "customer",
    "customer_email",
    "line_items",
    "success_url",
    "cancel_url",
    "metadata",
    "subscription_data",
    "payment_intent_data",
    "setup_intent_data",
    "currency",
    "expires_at",
    "client_reference_id",
    "payment_method_types",
    "ui_mode",
    "redirect_on_completion",
    "return_url",
    "allow_promotion_codes",
    "discounts",
}


def _reject_unknown_nested(values: dict[str, Any], name: str, allowed: set[str]) -> None:
    """What Stripe accepts in a hash but the emulator does not emulate is refused by name."""
    for key in values:
        if key not in allowed:
            error = unknown_parameter_error(f"{name}[{key}]")
            error.message += " (Stripe accepts it; the emulator does not emulate it)"
            raise error


# The session object -------------------------------------------------------------------------


def _valid_url(params: dict[str, Any], name: str) -> str | None:
    value = optional_string(params, name)
    if value is not None:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise invalid_request_error("Not a valid URL", param=name, code="url_invalid")
    return value


def _inline_price(
    state: EmulatorState, price_data: dict[str, Any], position: int, mode: str
) -> dict[str, Any]:
    """`line_items[n][price_data]`: Stripe makes an inline price (and product) nobody lists."""
    from stripe_emulator.catalog import product_build

    param = f"line_items[{position}][price_data]"
    currency = required_currency(price_data, "currency")
    unit_amount = optional_integer(price_data, "unit_amount")
    if unit_amount is None:
        raise missing_parameter_error(f"{param}[unit_amount]")
    if unit_amount < 0:
        raise invalid_request_error("Invalid integer", param=f"{param}[unit_amount]")
    product_id = optional_string(price_data, "product")
    product_data = optional_hash(price_data, "product_data")
    if product_id is not None:
        state.require(product_id, "product", param=f"{param}[product]")
    elif product_data is not None and optional_string(product_data, "name"):
        product = product_build(state, state.new_id("prod", 14), str(product_data["name"]))
        product["description"] = optional_string(product_data, "description")
        product["metadata"] = merged_metadata({}, product_data)
        product_id = state.insert(product)["id"]
    else:
        raise missing_parameter_error(f"{param}[product_data][name]")
    recurring_params = optional_hash(price_data, "recurring")
    if mode == "payment" and recurring_params:
        raise invalid_request_error(
            "You must use `subscription` mode to provide recurring prices.",
            param=f"{param}[recurring]",
        )
    recurring = None
    if recurring_params:
        recurring = {
            "interval": recurring_params.get("interval"),
            "interval_count": optional_integer(recurring_params, "interval_count") or 1,
            "meter": None,
            "trial_period_days": None,
            "usage_type": "licensed",
        }
    return state.insert(
        {
            "id": state.new_id("price"),
            "object": "price",
            "active": False,
            "billing_scheme": "per_unit",
            "created": state.now(),
            "currency": currency,
            "custom_unit_amount": None,
            "livemode": False,
            "lookup_key": None,
            "metadata": {},
            "nickname": None,
            "product": product_id,
            "recurring": recurring,
            "tax_behavior": optional_string(price_data, "tax_behavior") or "unspecified",
            "tiers_mode": None,
            "transform_quantity": None,
            "type": "recurring" if recurring else "one_time",
            "unit_amount": unit_amount,
            "unit_amount_decimal": str(unit_amount),
            "_tiers": None,
        }
    )


def _line_items(state: EmulatorState, params: dict[str, Any], mode: str) -> list[dict[str, Any]]:
    """The session's line items (Stripe's `item` objects), checked as Stripe checks them."""
    raw_items = optional_list(params, "line_items") or []
    if mode in ("payment", "subscription") and not raw_items:
        raise missing_parameter_error("line_items")
    if mode == "setup" and raw_items:
        raise invalid_request_error(
            "You cannot pass `line_items` in `setup` mode.", param="line_items"
        )
    items: list[dict[str, Any]] = []
    for position, raw in enumerate(raw_items):
        if not isinstance(raw, dict):
            raise invalid_request_error("Invalid hash", param=f"line_items[{position}]")
        price_id = optional_string(raw, "price")
        price_data = optional_hash(raw, "price_data")
        if (price_id is None) == (price_data is None):
            raise invalid_request_error(
                "You must specify either `price` or `price_data` for each line item.",
                param=f"line_items[{position}]",
            )
        if price_id is not None:
            price = state.require(price_id, "price", param=f"line_items[{position}][price]")
            if not price["active"]:
                raise invalid_request_error(
                    "The price specified is inactive. This field only accepts active prices.",
                    param=f"line_items[{position}][price]",
                )
        else:
            assert price_data is not None
            price = _inline_price(state, price_data, position, mode)
        metered = (price["recurring"] or {}).get("usage_type") == "metered"
        quantity = optional_integer(raw, "quantity")
        if metered and quantity is not None:
            raise invalid_request_error(
                "Quantity should not be specified where usage_type is `metered`. Remove "
                "quantity from `line_items`.",
                param=f"line_items[{position}][quantity]",
            )
        if not metered and quantity is None:
            raise missing_parameter_error(f"line_items[{position}][quantity]")
        if mode == "payment" and price["type"] == "recurring":
            raise invalid_request_error(
                "You specified `payment` mode but passed a recurring price. Either switch to "
                "`subscription` mode or use only one-time prices.",
                param=f"line_items[{position}][price]",
            )
        if mode == "subscription" and price["type"] != "recurring":
            raise invalid_request_error(
                "You must specify at least one recurring price in `subscription` mode when "
                "using prices.",
                param=f"line_items[{position}][price]",
            )
        amount = 0 if metered else (price["unit_amount"] or 0) * (quantity or 1)
        product = state.objects.get(price["product"]) or {}
        items.append(
            {
                "id": state.new_id("li", 24),
                "object": "item",
                "adjustable_quantity": None,
                "amount_discount": 0,
                "amount_subtotal": amount,
                "amount_tax": 0,
                "amount_total": amount,
                "currency": price["currency"],
                "description": product.get("name"),
                "metadata": {},
                "price": price["id"],
                "quantity": quantity,
            }
        )
    if len({item["currency"] for item in items}) > 1:
        raise invalid_request_error(
            "All line items must have the same currency.", param="line_items"
        )
    return items


def _expiry(state: EmulatorState, params: dict[str, Any]) -> int:
    now = state.now()
    expires_at = optional_integer(params, "expires_at")
    if expires_at is None:
        return now + MAXIMUM_EXPIRY_SECONDS
    if not now + MINIMUM_EXPIRY_SECONDS <= expires_at <= now + MAXIMUM_EXPIRY_SECONDS:
        raise invalid_request_error(
            "The `expires_at` timestamp must be between 30 minutes and 24 hours after the "
            "Checkout Session is created.",
            param="expires_at",
        )
    return expires_at


def _session_currency(params: dict[str, Any], mode: str, items: list[dict[str, Any]]) -> str | None:
    if items:
        return str(items[0]["currency"])
    if mode == "setup":
        # Setup mode takes a currency only for payment methods that need one (not cards).
        if "currency" in params:
            return required_currency(params)
        return None
    return None


def _customer_details(customer: dict[str, Any] | None, email: str | None) -> dict[str, Any]:
    return {
        "address": None,
        "business_name": None,
        "email": (customer or {}).get("email") or email,
        "individual_name": None,
        "name": (customer or {}).get("name"),
        "phone": (customer or {}).get("phone"),
        "tax_exempt": (customer or {}).get("tax_exempt") or "none",
        "tax_ids": [],
    }


def _session_discounts(
    state: EmulatorState,
    params: dict[str, Any],
    mode: str,
    *,
    customer_id: str | None,
    currency: str | None,
) -> tuple[bool | None, list[dict[str, str]]]:
    """`allow_promotion_codes` or one of `discounts` (Stripe takes one or the other), checked
    now and redeemed when the buyer subscribes. Payment mode's discounts are not emulated."""
    allow = optional_boolean(params, "allow_promotion_codes")
    entries = optional_list(params, "discounts") or []
    if allow and entries:
        raise invalid_request_error(
            "You may only specify one of these parameters: allow_promotion_codes, discounts.",
            param="discounts",
        )
    if (allow or entries) and mode != "subscription":
        raise invalid_request_error(
            "Discounts on Checkout Sessions in payment or setup mode are not emulated.",
            param="discounts" if entries else "allow_promotion_codes",
        )
    if len(entries) > 1:
        raise invalid_request_error(
            "You may only specify one discount on a Checkout Session.", param="discounts"
        )
    checked = []
    for position, entry in enumerate(entries):
        if not isinstance(entry, dict) or (
            bool(entry.get("coupon")) == bool(entry.get("promotion_code"))
        ):
            raise invalid_request_error(
                "You must pass exactly one of coupon or promotion_code.",
                param=f"discounts[{position}]",
            )
        discount_check(
            state,
            entry,
            customer_id=customer_id or "",
            currency=currency,
            param=f"discounts[{position}]",
        )
        checked.append({key: str(value) for key, value in entry.items() if value})
    return allow, checked


def _session_create(context: RequestContext) -> dict[str, Any]:
    """`POST /v1/checkout/sessions`, checked in the order Stripe reports its errors. Long
    because it spells out the session object field by field, as the pinned version has it."""
    state, params = context.state, context.params
    reject_unknown_parameters(params, EMULATED_PARAMETERS)
    mode = optional_string(params, "mode")
    if mode is None:
        raise missing_parameter_error("mode")
    if mode not in MODES:
        raise invalid_request_error(
            f"Invalid mode: must be one of {', '.join(MODES)}", param="mode"
        )
    ui_mode = optional_string(params, "ui_mode") or "hosted_page"
    if ui_mode != "hosted_page":
        raise invalid_request_error(
            "The emulator serves hosted Checkout only (ui_mode=hosted_page).", param="ui_mode"
        )
    success_url = _valid_url(params, "success_url")
    if success_url is None:
        raise missing_parameter_error("success_url")
    cancel_url = _valid_url(params, "cancel_url")
    customer_id = optional_string(params, "customer")
    customer = state.require(customer_id, "customer", param="customer") if customer_id else None
    customer_email = optional_string(params, "customer_email")
    if customer is not None and customer_email is not None:
        raise invalid_request_error(
            "You may only specify one of these parameters: customer, customer_email.",
            param="customer_email",
        )
    subscription_data = optional_hash(params, "subscription_data")
    if subscription_data is not None and mode != "subscription":
        raise invalid_request_error(
            "You can only specify `subscription_data` in `subscription` mode.",
            param="subscription_data",
        )
    payment_intent_data = optional_hash(params, "payment_intent_data")
    if payment_intent_data is not None and mode != "payment":
        raise invalid_request_error(
            "You can only specify `payment_intent_data` in `payment` mode.",
            param="payment_intent_data",
        )
    setup_intent_data = optional_hash(params, "setup_intent_data")
    if setup_intent_data is not None and mode != "setup":
        raise invalid_request_error(
            "You can only specify `setup_intent_data` in `setup` mode.",
            param="setup_intent_data",
        )
    if subscription_data:
        _reject_unknown_nested(
            subscription_data, "subscription_data", {"trial_period_days", "metadata", "description"}
        )
        trial_days = optional_integer(subscription_data, "trial_period_days")
        if trial_days is not None and not 1 <= trial_days <= 730:
            raise invalid_request_error(
                "The trial_period_days must be between 1 and 730.",
                param="subscription_data[trial_period_days]",
            )
    if payment_intent_data:
        _reject_unknown_nested(
            payment_intent_data,
            "payment_intent_data",
            {"metadata", "setup_future_usage", "description"},
        )
        usage = optional_string(payment_intent_data, "setup_future_usage")
        if usage is not None and usage not in ("on_session", "off_session"):
            raise invalid_request_error(
                "Invalid setup_future_usage", param="payment_intent_data[setup_future_usage]"
            )
    items = _line_items(state, params, mode)
    currency = _session_currency(params, mode, items)
    allow_promotion_codes, discount_entries = _session_discounts(
        state, params, mode, customer_id=customer_id, currency=currency
    )
    amount_total = sum(item["amount_total"] for item in items)
    if mode == "payment" and amount_total < MINIMUM_CHARGE_AMOUNT_MINOR and currency:
        raise invalid_request_error(
            f"The Checkout Session's total amount due must add up to at least "
            f"{format_amount(MINIMUM_CHARGE_AMOUNT_MINOR, currency)} {currency}",
            param="line_items",
        )
    expires_at = _expiry(state, params)
    on_trial = bool(optional_integer(subscription_data or {}, "trial_period_days"))
    due_today = 0 if on_trial else amount_total
    session_id = "cs_test_" + random_token(58)
    setup_intent = None
    if mode == "setup":
        setup_intent = setup_intent_create(
            state,
            customer_id=customer_id,
            metadata=merged_metadata({}, setup_intent_data or {}),
            description=optional_string(setup_intent_data or {}, "description"),
        )
    session = {
        "id": session_id,
        "object": SESSION_OBJECT,
        "adaptive_pricing": {"enabled": False},
        "after_expiration": None,
        "allow_promotion_codes": allow_promotion_codes,
        # What is due today: nothing on a trial.
        "amount_subtotal": due_today if mode != "setup" else None,
        "amount_total": due_today if mode != "setup" else None,
        "automatic_tax": {"enabled": False, "liability": None, "provider": None, "status": None},
        "billing_address_collection": None,
        "branding_settings": None,
        "cancel_url": cancel_url,
        "client_reference_id": optional_string(params, "client_reference_id"),
        "client_secret": None,
        "collected_information": None,
        "consent": None,
        "consent_collection": None,
        "created": state.now(),
        "currency": currency,
        "currency_conversion": None,
        "custom_fields": [],
        "custom_text": {
            "after_submit": None,
            "shipping_address": None,
            "submit": None,
            "terms_of_service_acceptance": None,
        },
        "customer": customer_id,
        "customer_account": None,
        "customer_creation": None if customer_id else "if_required",
        "customer_details": (
            _customer_details(customer, customer_email)
            if customer is not None or customer_email
            else None
        ),
        "customer_email": customer_email,
        "discounts": [
            {"coupon": entry.get("coupon"), "promotion_code": entry.get("promotion_code")}
            for entry in discount_entries
        ],
        "excluded_payment_method_types": [],
        "expires_at": expires_at,
        "integration_identifier": None,
        "invoice": None,
        "invoice_creation": (
            {
                "enabled": False,
                "invoice_data": {
                    "account_tax_ids": None,
                    "custom_fields": None,
                    "description": None,
                    "footer": None,
                    "issuer": None,
                    "metadata": {},
                    "rendering_options": None,
                },
            }
            if mode == "payment"
            else None
        ),
        "livemode": False,
        "locale": None,
        "managed_payments": None,
        "metadata": merged_metadata({}, params),
        "mode": mode,
        "name_collection": None,
        "optional_items": [],
        "origin_context": None,
        # Since API 2022-08-01 the PaymentIntent is made when the customer pays.
        "payment_intent": None,
        "payment_link": None,
        "payment_method_collection": "always" if mode != "payment" else None,
        "payment_method_configuration_details": None,
        "payment_method_options": {"card": {"request_three_d_secure": "automatic"}},
        "payment_method_types": ["card"],
        "payment_status": "no_payment_required" if mode == "setup" else "unpaid",
        "permissions": None,
        "phone_number_collection": {"enabled": False},
        "recovered_from": None,
        "redirect_on_completion": None,
        "return_url": None,
        "saved_payment_method_options": (
            {
                "allow_redisplay_filters": ["always"],
                "payment_method_remove": None,
                "payment_method_save": None,
            }
            if customer_id and mode != "setup"
            else None
        ),
        "setup_intent": setup_intent["id"] if setup_intent else None,
        "shipping_address_collection": None,
        "shipping_cost": None,
        "shipping_options": [],
        "status": "open",
        "submit_type": None,
        "subscription": None,
        "success_url": success_url,
        "tax_id_collection": {"enabled": False, "required": "never"},
        "total_details": (
            {"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0}
            if mode != "setup"
            else None
        ),
        "ui_mode": ui_mode,
        "url": page_url(context, "checkout", session_id),
        "wallet_options": None,
        "_line_items": items,
        "_subscription_data": subscription_data or {},
        "_payment_intent_data": payment_intent_data or {},
        "_discounts": discount_entries,
        # A session of a test clock's customer expires at that clock's time.
        "_test_clock": (customer or {}).get("test_clock"),
    }
    state.insert(session)
    return context.respond(session)


@render_hook(SESSION_OBJECT)
def _render_session(
    state: EmulatorState, rendered: dict[str, Any], stored: dict[str, Any], expand: set[str]
) -> dict[str, Any]:
    # Stripe includes the line items (and the totals' breakdown) only when expanded.
    if "line_items" in expand:
        data = []
        for item in stored["_line_items"]:
            line = dict(item)
            price = state.objects.get(item["price"])
            line["price"] = state.render(price) if price is not None else None
            line["discounts"] = []
            line["taxes"] = []
            data.append(line)
        rendered["line_items"] = {
            "object": "list",
            "data": data,
            "has_more": False,
            "url": f"/v1/checkout/sessions/{stored['id']}/line_items",
        }
    if "total_details" in expand and isinstance(rendered.get("total_details"), dict):
        rendered["total_details"]["breakdown"] = {"discounts": [], "taxes": []}
    return rendered


def _session_retrieve(context: RequestContext, session_id: str) -> dict[str, Any]:
    return context.respond(
        context.state.require(session_id, SESSION_OBJECT, label="checkout.session")
    )


def _session_list(context: RequestContext) -> dict[str, Any]:
    params = context.params
    customer_id = optional_string(params, "customer")
    status = optional_string(params, "status")
    intent_id = optional_string(params, "payment_intent")
    subscription_id = optional_string(params, "subscription")
    created = params.get("created")
    sessions = context.state.list_objects(
        SESSION_OBJECT,
        lambda session: (
            (customer_id is None or session["customer"] == customer_id)
            and (status is None or session["status"] == status)
            and (intent_id is None or session["payment_intent"] == intent_id)
            and (subscription_id is None or session["subscription"] == subscription_id)
            and timestamp_filter_matches(session["created"], created)
        ),
    )
    return context.list_response(sessions, "/v1/checkout/sessions")


def _session_line_items(context: RequestContext, session_id: str) -> dict[str, Any]:
    session = context.state.require(session_id, SESSION_OBJECT, label="checkout.session")
    rendered = context.state.render(session, ["line_items"])
    return context.state.list_response(
        rendered["line_items"]["data"],
        context.params,
        f"/v1/checkout/sessions/{session_id}/line_items",
        rendered_already=True,
    )


def session_expire(state: EmulatorState, session: dict[str, Any]) -> None:
    session["status"] = "expired"
    session["url"] = None
    intent = state.find(session["payment_intent"], "payment_intent")
    if intent is not None and intent["status"] not in ("succeeded", "canceled"):
        intent["status"] = "canceled"
        intent["canceled_at"] = state.now()
        intent["cancellation_reason"] = "abandoned"
        intent["next_action"] = None
        state.emit_event("payment_intent.canceled", intent)
    setup_intent = state.find(session["setup_intent"], "setup_intent")
    if setup_intent is not None and setup_intent["status"] != "succeeded":
        setup_intent["status"] = "canceled"
        setup_intent["cancellation_reason"] = "abandoned"
        state.emit_event("setup_intent.canceled", setup_intent)
    state.emit_event("checkout.session.expired", session)


def _session_expire(context: RequestContext, session_id: str) -> dict[str, Any]:
    state = context.state
    session = state.require(session_id, SESSION_OBJECT, label="checkout.session")
    if session["status"] != "open":
        raise invalid_request_error(
            f'Only Checkout Sessions with a status in ["open"] can be expired. This '
            f'Checkout Session has a status of "{session["status"]}".'
        )
    session_expire(state, session)
    return context.respond(session)


def sessions_due(
    state: EmulatorState, until: int, test_clock: str | None
) -> list[tuple[int, int, str, dict[str, Any]]]:
    """The open sessions of one clock whose `expires_at` has come, as the clock's due work."""
    return [
        (session["expires_at"], session["_sequence"], "checkout_expire", session)
        for session in state.list_objects(
            SESSION_OBJECT,
            lambda session: (
                session["status"] == "open"
                and session["_test_clock"] == test_clock
                and session["expires_at"] <= until
            ),
        )
    ]


# The hosted page ----------------------------------------------------------------------------


def _amount_text(amount: int, currency: str) -> str:
    return f"{format_amount(amount, currency)} {currency.upper()}"


def _summary_html(state: EmulatorState, session: dict[str, Any]) -> str:
    rows = []
    for item in session["_line_items"]:
        price = state.objects.get(item["price"]) or {}
        recurring = price.get("recurring")
        every = f" every {recurring['interval']}" if recurring else ""
        amount = (
            _amount_text(item["amount_total"], item["currency"]) + every
            if (recurring or {}).get("usage_type") != "metered"
            else "billed by usage"
        )
        quantity = f" × {item['quantity']}" if item["quantity"] and item["quantity"] > 1 else ""
        rows.append(f"<li>{escape(item['description'] or 'Item')}{quantity}: {escape(amount)}</li>")
    trial_days = session["_subscription_data"].get("trial_period_days")
    trial = (
        f"<p class=trial>{escape(trial_days)}-day free trial: nothing is charged today.</p>"
        if trial_days
        else ""
    )
    if session["mode"] == "setup":
        return "<p>Save a card for future payments.</p>"
    total = (
        f"<p>Total due today: <strong>"
        f"{escape(_amount_text(0 if trial_days else session['amount_total'], session['currency']))}"
        "</strong></p>"
    )
    return f"<ul class=items>{''.join(rows)}</ul>{trial}{total}"


def _form_page(
    request: PageRequest, session: dict[str, Any], *, error: str | None = None, status: int = 200
) -> PageResponse:
    state = request.state
    action = f"/pages/checkout/{escape(session['id'])}"
    button = {"payment": "Pay", "subscription": "Subscribe", "setup": "Save card"}[session["mode"]]
    error_html = f"<p class=error role=alert>{escape(error)}</p>" if error else ""
    cancel = (
        f"<p><a class=cancel href='{escape(session['cancel_url'])}'>Cancel and go back</a></p>"
        if session["cancel_url"]
        else ""
    )
    promotion_code_field = (
        "<label>Promotion code <input name=promotion_code autocomplete=off "
        "placeholder='Add promotion code'></label>"
        if session.get("allow_promotion_codes")
        else ""
    )
    body = (
        f"{_summary_html(state, session)}{error_html}"
        f"<form method=post action='{action}'>{card_form_fields()}{promotion_code_field}"
        f"<button type=submit>{button}</button></form>{cancel}"
    )
    return html_response(status, "Checkout", body)


def _authentication_page(session: dict[str, Any]) -> PageResponse:
    action = f"/pages/checkout/{escape(session['id'])}/authenticate"
    body = (
        "<p>Your bank asks you to confirm this card (3-D Secure test page).</p>"
        f"<form method=post action='{action}'>"
        "<button type=submit name=decision value=complete>Complete authentication</button> "
        "<button type=submit name=decision value=fail>Fail authentication</button></form>"
    )
    return html_response(200, "Authenticate your card", body)


def _closed_page(session: dict[str, Any]) -> PageResponse:
    if session["status"] == "complete":
        return html_response(200, "Checkout", "<p>This Checkout Session is already complete.</p>")
    return html_response(
        410,
        "Checkout",
        "<p>This Checkout Session has expired. Return to the site to start again.</p>",
    )


def _session_customer(state: EmulatorState, session: dict[str, Any]) -> dict[str, Any] | None:
    """The session's customer; subscription and setup modes make one when none was given."""
    if session["customer"]:
        return state.objects[session["customer"]]
    if session["mode"] == "payment":
        return None
    customer_context = RequestContext(
        state=state,
        method="POST",
        path="/v1/customers",
        params={"email": session["customer_email"]} if session["customer_email"] else {},
        api_key="",
        request_id=state.current_request_id or "",
    )
    created = customer_module._customer_create(customer_context)
    customer = state.objects[created["id"]]
    session["customer"] = customer["id"]
    return customer


def _card_error_message(error: StripeApiError) -> str:
    return error.message or "Your card was declined."


def _session_complete(
    state: EmulatorState, session: dict[str, Any], payment_method: dict[str, Any]
) -> PageResponse:
    customer = state.objects.get(session["customer"] or "")
    session["status"] = "complete"
    session["url"] = None
    if session["mode"] == "setup":
        session["payment_status"] = "no_payment_required"
    elif session["mode"] == "subscription":
        subscription = state.objects[session["subscription"]]
        invoice = state.objects.get(subscription["latest_invoice"] or "") or {}
        session["invoice"] = invoice.get("id")
        session["payment_status"] = "paid" if invoice.get("amount_paid") else "no_payment_required"
        session["amount_total"] = invoice.get("amount_due", session["amount_total"])
        session["amount_subtotal"] = invoice.get("subtotal", session["amount_subtotal"])
        session["total_details"]["amount_discount"] = sum(
            entry["amount"] for entry in invoice.get("total_discount_amounts") or []
        )
    else:
        session["payment_status"] = "paid"
    details = _customer_details(customer, session["customer_email"])
    details["name"] = details["name"] or payment_method["billing_details"]["name"]
    session["customer_details"] = details
    state.emit_event("checkout.session.completed", session)
    return redirect_response(session["success_url"].replace("{CHECKOUT_SESSION_ID}", session["id"]))


def _pay(
    request: PageRequest, session: dict[str, Any], payment_method: dict[str, Any]
) -> PageResponse:
    state = request.state
    intent_data = session["_payment_intent_data"]
    # One PaymentIntent per session: a retry after a decline confirms it again.
    intent = state.find(session["payment_intent"], "payment_intent")
    if intent is None:
        intent = payment_intent_create(
            state,
            amount=session["amount_total"],
            currency=session["currency"],
            customer_id=session["customer"],
            payment_method_id=payment_method["id"],
            description=optional_string(intent_data, "description"),
            metadata=merged_metadata({}, intent_data),
            setup_future_usage=optional_string(intent_data, "setup_future_usage"),
        )
        session["payment_intent"] = intent["id"]
    else:
        intent["payment_method"] = payment_method["id"]
        intent["status"] = "requires_confirmation"
    error = payment_intent_confirm(
        state,
        intent,
        off_session=False,
        return_url=f"{request.base_url}/pages/checkout/{session['id']}",
    )
    if error is not None:
        return _form_page(request, session, error=_card_error_message(error), status=402)
    if intent["status"] == "requires_action":
        session["_authenticating"] = payment_method["id"]
        return _authentication_page(session)
    return _session_complete(state, session, payment_method)


def _subscribe(
    request: PageRequest, session: dict[str, Any], payment_method: dict[str, Any]
) -> PageResponse:
    """The subscription made as `POST /v1/subscriptions` makes it, paid with the card, which
    becomes the subscription's and the customer's default."""
    from stripe_emulator.subscriptions import subscription_create

    state = request.state
    customer = _session_customer(state, session)
    assert customer is not None
    try:
        payment_method_attach(state, payment_method, customer)
    except StripeApiError as error:
        return _form_page(request, session, error=_card_error_message(error), status=402)
    before = state.render(customer)
    customer["invoice_settings"]["default_payment_method"] = payment_method["id"]
    state.emit_event(
        "customer.updated", customer, previous_attributes(before, state.render(customer))
    )
    subscription_data = session["_subscription_data"]
    params: dict[str, Any] = {
        "customer": customer["id"],
        "items": [
            {"price": item["price"], **({"quantity": item["quantity"]} if item["quantity"] else {})}
            for item in session["_line_items"]
        ],
        "default_payment_method": payment_method["id"],
        "metadata": dict(subscription_data.get("metadata") or {}),
        # A card that cannot pay the first invoice is refused on the page, as Checkout does.
        "payment_behavior": "error_if_incomplete",
    }
    if subscription_data.get("trial_period_days"):
        params["trial_period_days"] = subscription_data["trial_period_days"]
    if subscription_data.get("description"):
        params["description"] = subscription_data["description"]
    typed = (request.form.get("promotion_code") or "").strip()
    if typed and session["allow_promotion_codes"]:
        code = promotion_code_find(state, typed)
        if code is None:
            return _form_page(request, session, error="This code is invalid.", status=400)
        params["discounts"] = [{"promotion_code": code["id"]}]
    elif session["_discounts"]:
        params["discounts"] = [dict(entry) for entry in session["_discounts"]]
    subscription_context = RequestContext(
        state=state,
        method="POST",
        path="/v1/subscriptions",
        params=params,
        api_key="",
        request_id=state.current_request_id or "",
    )
    try:
        subscription = subscription_create(subscription_context)
    except StripeApiError as error:
        return _form_page(request, session, error=_card_error_message(error), status=402)
    session["subscription"] = subscription["id"]
    if subscription["discounts"]:
        discount = state.objects[subscription["discounts"][0]]
        session["discounts"] = [
            {
                "coupon": None if discount["promotion_code"] else discount["source"]["coupon"],
                "promotion_code": discount["promotion_code"],
            }
        ]
    return _session_complete(state, session, payment_method)


def _save_card(
    request: PageRequest, session: dict[str, Any], payment_method: dict[str, Any]
) -> PageResponse:
    state = request.state
    customer = _session_customer(state, session)
    assert customer is not None
    setup_intent = state.objects[session["setup_intent"]]
    setup_intent["customer"] = customer["id"]
    try:
        payment_method_attach(state, payment_method, customer)
    except StripeApiError as error:
        return _form_page(request, session, error=_card_error_message(error), status=402)
    setup_intent_succeed(state, setup_intent, payment_method)
    return _session_complete(state, session, payment_method)


def _proceed(
    request: PageRequest, session: dict[str, Any], payment_method: dict[str, Any]
) -> PageResponse:
    if session["mode"] == "payment":
        return _pay(request, session, payment_method)
    if session["mode"] == "subscription":
        return _subscribe(request, session, payment_method)
    return _save_card(request, session, payment_method)


def _submit(request: PageRequest, session: dict[str, Any]) -> PageResponse:
    state = request.state
    token = card_number_token(request.form.get("card_number", ""))
    if token is None:
        return _form_page(request, session, error="Your card number is invalid.", status=400)
    payment_method = payment_method_resolve(state, token)
    behaviour = state.card_behaviours.get(payment_method["id"], "succeed")
    if session["mode"] != "payment" and behaviour == "decline":
        return _form_page(request, session, error=DECLINES["decline"][2], status=402)
    if session["mode"] != "payment" and behaviour in AUTHENTICATING_BEHAVIOURS:
        # Saving a card that needs authentication on setup asks the customer first.
        session["_authenticating"] = payment_method["id"]
        return _authentication_page(session)
    return _proceed(request, session, payment_method)


def _authenticate(request: PageRequest, session: dict[str, Any]) -> PageResponse:
    state = request.state
    payment_method_id = session.pop("_authenticating", None)
    if payment_method_id is None:
        return _form_page(request, session)
    payment_method = state.objects[payment_method_id]
    succeed = request.form.get("decision") == "complete"
    if session["mode"] == "payment":
        intent = state.objects[session["payment_intent"]]
        payment_intent_complete_authentication(state, intent, succeed=succeed)
        if not succeed:
            message = (intent["last_payment_error"] or {}).get(
                "message"
            ) or "Authentication failed."
            return _form_page(request, session, error=message, status=402)
        if intent["setup_future_usage"]:
            state.card_behaviours[payment_method_id] = "succeed"
        return _session_complete(state, session, payment_method)
    message = (
        "We are unable to authenticate your payment method. Please choose a different payment "
        "method and try again."
    )
    if not succeed:
        if session["mode"] == "setup":
            setup_intent_fail(
                state, state.objects[session["setup_intent"]], payment_method, message
            )
        return _form_page(request, session, error=message, status=402)
    # Authenticated on setup: later off-session charges of the card go through.
    state.card_behaviours[payment_method_id] = "succeed"
    return _proceed(request, session, payment_method)


@page("checkout")
def checkout_page(request: PageRequest) -> PageResponse:
    state = request.state
    with state.lock:
        if not request.segments:
            return html_response(404, "Not found", "<p>This page does not exist.</p>")
        session = state.find(request.segments[0], SESSION_OBJECT)
        if session is None:
            return html_response(404, "Not found", "<p>This Checkout Session does not exist.</p>")
        if session["status"] != "open":
            return _closed_page(session)
        previous_frozen_time = state.frozen_time
        clock = state.find(session["_test_clock"], "test_helpers.test_clock")
        state.frozen_time = int(clock["frozen_time"]) if clock is not None else None
        try:
            if request.method != "POST":
                return _form_page(request, session)
            if request.segments[1:] == ["authenticate"]:
                return _authenticate(request, session)
            return _submit(request, session)
        except StripeApiError as error:
            return _form_page(request, session, error=error.message, status=error.http_status)
        finally:
            state.frozen_time = previous_frozen_time


def register_routes(router: Router) -> None:
    router.add("POST", "/v1/checkout/sessions", _session_create)
    router.add("GET", "/v1/checkout/sessions", _session_list)
    router.add("GET", "/v1/checkout/sessions/{session_id}", _session_retrieve)
    router.add("GET", "/v1/checkout/sessions/{session_id}/line_items", _session_line_items)
    router.add("POST", "/v1/checkout/sessions/{session_id}/expire", _session_expire)
