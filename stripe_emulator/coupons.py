"""Coupons, promotion codes and the discounts they are redeemed into.

A coupon says how much comes off (``percent_off``, or ``amount_off`` in one currency) and for
how long (``once``: the first invoice; ``repeating``: ``duration_in_months`` from redemption;
``forever``). A promotion code is a customer-facing code for one coupon, with its own limits.
Redeeming either on a subscription, a customer or a Checkout Session makes a ``discount``
object; invoices then carry each live discount's amounts, per line and in total.

A redemption past ``max_redemptions``, after ``redeem_by`` / ``expires_at``, of an inactive
code or of a code kept for another customer is refused as Stripe refuses it. Currency options
and minimum amounts in other currencies are refused rather than half-emulated.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from stripe_emulator.errors import invalid_request_error, missing_parameter_error
from stripe_emulator.parameters import (
    merged_metadata,
    optional_boolean,
    optional_hash,
    optional_integer,
    optional_list,
    optional_string,
    required_currency,
    string_list,
    timestamp_filter_matches,
)
from stripe_emulator.routing import RequestContext, Router
from stripe_emulator.state import EmulatorState, previous_attributes
from stripe_emulator.subscription_items import add_interval

COUPON_DURATIONS = ("once", "repeating", "forever")
FIVE_YEARS_SECONDS = 5 * 366 * 86_400
PROMOTION_CODE_CHARACTERS = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-"
)


# Coupons -------------------------------------------------------------------------------------


def coupon_is_valid(state: EmulatorState, coupon: dict[str, Any]) -> bool:
    if coupon["redeem_by"] is not None and state.now() > coupon["redeem_by"]:
        return False
    maximum = coupon["max_redemptions"]
    return maximum is None or coupon["times_redeemed"] < maximum


def _coupon_refresh(state: EmulatorState, coupon: dict[str, Any]) -> dict[str, Any]:
    coupon["valid"] = coupon_is_valid(state, coupon)
    return coupon


def _coupon_create(context: RequestContext) -> dict[str, Any]:
    state, params = context.state, context.params
    if params.get("currency_options"):
        raise invalid_request_error(
            "Coupon currency_options are not emulated.", param="currency_options"
        )
    percent_off_value = params.get("percent_off")
    amount_off = optional_integer(params, "amount_off")
    if (percent_off_value in (None, "")) == (amount_off is None):
        raise invalid_request_error(
            "You must pass exactly one of percent_off or amount_off.",
            param="percent_off" if amount_off is None else "amount_off",
        )
    percent_off: float | None = None
    currency: str | None = None
    if percent_off_value not in (None, ""):
        try:
            percent = Decimal(str(percent_off_value))
        except InvalidOperation:
            raise invalid_request_error(
                f"Invalid decimal: {percent_off_value}", param="percent_off"
            ) from None
        if not Decimal(0) < percent <= Decimal(100):
            raise invalid_request_error(
                "Percent off must be greater than 0 and at most 100.", param="percent_off"
            )
        percent_off = float(percent)
        if "currency" in params:
            raise invalid_request_error(
                "You can only pass currency when amount_off is passed.", param="currency"
            )
    else:
        assert amount_off is not None
        if amount_off <= 0:
            raise invalid_request_error(
                "Amount off must be a positive integer.", param="amount_off"
            )
        if not params.get("currency"):
            raise missing_parameter_error("currency")
        currency = required_currency(params)
    duration = optional_string(params, "duration") or "once"
    if duration not in COUPON_DURATIONS:
        raise invalid_request_error(
            f"Invalid duration: must be one of {', '.join(COUPON_DURATIONS)}", param="duration"
        )
    duration_in_months = optional_integer(params, "duration_in_months")
    if duration == "repeating":
        if duration_in_months is None:
            raise invalid_request_error(
                "You must pass duration_in_months when duration is repeating.",
                param="duration_in_months",
            )
        if duration_in_months <= 0:
            raise invalid_request_error(
                "duration_in_months must be a positive integer.", param="duration_in_months"
            )
    elif duration_in_months is not None:
        raise invalid_request_error(
            "You can only pass duration_in_months when duration is repeating.",
            param="duration_in_months",
        )
    max_redemptions = optional_integer(params, "max_redemptions")
    if max_redemptions is not None and max_redemptions <= 0:
        raise invalid_request_error(
            "max_redemptions must be a positive integer.", param="max_redemptions"
        )
    redeem_by = optional_integer(params, "redeem_by")
    now = state.now()
    if redeem_by is not None and not now < redeem_by <= now + FIVE_YEARS_SECONDS:
        raise invalid_request_error(
            "Invalid redeem_by: must be in the future and at most 5 years from now.",
            param="redeem_by",
        )
    applies_to = optional_hash(params, "applies_to")
    products: list[str] | None = None
    if applies_to is not None:
        products = string_list(applies_to, "products")
        for position, product_id in enumerate(products):
            state.require(product_id, "product", param=f"applies_to[products][{position}]")
    coupon_id = optional_string(params, "id") or state.new_id("", 8)[1:]
    if coupon_id in state.objects:
        raise invalid_request_error(
            "Coupon already exists.", param="id", code="resource_already_exists"
        )
    coupon = state.insert(
        {
            "id": coupon_id,
            "object": "coupon",
            "amount_off": amount_off,
            "applies_to": None if products is None else {"products": products},
            "created": now,
            "currency": currency,
            "currency_options": None,
            "duration": duration,
            "duration_in_months": duration_in_months,
            "livemode": False,
            "max_redemptions": max_redemptions,
            "metadata": merged_metadata({}, params),
            "name": optional_string(params, "name"),
            "percent_off": percent_off,
            "redeem_by": redeem_by,
            "times_redeemed": 0,
            "valid": True,
        }
    )
    state.emit_event("coupon.created", coupon)
    return context.respond(coupon)


def _coupon_retrieve(context: RequestContext, coupon_id: str) -> dict[str, Any]:
    coupon = context.state.require(coupon_id, "coupon")
    return context.respond(_coupon_refresh(context.state, coupon))


def _coupon_update(context: RequestContext, coupon_id: str) -> dict[str, Any]:
    state, params = context.state, context.params
    if params.get("currency_options"):
        raise invalid_request_error(
            "Coupon currency_options are not emulated.", param="currency_options"
        )
    coupon = _coupon_refresh(state, state.require(coupon_id, "coupon"))
    before = state.render(coupon)
    if "name" in params:
        coupon["name"] = optional_string(params, "name")
    coupon["metadata"] = merged_metadata(coupon["metadata"], params)
    changes = previous_attributes(before, state.render(coupon))
    if changes:
        state.emit_event("coupon.updated", coupon, changes)
    return context.respond(coupon)


def _coupon_delete(context: RequestContext, coupon_id: str) -> dict[str, Any]:
    """Deleting a coupon stops new redemptions; discounts already made from it go on (Stripe
    keeps them), so the stored object stays for them under a deleted mark."""
    state = context.state
    coupon = state.require(coupon_id, "coupon")
    state.emit_event("coupon.deleted", coupon)
    stub = state.delete(coupon_id)
    state.deleted_objects[coupon_id] = {**stub, "_coupon": coupon}
    for code in state.list_objects(
        "promotion_code", lambda code: code["promotion"]["coupon"] == coupon_id
    ):
        code["active"] = False
    return stub


def _coupon_list(context: RequestContext) -> dict[str, Any]:
    created = context.params.get("created")
    coupons = context.state.list_objects(
        "coupon", lambda coupon: timestamp_filter_matches(coupon["created"], created)
    )
    for coupon in coupons:
        _coupon_refresh(context.state, coupon)
    return context.list_response(coupons, "/v1/coupons")


def coupon_for_discount(state: EmulatorState, coupon_id: str) -> dict[str, Any]:
    """A discount's coupon, even after the coupon was deleted."""
    stored = state.objects.get(coupon_id)
    if stored is not None:
        return stored
    deleted: dict[str, Any] = state.deleted_objects[coupon_id]["_coupon"]
    return deleted


# Promotion codes -----------------------------------------------------------------------------


def _restrictions(state: EmulatorState, params: dict[str, Any]) -> dict[str, Any]:
    restrictions = optional_hash(params, "restrictions") or {}
    if restrictions.get("currency_options"):
        raise invalid_request_error(
            "Promotion code currency_options are not emulated.",
            param="restrictions[currency_options]",
        )
    minimum_amount = optional_integer(restrictions, "minimum_amount")
    minimum_currency = None
    if minimum_amount is not None:
        if minimum_amount < 0:
            raise invalid_request_error(
                "minimum_amount must be a positive integer.",
                param="restrictions[minimum_amount]",
            )
        if not restrictions.get("minimum_amount_currency"):
            raise missing_parameter_error("restrictions[minimum_amount_currency]")
        minimum_currency = required_currency(restrictions, "minimum_amount_currency")
    elif restrictions.get("minimum_amount_currency"):
        raise invalid_request_error(
            "You must pass minimum_amount with minimum_amount_currency.",
            param="restrictions[minimum_amount]",
        )
    # Stripe leaves currency_options out unless set (stripe-python reads it as a hash).
    return {
        "first_time_transaction": bool(optional_boolean(restrictions, "first_time_transaction")),
        "minimum_amount": minimum_amount,
        "minimum_amount_currency": minimum_currency,
    }


def _promotion_code_create(context: RequestContext) -> dict[str, Any]:
    state, params = context.state, context.params
    promotion = optional_hash(params, "promotion")
    if promotion is None:
        raise missing_parameter_error("promotion")
    if promotion.get("type") != "coupon":
        raise invalid_request_error(
            "Invalid promotion[type]: must be coupon", param="promotion[type]"
        )
    if not promotion.get("coupon"):
        raise missing_parameter_error("promotion[coupon]")
    coupon = _coupon_refresh(
        state, state.require(promotion["coupon"], "coupon", param="promotion[coupon]")
    )
    if not coupon["valid"]:
        raise invalid_request_error(
            f"Coupon {coupon['id']} is no longer valid, so promotion codes cannot be created "
            "for it.",
            param="promotion[coupon]",
            code="coupon_expired",
        )
    code = optional_string(params, "code") or state.new_id("", 8)[1:].upper()
    if not set(code) <= PROMOTION_CODE_CHARACTERS or len(code) > 500:
        raise invalid_request_error(
            "Invalid code: only letters, digits and dashes are allowed.", param="code"
        )
    active = optional_boolean(params, "active")
    active = True if active is None else active
    customer_id = optional_string(params, "customer")
    if customer_id is not None:
        state.require(customer_id, "customer", param="customer")
    if active and _active_code_taken(state, code, customer_id):
        raise invalid_request_error(
            "An active promotion code with `code: " + code + "` already exists.",
            param="code",
            code="resource_already_exists",
        )
    max_redemptions = optional_integer(params, "max_redemptions")
    if max_redemptions is not None and max_redemptions <= 0:
        raise invalid_request_error(
            "max_redemptions must be a positive integer.", param="max_redemptions"
        )
    if (
        max_redemptions is not None
        and coupon["max_redemptions"] is not None
        and max_redemptions > coupon["max_redemptions"]
    ):
        raise invalid_request_error(
            "The promotion code's max_redemptions cannot be greater than the coupon's "
            "max_redemptions.",
            param="max_redemptions",
        )
    expires_at = optional_integer(params, "expires_at")
    if expires_at is not None:
        if expires_at <= state.now():
            raise invalid_request_error("expires_at must be in the future.", param="expires_at")
        if coupon["redeem_by"] is not None and expires_at > coupon["redeem_by"]:
            raise invalid_request_error(
                "The promotion code's expires_at cannot be after the coupon's redeem_by.",
                param="expires_at",
            )
    promotion_code = state.insert(
        {
            "id": state.new_id("promo"),
            "object": "promotion_code",
            "active": active,
            "code": code,
            "created": state.now(),
            "customer": customer_id,
            "customer_account": None,
            "expires_at": expires_at,
            "livemode": False,
            "max_redemptions": max_redemptions,
            "metadata": merged_metadata({}, params),
            "promotion": {"coupon": coupon["id"], "type": "coupon"},
            "restrictions": _restrictions(state, params),
            "times_redeemed": 0,
        }
    )
    state.emit_event("promotion_code.created", promotion_code)
    return context.respond(promotion_code)


def _active_code_taken(state: EmulatorState, code: str, customer_id: str | None) -> bool:
    return bool(
        state.list_objects(
            "promotion_code",
            lambda other: (
                other["active"]
                and other["code"].lower() == code.lower()
                and other["customer"] == customer_id
            ),
        )
    )


def _promotion_code_retrieve(context: RequestContext, promotion_code_id: str) -> dict[str, Any]:
    return context.respond(
        context.state.require(promotion_code_id, "promotion_code", label="promotion code")
    )


def _promotion_code_update(context: RequestContext, promotion_code_id: str) -> dict[str, Any]:
    state, params = context.state, context.params
    promotion_code = state.require(promotion_code_id, "promotion_code", label="promotion code")
    restrictions = optional_hash(params, "restrictions")
    if restrictions:
        raise invalid_request_error(
            "Updating restrictions[currency_options] is not emulated.", param="restrictions"
        )
    before = state.render(promotion_code)
    active = optional_boolean(params, "active")
    if active is not None:
        if active and not promotion_code["active"]:
            coupon = state.find(promotion_code["promotion"]["coupon"], "coupon")
            if coupon is None:
                raise invalid_request_error(
                    "This promotion code cannot be reactivated because its coupon was deleted.",
                    param="active",
                )
            if _active_code_taken(state, promotion_code["code"], promotion_code["customer"]):
                raise invalid_request_error(
                    "An active promotion code with `code: "
                    + promotion_code["code"]
                    + "` already exists.",
                    param="active",
                    code="resource_already_exists",
                )
        promotion_code["active"] = active
    promotion_code["metadata"] = merged_metadata(promotion_code["metadata"], params)
    changes = previous_attributes(before, state.render(promotion_code))
    if changes:
        state.emit_event("promotion_code.updated", promotion_code, changes)
    return context.respond(promotion_code)


def _promotion_code_list(context: RequestContext) -> dict[str, Any]:
    params = context.params
    active = optional_boolean(params, "active")
    code = optional_string(params, "code")
    coupon_id = optional_string(params, "coupon")
    customer_id = optional_string(params, "customer")
    created = params.get("created")
    codes = context.state.list_objects(
        "promotion_code",
        lambda candidate: (
            (active is None or candidate["active"] == active)
            and (code is None or candidate["code"].lower() == code.lower())
            and (coupon_id is None or candidate["promotion"]["coupon"] == coupon_id)
            and (customer_id is None or candidate["customer"] == customer_id)
            and timestamp_filter_matches(candidate["created"], created)
        ),
    )
    return context.list_response(codes, "/v1/promotion_codes")


# Redemption ----------------------------------------------------------------------------------


def _customer_has_transactions(state: EmulatorState, customer_id: str) -> bool:
    return bool(
        state.list_objects(
            "invoice",
            lambda invoice: (
                invoice["customer"] == customer_id
                and invoice["status"] == "paid"
                and invoice["amount_paid"] > 0
            ),
        )
    )


def _redeemable_promotion_code(
    state: EmulatorState,
    promotion_code_id: str,
    *,
    customer_id: str,
    currency: str | None,
    amount: int | None,
    param: str,
) -> dict[str, Any]:
    promotion_code = state.require(
        promotion_code_id, "promotion_code", label="promotion code", param=param
    )
    refusal = None
    if not promotion_code["active"]:
        refusal = "This promotion code is inactive."
    elif promotion_code["expires_at"] is not None and state.now() >= promotion_code["expires_at"]:
        refusal = "This promotion code has expired."
    elif (
        promotion_code["max_redemptions"] is not None
        and promotion_code["times_redeemed"] >= promotion_code["max_redemptions"]
    ):
        refusal = (
            "This promotion code cannot be redeemed because it has reached its maximum number "
            "of redemptions."
        )
    elif promotion_code["customer"] is not None and promotion_code["customer"] != customer_id:
        refusal = "This promotion code cannot be redeemed by this customer."
    elif promotion_code["restrictions"]["first_time_transaction"] and _customer_has_transactions(
        state, customer_id
    ):
        refusal = (
            "This promotion code cannot be redeemed because the associated customer has prior "
            "transactions."
        )
    else:
        minimum = promotion_code["restrictions"]["minimum_amount"]
        minimum_currency = promotion_code["restrictions"]["minimum_amount_currency"]
        if (
            minimum is not None
            and amount is not None
            and (currency != minimum_currency or amount < minimum)
        ):
            refusal = (
                "This promotion code cannot be redeemed because the order does not meet the "
                f"minimum amount of {minimum} {minimum_currency}."
            )
    if refusal is not None:
        raise invalid_request_error(refusal, param=param, code="promotion_code_invalid")
    return promotion_code


def _redeemable_coupon(
    state: EmulatorState, coupon_id: str, *, currency: str | None, param: str
) -> dict[str, Any]:
    coupon = state.find(coupon_id, "coupon")
    if coupon is None:
        raise invalid_request_error(
            f"No such coupon: '{coupon_id}'", param=param, code="resource_missing"
        )
    if not _coupon_refresh(state, coupon)["valid"]:
        raise invalid_request_error(
            f"Coupon expired: {coupon_id}", param=param, code="coupon_expired"
        )
    if currency is not None and coupon["currency"] not in (None, currency):
        raise invalid_request_error(
            f"Coupon {coupon_id} is in {coupon['currency']}, which does not match the "
            f"currency {currency}.",
            param=param,
        )
    return coupon


def discount_check(
    state: EmulatorState,
    entry: dict[str, Any],
    *,
    customer_id: str,
    currency: str | None,
    param: str,
    amount: int | None = None,
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The coupon (and promotion code) one ``{coupon}`` or ``{promotion_code}`` would redeem,
    refused as Stripe refuses it; nothing is counted yet."""
    if entry.get("discount"):
        raise invalid_request_error(
            "Reusing an existing discount is not emulated.", param=f"{param}[discount]"
        )
    coupon_id = entry.get("coupon") or None
    promotion_code_id = entry.get("promotion_code") or None
    if (coupon_id is None) == (promotion_code_id is None):
        raise invalid_request_error(
            "You must pass exactly one of coupon or promotion_code.", param=param
        )
    promotion_code = None
    if promotion_code_id is not None:
        promotion_code = _redeemable_promotion_code(
            state,
            str(promotion_code_id),
            customer_id=customer_id,
            currency=currency,
            amount=amount,
            param=f"{param}[promotion_code]",
        )
        coupon_id = promotion_code["promotion"]["coupon"]
    coupon = _redeemable_coupon(
        state,
        str(coupon_id),
        currency=currency,
        param=f"{param}[promotion_code]" if promotion_code else f"{param}[coupon]",
    )
    return coupon, promotion_code


def discount_redeem(
    state: EmulatorState,
    entry: dict[str, Any],
    *,
    customer_id: str,
    currency: str | None,
    param: str,
    amount: int | None = None,
    subscription_id: str | None = None,
    checkout_session_id: str | None = None,
) -> dict[str, Any]:
    """One ``{coupon}`` or ``{promotion_code}`` redeemed into a stored discount; the coupon's
    and the code's redemption counts go up."""
    coupon, promotion_code = discount_check(
        state, entry, customer_id=customer_id, currency=currency, param=param, amount=amount
    )
    now = state.now()
    end = None
    if coupon["duration"] == "repeating":
        end = add_interval(now, "month", coupon["duration_in_months"])
    coupon["times_redeemed"] += 1
    _coupon_refresh(state, coupon)
    if promotion_code is not None:
        promotion_code["times_redeemed"] += 1
    return state.insert(
        {
            "id": state.new_id("di"),
            "object": "discount",
            "checkout_session": checkout_session_id,
            "customer": customer_id,
            "customer_account": None,
            "end": end,
            "invoice": None,
            "invoice_item": None,
            "promotion_code": promotion_code["id"] if promotion_code else None,
            "source": {"coupon": coupon["id"], "type": "coupon"},
            "start": now,
            "subscription": subscription_id,
            "subscription_item": None,
            "_invoiced": False,
        }
    )


def discounts_redeem(
    state: EmulatorState,
    params: dict[str, Any],
    *,
    customer_id: str,
    currency: str | None,
    subscription_id: str | None = None,
    checkout_session_id: str | None = None,
    amount: int | None = None,
) -> list[dict[str, Any]]:
    """The ``discounts`` parameter, redeemed entry by entry."""
    entries = optional_list(params, "discounts") or []
    redeemed = []
    seen_coupons: set[str] = set()
    for position, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise invalid_request_error(
                f"Invalid hash: discounts[{position}] must be a hash", param="discounts"
            )
        discount = discount_redeem(
            state,
            entry,
            customer_id=customer_id,
            currency=currency,
            param=f"discounts[{position}]",
            amount=amount,
            subscription_id=subscription_id,
            checkout_session_id=checkout_session_id,
        )
        coupon_id = discount["source"]["coupon"]
        if coupon_id in seen_coupons:
            raise invalid_request_error(
                f"The coupon {coupon_id} is applied more than once.", param="discounts"
            )
        seen_coupons.add(coupon_id)
        redeemed.append(discount)
    return redeemed


def promotion_code_find(state: EmulatorState, code: str) -> dict[str, Any] | None:
    """The active code a buyer typed, matched regardless of case as Checkout does."""
    for candidate in state.list_objects("promotion_code"):
        if candidate["active"] and candidate["code"].lower() == code.strip().lower():
            return candidate
    return None


# Discount amounts on invoices ----------------------------------------------------------------


def discount_is_live(state: EmulatorState, discount: dict[str, Any]) -> bool:
    coupon = coupon_for_discount(state, discount["source"]["coupon"])
    if coupon["duration"] == "once":
        return not discount["_invoiced"]
    return discount["end"] is None or state.now() < discount["end"]


def invoice_discounts_apply(
    state: EmulatorState,
    discount_ids: list[str],
    line_specs: list[dict[str, Any]],
    *,
    currency: str,
) -> tuple[list[str], list[list[dict[str, Any]]], list[dict[str, Any]]]:
    """The live discounts of an invoice, each line's discount amounts and the invoice's totals.

    A percentage comes off every discountable line (rounded half up per line); a fixed amount
    is spread over the lines in order and never takes a line below zero. Proration lines are
    not discountable here, as the emulator builds them.
    """
    live = [
        state.objects[discount_id]
        for discount_id in discount_ids
        if discount_id in state.objects and discount_is_live(state, state.objects[discount_id])
    ]
    per_line: list[list[dict[str, Any]]] = [[] for _ in line_specs]
    remaining = [spec["amount"] if not spec["proration"] else 0 for spec in line_specs]
    totals: list[dict[str, Any]] = []
    for discount in live:
        coupon = coupon_for_discount(state, discount["source"]["coupon"])
        products = (coupon["applies_to"] or {}).get("products") or None
        total = 0
        budget = coupon["amount_off"] if coupon["amount_off"] is not None else None
        if coupon["currency"] not in (None, currency):
            budget = 0
        for position, spec in enumerate(line_specs):
            if spec["proration"] or (products is not None and spec["product"] not in products):
                continue
            if coupon["percent_off"] is not None:
                amount = int(
                    (
                        Decimal(remaining[position]) * Decimal(str(coupon["percent_off"])) / 100
                    ).to_integral_value(rounding=ROUND_HALF_UP)
                )
            else:
                assert budget is not None
                amount = min(budget, remaining[position])
                budget -= amount
            amount = max(0, min(amount, remaining[position]))
            remaining[position] -= amount
            total += amount
            per_line[position].append({"amount": amount, "discount": discount["id"]})
        totals.append({"amount": total, "discount": discount["id"]})
    return [discount["id"] for discount in live], per_line, totals


def invoice_discounts_consume(state: EmulatorState, discount_ids: list[str]) -> None:
    """A ``once`` discount is spent by the first invoice that carried it."""
    for discount_id in discount_ids:
        state.objects[discount_id]["_invoiced"] = True


# Customer discount ---------------------------------------------------------------------------


def _customer_discount_delete(context: RequestContext, customer_id: str) -> dict[str, Any]:
    state = context.state
    customer = state.require(customer_id, "customer")
    discount = customer.get("discount")
    if discount is None:
        raise invalid_request_error(
            f"No active discount for customer: {customer_id}",
            code="resource_missing",
            http_status=404,
        )
    before = state.render(customer)
    customer["discount"] = None
    state.emit_event("customer.discount.deleted", discount)
    state.emit_event(
        "customer.updated", customer, previous_attributes(before, state.render(customer))
    )
    return {**discount, "deleted": True}


def register_routes(router: Router) -> None:
    router.add("POST", "/v1/coupons", _coupon_create)
    router.add("GET", "/v1/coupons", _coupon_list)
    router.add("GET", "/v1/coupons/{coupon_id}", _coupon_retrieve)
    router.add("POST", "/v1/coupons/{coupon_id}", _coupon_update)
    router.add("DELETE", "/v1/coupons/{coupon_id}", _coupon_delete)
    router.add("POST", "/v1/promotion_codes", _promotion_code_create)
    router.add("GET", "/v1/promotion_codes", _promotion_code_list)
    router.add("GET", "/v1/promotion_codes/{promotion_code_id}", _promotion_code_retrieve)
    router.add("POST", "/v1/promotion_codes/{promotion_code_id}", _promotion_code_update)
    router.add("DELETE", "/v1/customers/{customer_id}/discount", _customer_discount_delete)
