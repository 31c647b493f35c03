"""Subscriptions, subscription items, invoices and the clock that drives them.

Billing follows Stripe's model: licensed items are billed in advance for the period that starts,
metered items in arrears from the meter's aggregate for the period that just ended, prorations
wait for the next invoice unless ``always_invoice`` is asked for, and a failed renewal makes the
subscription ``past_due`` and is retried on a schedule as the clock moves.
"""

from __future__ import annotations

import calendar
import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from stripe_emulator.catalog import price_amount_for_quantity
from stripe_emulator.customers import DECLINES, card_error
from stripe_emulator.errors import (
    StripeApiError,
    invalid_request_error,
    missing_parameter_error,
    resource_missing_error,
)
from stripe_emulator.meters import meter_aggregate
from stripe_emulator.money import format_amount
from stripe_emulator.parameters import (
    merged_metadata,
    optional_boolean,
    optional_hash,
    optional_integer,
    optional_list,
    optional_string,
    required_string,
    timestamp_filter_matches,
)
from stripe_emulator.payments import payment_intent_confirm, payment_intent_create
from stripe_emulator.routing import RequestContext, Router
from stripe_emulator.state import EmulatorState, previous_attributes, random_token, render_hook

DAY_SECONDS = 86_400
TRIAL_WILL_END_NOTICE_SECONDS = 3 * DAY_SECONDS
INCOMPLETE_EXPIRY_SECONDS = 23 * 60 * 60
# Delays before each automatic retry of a failed invoice (Stripe's default schedule retries up to
# four times over a few weeks); after the last failure the subscription is canceled.
RETRY_DELAYS_SECONDS = (3 * DAY_SECONDS, 5 * DAY_SECONDS, 7 * DAY_SECONDS)
MAXIMUM_CLOCK_STEPS = 10_000
PRORATION_BEHAVIOURS = ("create_prorations", "none", "always_invoice")
PAYMENT_BEHAVIOURS = (
    "allow_incomplete",
    "default_incomplete",
    "error_if_incomplete",
    "pending_if_incomplete",
)


# Time arithmetic -----------------------------------------------------------------------------


def add_interval(timestamp: int, interval: str, count: int) -> int:
    moment = datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC)
    if interval == "day":
        return timestamp + count * DAY_SECONDS
    if interval == "week":
        return timestamp + count * 7 * DAY_SECONDS
    months = count * (12 if interval == "year" else 1)
    month_index = moment.month - 1 + months
    year = moment.year + month_index // 12
    month = month_index % 12 + 1
    # Stripe bills on the anchor's day, or the month's last day when the month is shorter.
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return int(moment.replace(year=year, month=month, day=day).timestamp())


def _format_date(timestamp: int) -> str:
    moment = datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC)
    return f"{moment:%b} {moment.day}, {moment.year}"


# Subscription items --------------------------------------------------------------------------


def subscription_items(state: EmulatorState, subscription_id: str) -> list[dict[str, Any]]:
    items = state.list_objects(
        "subscription_item", lambda item: item["subscription"] == subscription_id
    )
    return list(reversed(items))


def _price_plan(state: EmulatorState, price: dict[str, Any]) -> dict[str, Any]:
    recurring = price["recurring"] or {}
    return {
        "id": price["id"],
        "object": "plan",
        "active": price["active"],
        "amount": price["unit_amount"],
        "amount_decimal": price["unit_amount_decimal"],
        "billing_scheme": price["billing_scheme"],
        "created": price["created"],
        "currency": price["currency"],
        "interval": recurring.get("interval"),
        "interval_count": recurring.get("interval_count"),
        "livemode": False,
        "metadata": dict(price["metadata"]),
        "meter": recurring.get("meter"),
        "nickname": price["nickname"],
        "product": price["product"],
        "tiers_mode": price["tiers_mode"],
        "transform_usage": None,
        "trial_period_days": None,
        "usage_type": recurring.get("usage_type"),
    }


@render_hook("subscription_item")
def _render_subscription_item(
    state: EmulatorState, rendered: dict[str, Any], stored: dict[str, Any], expand: set[str]
) -> dict[str, Any]:
    # Items embed their price (and its legacy plan twin) rather than referencing it.
    price = state.objects[stored["price"]]
    rendered["price"] = state.render(price)
    rendered["plan"] = _price_plan(state, price)
    return rendered


@render_hook("subscription")
def _render_subscription(
    state: EmulatorState, rendered: dict[str, Any], stored: dict[str, Any], expand: set[str]
) -> dict[str, Any]:
    items = subscription_items(state, stored["id"])
    rendered["items"] = state.embedded_list(
        items, f"/v1/subscription_items?subscription={stored['id']}"
    )
    return rendered


def _is_metered(price: dict[str, Any]) -> bool:
    return (price["recurring"] or {}).get("usage_type") == "metered"


def _validated_price(state: EmulatorState, price_id: Any, param: str) -> dict[str, Any]:
    price = state.require(price_id, "price", param=param)
    if not price["active"]:
        raise invalid_request_error(
            "The price specified is inactive. This field only accepts active prices.", param=param
        )
    if price["type"] != "recurring":
        raise invalid_request_error(
            "The price specified is set to `type=one_time` but this field only accepts prices "
            "with `type=recurring`.",
            param=param,
        )
    return price


def _item_create(
    state: EmulatorState,
    subscription: dict[str, Any],
    price: dict[str, Any],
    quantity: int | None,
    metadata: dict[str, str],
) -> dict[str, Any]:
    return state.insert(
        {
            "id": state.new_id("si", 14),
            "object": "subscription_item",
            "billing_thresholds": None,
            "created": state.now(),
            "current_period_end": subscription["_period_end"],
            "current_period_start": subscription["_period_start"],
            "discounts": [],
            "metadata": metadata,
            "price": price["id"],
            "quantity": None if _is_metered(price) else (1 if quantity is None else quantity),
            "subscription": subscription["id"],
            "tax_rates": [],
        }
    )


def _set_period(state: EmulatorState, subscription: dict[str, Any], start: int, end: int) -> None:
    subscription["_period_start"] = start
    subscription["_period_end"] = end
    for item in subscription_items(state, subscription["id"]):
        item["current_period_start"] = start
        item["current_period_end"] = end


def _subscription_interval(state: EmulatorState, subscription: dict[str, Any]) -> tuple[str, int]:
    items = subscription_items(state, subscription["id"])
    recurring = state.objects[items[0]["price"]]["recurring"]
    return recurring["interval"], recurring["interval_count"]


# Invoices ------------------------------------------------------------------------------------


def _line_spec(
    state: EmulatorState,
    *,
    price: dict[str, Any],
    quantity: Decimal | int,
    amount: int,
    description: str,
    period_start: int,
    period_end: int,
    subscription_item_id: str | None,
    proration: bool = False,
) -> dict[str, Any]:
    return {
        "amount": amount,
        "description": description,
        "price": price["id"],
        "product": price["product"],
        "quantity": quantity,
        "period_start": period_start,
        "period_end": period_end,
        "subscription_item": subscription_item_id,
        "proration": proration,
        "unit_amount_decimal": price["unit_amount_decimal"],
    }


def _describe_usage(state: EmulatorState, price: dict[str, Any], quantity: Decimal | int) -> str:
    product = state.objects.get(price["product"], {})
    name = product.get("name", "product")
    quantity_text = _quantity_text(quantity)
    if price["billing_scheme"] == "tiered":
        return f"{quantity_text} × {name} (tiered)"
    recurring = price["recurring"] or {}
    unit = format_amount(Decimal(price["unit_amount_decimal"]), price["currency"])
    per = f" / {recurring['interval']}" if recurring and not _is_metered(price) else ""
    return f"{quantity_text} × {name} (at {unit}{per})"


def _quantity_text(quantity: Decimal | int) -> str:
    value = Decimal(quantity)
    return str(int(value)) if value == value.to_integral_value() else str(value.normalize())


def _cycle_lines(
    state: EmulatorState,
    subscription: dict[str, Any],
    *,
    usage_start: int,
    usage_end: int,
    next_start: int | None,
    next_end: int | None,
) -> list[dict[str, Any]]:
    """Metered usage for [usage_start, usage_end) and, when the subscription continues,
    licensed items in advance for [next_start, next_end)."""
    lines: list[dict[str, Any]] = []
    for item in subscription_items(state, subscription["id"]):
        price = state.objects[item["price"]]
        if _is_metered(price):
            meter = state.objects[price["recurring"]["meter"]]
            quantity: Decimal | int = meter_aggregate(
                state, meter, subscription["customer"], usage_start, usage_end
            )
            period_start, period_end = usage_start, usage_end
        elif next_start is not None and next_end is not None:
            quantity = item["quantity"] or 0
            period_start, period_end = next_start, next_end
        else:
            continue
        lines.append(
            _line_spec(
                state,
                price=price,
                quantity=quantity,
                amount=price_amount_for_quantity(price, quantity),
                description=_describe_usage(state, price, quantity),
                period_start=period_start,
                period_end=period_end,
                subscription_item_id=item["id"],
            )
        )
    return lines


def _invoice_create(
    state: EmulatorState,
    subscription: dict[str, Any],
    *,
    billing_reason: str,
    line_specs: list[dict[str, Any]],
    period_start: int,
    period_end: int,
) -> dict[str, Any]:
    customer = state.objects[subscription["customer"]]
    now = state.now()
    invoice_id = state.new_id("in")
    subtotal = sum(spec["amount"] for spec in line_specs)
    starting_balance = customer["balance"]
    # A negative customer balance is credit: it pays part of the invoice first.
    applied_total = subtotal + starting_balance
    amount_due = max(0, applied_total)
    ending_balance = min(0, applied_total)
    customer["balance"] = ending_balance
    invoice = {
        "id": invoice_id,
        "object": "invoice",
        "account_country": "US",
        "account_name": state.account["settings"]["dashboard"]["display_name"],
        "account_tax_ids": None,
        "amount_due": amount_due,
        "amount_overpaid": 0,
        "amount_paid": 0,
        "amount_paid_off_stripe": 0,
        "amount_remaining": amount_due,
        "amount_shipping": 0,
        "application": None,
        "attempt_count": 0,
        "attempted": False,
        "auto_advance": True,
        "automatic_tax": {
            "disabled_reason": None,
            "enabled": False,
            "liability": None,
            "provider": None,
            "status": None,
        },
        "automatically_finalizes_at": None,
        "billing_reason": billing_reason,
        "collection_method": subscription["collection_method"],
        "confirmation_secret": None,
        "created": now,
        "currency": subscription["currency"],
        "custom_fields": None,
        "customer": customer["id"],
        "customer_account": None,
        "customer_address": customer["address"],
        "customer_email": customer["email"],
        "customer_name": customer["name"],
        "customer_phone": customer["phone"],
        "customer_shipping": customer["shipping"],
        "customer_tax_exempt": customer["tax_exempt"],
        "customer_tax_ids": [],
        "default_payment_method": None,
        "default_source": None,
        "default_tax_rates": [],
        "description": None,
        "discounts": [],
        "due_date": None,
        "effective_at": None,
        "ending_balance": ending_balance if starting_balance or ending_balance else 0,
        "footer": None,
        "from_invoice": None,
        "hosted_invoice_url": f"https://invoice.stripe.com/i/emulator/{invoice_id}",
        "invoice_pdf": f"https://pay.stripe.com/invoice/emulator/{invoice_id}/pdf",
        "issuer": {"type": "self"},
        "last_finalization_error": None,
        "latest_revision": None,
        "livemode": False,
        "metadata": {},
        "next_payment_attempt": None,
        "number": None,
        "on_behalf_of": None,
        "parent": {
            "quote_details": None,
            "subscription_details": {
                "metadata": dict(subscription["metadata"]),
                "subscription": subscription["id"],
            },
            "type": "subscription_details",
        },
        "payment_settings": {
            "default_mandate": None,
            "payment_method_options": None,
            "payment_method_types": None,
        },
        "period_end": period_end,
        "period_start": period_start,
        "post_payment_credit_notes_amount": 0,
        "pre_payment_credit_notes_amount": 0,
        "receipt_number": None,
        "rendering": None,
        "shipping_cost": None,
        "shipping_details": None,
        "starting_balance": starting_balance,
        "statement_descriptor": None,
        "status": "draft",
        "status_transitions": {
            "finalized_at": None,
            "marked_uncollectible_at": None,
            "paid_at": None,
            "voided_at": None,
        },
        "subtotal": subtotal,
        "subtotal_excluding_tax": subtotal,
        "test_clock": None,
        "threshold_reason": None,
        "total": subtotal,
        "total_discount_amounts": [],
        "total_excluding_tax": subtotal,
        "total_pretax_credit_amounts": [],
        "total_taxes": [],
        "webhooks_delivered_at": now,
        "_payment_intent": None,
    }
    state.insert(invoice)
    for spec in line_specs:
        _invoice_line_create(state, invoice, subscription, spec)
    state.emit_event("invoice.created", invoice)
    return invoice


def _invoice_line_create(
    state: EmulatorState,
    invoice: dict[str, Any],
    subscription: dict[str, Any],
    spec: dict[str, Any],
) -> dict[str, Any]:
    quantity = Decimal(spec["quantity"])
    if spec["proration"]:
        parent = {
            "invoice_item_details": {
                "invoice_item": state.new_id("ii"),
                "proration": True,
                "proration_details": {"credited_items": None},
                "subscription": subscription["id"],
            },
            "subscription_item_details": None,
            "type": "invoice_item_details",
        }
    else:
        parent = {
            "invoice_item_details": None,
            "subscription_item_details": {
                "invoice_item": None,
                "proration": False,
                "proration_details": {"credited_items": None},
                "subscription": subscription["id"],
                "subscription_item": spec["subscription_item"],
            },
            "type": "subscription_item_details",
        }
    return state.insert(
        {
            "id": state.new_id("il"),
            "object": "line_item",
            "amount": spec["amount"],
            "currency": invoice["currency"],
            "description": spec["description"],
            "discount_amounts": [],
            "discountable": not spec["proration"],
            "discounts": [],
            "invoice": invoice["id"],
            "livemode": False,
            "metadata": {},
            "parent": parent,
            "period": {"end": spec["period_end"], "start": spec["period_start"]},
            "pretax_credit_amounts": [],
            "pricing": {
                "price_details": {"price": spec["price"], "product": spec["product"]},
                "type": "price_details",
                "unit_amount_decimal": spec["unit_amount_decimal"],
            },
            "quantity": int(quantity.to_integral_value(rounding=ROUND_HALF_UP)),
            "quantity_decimal": format(quantity.normalize(), "f"),
            "subscription": subscription["id"],
            "subtotal": spec["amount"],
            "taxes": [],
        }
    )


def invoice_lines(state: EmulatorState, invoice_id: str) -> list[dict[str, Any]]:
    return list(
        reversed(state.list_objects("line_item", lambda line: line["invoice"] == invoice_id))
    )


@render_hook("invoice")
def _render_invoice(
    state: EmulatorState, rendered: dict[str, Any], stored: dict[str, Any], expand: set[str]
) -> dict[str, Any]:
    rendered["lines"] = state.embedded_list(
        invoice_lines(state, stored["id"]), f"/v1/invoices/{stored['id']}/lines"
    )
    if "payments" in expand:
        payments = state.list_objects(
            "invoice_payment", lambda payment: payment["invoice"] == stored["id"]
        )
        rendered["payments"] = state.embedded_list(
            payments, f"/v1/invoice_payments?invoice={stored['id']}"
        )
    return rendered


def _invoice_finalize(state: EmulatorState, invoice: dict[str, Any]) -> None:
    customer = state.objects[invoice["customer"]]
    invoice["status"] = "open"
    invoice["number"] = f"{customer['invoice_prefix']}-{customer['next_invoice_sequence']:04d}"
    customer["next_invoice_sequence"] += 1
    invoice["effective_at"] = state.now()
    invoice["status_transitions"]["finalized_at"] = state.now()
    state.emit_event("invoice.finalized", invoice)


def _invoice_payment_method(
    state: EmulatorState, invoice: dict[str, Any], subscription: dict[str, Any] | None
) -> str | None:
    payment_method: str | None = invoice["default_payment_method"]
    if payment_method:
        return payment_method
    if subscription is not None and subscription["default_payment_method"]:
        payment_method = subscription["default_payment_method"]
        return payment_method
    customer = state.objects.get(invoice["customer"])
    if customer is None:
        return None
    payment_method = customer["invoice_settings"]["default_payment_method"]
    return payment_method


def _invoice_subscription(state: EmulatorState, invoice: dict[str, Any]) -> dict[str, Any] | None:
    details = (invoice["parent"] or {}).get("subscription_details") or {}
    return state.objects.get(details.get("subscription") or "")


def _invoice_mark_paid(state: EmulatorState, invoice: dict[str, Any], amount_paid: int) -> None:
    invoice.update(
        {
            "amount_paid": amount_paid,
            "amount_remaining": 0,
            "status": "paid",
            "next_payment_attempt": None,
        }
    )
    invoice["status_transitions"]["paid_at"] = state.now()
    state.emit_event("invoice.paid", invoice)
    state.emit_event("invoice.payment_succeeded", invoice)
    customer = state.objects.get(invoice["customer"])
    if customer is not None:
        customer["delinquent"] = False
    subscription = _invoice_subscription(state, invoice)
    if subscription is not None and subscription["status"] in ("incomplete", "past_due", "unpaid"):
        _subscription_set_status(state, subscription, "active")


def _subscription_set_status(
    state: EmulatorState, subscription: dict[str, Any], status: str
) -> None:
    if subscription["status"] == status:
        return
    before = state.render(subscription)
    subscription["status"] = status
    if not subscription.get("_creating"):
        state.emit_event(
            "customer.subscription.updated",
            subscription,
            previous_attributes(before, state.render(subscription)),
        )


def invoice_payment_settled(state: EmulatorState, invoice_id: str, intent: dict[str, Any]) -> None:
    """Called when an invoice's payment intent succeeds or fails, however it was confirmed."""
    invoice = state.find(invoice_id, "invoice")
    if invoice is None or invoice["status"] != "open":
        return
    invoice["attempt_count"] += 1
    invoice["attempted"] = True
    payment = next(
        iter(state.list_objects("invoice_payment", lambda item: item["invoice"] == invoice_id)),
        None,
    )
    if intent["status"] == "succeeded":
        if payment is not None:
            payment["status"] = "paid"
            payment["amount_paid"] = intent["amount"]
            payment["status_transitions"]["paid_at"] = state.now()
        _invoice_mark_paid(state, invoice, intent["amount"])
    else:
        _invoice_payment_failed(state, invoice)


def _invoice_payment_failed(state: EmulatorState, invoice: dict[str, Any]) -> None:
    subscription = _invoice_subscription(state, invoice)
    retries_left = invoice["attempt_count"] <= len(RETRY_DELAYS_SECONDS)
    automatic = invoice["auto_advance"] and subscription is not None
    if retries_left and automatic and invoice["billing_reason"] != "subscription_create":
        delay = RETRY_DELAYS_SECONDS[invoice["attempt_count"] - 1]
        invoice["next_payment_attempt"] = state.now() + delay
    else:
        invoice["next_payment_attempt"] = None
    state.emit_event("invoice.payment_failed", invoice)
    customer = state.objects.get(invoice["customer"])
    if customer is not None:
        customer["delinquent"] = True
    if subscription is None:
        return
    if subscription["status"] in ("active", "trialing"):
        _subscription_set_status(state, subscription, "past_due")
    if (
        subscription["status"] == "past_due"
        and invoice["next_payment_attempt"] is None
        and invoice["attempt_count"] > len(RETRY_DELAYS_SECONDS)
    ):
        # All retries failed: Stripe's default setting cancels the subscription.
        subscription_cancel_now(state, subscription, reason="payment_failed")


def invoice_attempt_payment(
    state: EmulatorState,
    invoice: dict[str, Any],
    *,
    off_session: bool,
    payment_method_id: str | None = None,
) -> StripeApiError | None:
    """Charge the invoice; returns the card error of a decline (already recorded)."""
    if invoice["amount_remaining"] == 0:
        _invoice_mark_paid(state, invoice, 0)
        return None
    subscription = _invoice_subscription(state, invoice)
    method_id = payment_method_id or _invoice_payment_method(state, invoice, subscription)
    intent = state.objects.get(invoice["_payment_intent"] or "")
    if intent is None:
        intent = payment_intent_create(
            state,
            amount=invoice["amount_remaining"],
            currency=invoice["currency"],
            customer_id=invoice["customer"],
            payment_method_id=method_id,
            description=(
                "Subscription creation"
                if invoice["billing_reason"] == "subscription_create"
                else "Subscription update"
            ),
        )
        intent["_invoice"] = invoice["id"]
        invoice["_payment_intent"] = intent["id"]
        invoice["confirmation_secret"] = {
            "client_secret": intent["client_secret"],
            "type": "payment_intent",
        }
        state.insert(
            {
                "id": state.new_id("inpay"),
                "object": "invoice_payment",
                "amount_paid": None,
                "amount_requested": invoice["amount_remaining"],
                "created": state.now(),
                "currency": invoice["currency"],
                "invoice": invoice["id"],
                "is_default": True,
                "livemode": False,
                "payment": {"payment_intent": intent["id"], "type": "payment_intent"},
                "status": "open",
                "status_transitions": {"canceled_at": None, "paid_at": None},
            }
        )
    elif method_id is not None:
        intent["payment_method"] = method_id
        intent["status"] = "requires_confirmation"
    if method_id is None:
        # Nothing to charge: Stripe counts the attempt and reports the failure.
        invoice["attempt_count"] += 1
        invoice["attempted"] = True
        _invoice_payment_failed(state, invoice)
        return invalid_request_error(
            "This customer has no attached payment source or default payment method. Please "
            "consider adding a default payment method.",
            code="resource_missing",
        )
    error = payment_intent_confirm(state, intent, off_session=off_session)
    if intent["status"] == "requires_action":
        state.emit_event("invoice.payment_action_required", invoice)
    return error


# Subscriptions -------------------------------------------------------------------------------


def _parse_item_params(params: dict[str, Any]) -> list[dict[str, Any]]:
    items = optional_list(params, "items")
    if not items:
        raise missing_parameter_error("items")
    for position, item in enumerate(items):
        if not isinstance(item, dict):
            raise invalid_request_error("Invalid array", param=f"items[{position}]")
    return items


def _would_payment_fail(state: EmulatorState, payment_method_id: str | None) -> str | None:
    if payment_method_id is None:
        return "no_payment_method"
    behaviour = state.card_behaviours.get(payment_method_id, "succeed")
    return behaviour if behaviour in DECLINES or behaviour == "authentication_required" else None


def _subscription_create(context: RequestContext) -> dict[str, Any]:
    state, params = context.state, context.params
    customer_id = required_string(params, "customer")
    customer = state.require(customer_id, "customer", param="customer")
    item_params = _parse_item_params(params)
    prices = [
        _validated_price(state, item.get("price"), f"items[{position}][price]")
        for position, item in enumerate(item_params)
    ]
    intervals = {
        (price["recurring"]["interval"], price["recurring"]["interval_count"]) for price in prices
    }
    currencies = {price["currency"] for price in prices}
    if len(intervals) > 1:
        raise invalid_request_error(
            "All prices on a subscription must have the same `recurring.interval` and "
            "`recurring.interval_count`.",
            param="items",
        )
    if len(currencies) > 1:
        raise invalid_request_error(
            "All prices on a subscription must have the same currency.", param="items"
        )
    if len({price["id"] for price in prices}) != len(prices):
        raise invalid_request_error(
            "Cannot add multiple subscription items with the same price.", param="items"
        )
    payment_behaviour = optional_string(params, "payment_behavior") or "allow_incomplete"
    if payment_behaviour not in PAYMENT_BEHAVIOURS:
        raise invalid_request_error("Invalid payment_behavior", param="payment_behavior")
    proration_behaviour = optional_string(params, "proration_behavior") or "create_prorations"
    if proration_behaviour not in PRORATION_BEHAVIOURS:
        raise invalid_request_error("Invalid proration_behavior", param="proration_behavior")
    default_payment_method = optional_string(params, "default_payment_method")
    if default_payment_method is not None:
        payment_method = state.require(
            default_payment_method,
            "payment_method",
            label="PaymentMethod",
            param="default_payment_method",
        )
        if payment_method["customer"] != customer_id:
            raise invalid_request_error(
                f"The customer does not have a payment method with the ID "
                f"{default_payment_method}. The payment method must be attached to the customer.",
                param="default_payment_method",
            )
    now = state.now()
    trial_days = optional_integer(params, "trial_period_days")
    trial_end_value = params.get("trial_end")
    trial_end: int | None = None
    if trial_end_value not in (None, "", "now"):
        trial_end = optional_integer(params, "trial_end")
        if trial_end is not None and trial_end <= now:
            raise invalid_request_error(
                "Invalid timestamp: must be an integer Unix timestamp in the future.",
                param="trial_end",
            )
    elif trial_days:
        if trial_days < 0:
            raise invalid_request_error("Invalid integer", param="trial_period_days")
        trial_end = now + trial_days * DAY_SECONDS
    if trial_end is None and payment_behaviour == "error_if_incomplete":
        total_due = sum(
            price_amount_for_quantity(price, optional_integer(item, "quantity") or 1)
            for price, item in zip(prices, item_params, strict=True)
            if not _is_metered(price)
        )
        failure = _would_payment_fail(
            state, default_payment_method or customer["invoice_settings"]["default_payment_method"]
        )
        if total_due > 0 and failure == "no_payment_method":
            raise invalid_request_error(
                "This customer has no attached payment source or default payment method.",
                code="resource_missing",
            )
        if total_due > 0 and failure is not None:
            raise card_error(failure, stored=True)

    interval, interval_count = next(iter(intervals))
    period_start = now
    period_end = trial_end if trial_end is not None else add_interval(now, interval, interval_count)
    subscription = state.insert(
        {
            "id": state.new_id("sub"),
            "object": "subscription",
            "application": None,
            "application_fee_percent": None,
            "automatic_tax": {"disabled_reason": None, "enabled": False, "liability": None},
            "billing_cycle_anchor": period_end if trial_end is not None else now,
            "billing_cycle_anchor_config": None,
            "billing_mode": {"flexible": None, "type": "classic", "updated_at": None},
            "billing_thresholds": None,
            "cancel_at": None,
            "cancel_at_period_end": False,
            "canceled_at": None,
            "cancellation_details": {"comment": None, "feedback": None, "reason": None},
            "collection_method": "charge_automatically",
            "created": now,
            "currency": prices[0]["currency"],
            "customer": customer_id,
            "customer_account": None,
            "days_until_due": None,
            "default_payment_method": default_payment_method,
            "default_source": None,
            "default_tax_rates": [],
            "description": optional_string(params, "description"),
            "discounts": [],
            "ended_at": None,
            "invoice_settings": {"account_tax_ids": None, "issuer": {"type": "self"}},
            "latest_invoice": None,
            "livemode": False,
            "metadata": merged_metadata({}, params),
            "next_pending_invoice_item_invoice": None,
            "on_behalf_of": None,
            "pause_collection": None,
            "payment_settings": {
                "payment_method_options": None,
                "payment_method_types": None,
                "save_default_payment_method": "off",
            },
            "pending_invoice_item_interval": None,
            "pending_setup_intent": None,
            "pending_update": None,
            "schedule": None,
            "start_date": now,
            "status": "incomplete",
            "test_clock": None,
            "transfer_data": None,
            "trial_end": trial_end,
            "trial_settings": {"end_behavior": {"missing_payment_method": "create_invoice"}},
            "trial_start": now if trial_end is not None else None,
            "_period_start": period_start,
            "_period_end": period_end,
            "_period_index": 0,
            "_pending_lines": [],
            "_trial_will_end_sent": False,
            "_creating": True,
        }
    )
    for price, item in zip(prices, item_params, strict=True):
        _item_create(
            state,
            subscription,
            price,
            optional_integer(item, "quantity"),
            merged_metadata({}, item),
        )
    if trial_end is not None:
        subscription["status"] = "trialing"
        # Stripe opens a trial with a zero-amount invoice listing what the trial covers.
        line_specs = [
            dict(spec, amount=0, description=f"Trial period for {_product_name(state, spec)}")
            for spec in _cycle_lines(
                state,
                subscription,
                usage_start=now,
                usage_end=now,
                next_start=now,
                next_end=trial_end,
            )
            if not _is_metered(state.objects[spec["price"]])
        ]
        invoice = _invoice_create(
            state,
            subscription,
            billing_reason="subscription_create",
            line_specs=line_specs,
            period_start=now,
            period_end=now,
        )
        subscription["latest_invoice"] = invoice["id"]
        _invoice_finalize(state, invoice)
        invoice_attempt_payment(state, invoice, off_session=False)
    else:
        line_specs = _cycle_lines(
            state,
            subscription,
            usage_start=now,
            usage_end=now,
            next_start=now,
            next_end=period_end,
        )
        line_specs = [spec for spec in line_specs if not _is_metered(state.objects[spec["price"]])]
        invoice = _invoice_create(
            state,
            subscription,
            billing_reason="subscription_create",
            line_specs=line_specs,
            period_start=now,
            period_end=now,
        )
        subscription["latest_invoice"] = invoice["id"]
        _invoice_finalize(state, invoice)
        if payment_behaviour == "default_incomplete" and invoice["amount_due"] > 0:
            method_id = _invoice_payment_method(state, invoice, subscription)
            intent = payment_intent_create(
                state,
                amount=invoice["amount_due"],
                currency=invoice["currency"],
                customer_id=customer_id,
                payment_method_id=method_id,
                description="Subscription creation",
            )
            intent["_invoice"] = invoice["id"]
            invoice["_payment_intent"] = intent["id"]
            invoice["confirmation_secret"] = {
                "client_secret": intent["client_secret"],
                "type": "payment_intent",
            }
        else:
            invoice_attempt_payment(state, invoice, off_session=False)
        if invoice["status"] == "paid":
            subscription["status"] = "active"
    subscription["_incomplete_expires_at"] = now + INCOMPLETE_EXPIRY_SECONDS
    subscription["_creating"] = False
    state.emit_event("customer.subscription.created", subscription)
    return context.respond(subscription)


def _product_name(state: EmulatorState, spec: dict[str, Any]) -> str:
    name: str = state.objects.get(spec["product"], {}).get("name", "product")
    return name


def subscription_cancel_now(
    state: EmulatorState,
    subscription: dict[str, Any],
    *,
    reason: str,
    invoice_now: bool = False,
    prorate: bool = False,
) -> None:
    now = state.now()
    if invoice_now:
        lines = _cycle_lines(
            state,
            subscription,
            usage_start=subscription["_period_start"],
            usage_end=now,
            next_start=None,
            next_end=None,
        )
        if prorate:
            for item in subscription_items(state, subscription["id"]):
                price = state.objects[item["price"]]
                if not _is_metered(price):
                    lines.extend(
                        _proration_lines(
                            state, subscription, item, price, item["quantity"], None, 0
                        )
                    )
        lines.extend(subscription["_pending_lines"])
        subscription["_pending_lines"] = []
        if lines:
            invoice = _invoice_create(
                state,
                subscription,
                billing_reason="subscription_cycle",
                line_specs=lines,
                period_start=subscription["_period_start"],
                period_end=now,
            )
            subscription["latest_invoice"] = invoice["id"]
            _invoice_finalize(state, invoice)
            invoice_attempt_payment(state, invoice, off_session=True)
    subscription["status"] = "canceled"
    subscription["canceled_at"] = subscription["canceled_at"] or now
    subscription["ended_at"] = now
    subscription["cancellation_details"]["reason"] = reason
    for invoice in state.list_objects(
        "invoice", lambda candidate: _invoice_subscription(state, candidate) is subscription
    ):
        # Stripe stops retrying the invoices of a canceled subscription.
        invoice["next_payment_attempt"] = None
    state.emit_event("customer.subscription.deleted", subscription)


def _proration_lines(
    state: EmulatorState,
    subscription: dict[str, Any],
    item: dict[str, Any],
    old_price: dict[str, Any] | None,
    old_quantity: int | None,
    new_price: dict[str, Any] | None,
    new_quantity: int | None,
) -> list[dict[str, Any]]:
    start, end, now = subscription["_period_start"], subscription["_period_end"], state.now()
    if subscription["status"] == "trialing" or end <= start or now >= end:
        return []
    fraction = Decimal(end - now) / Decimal(end - start)
    lines = []
    date_text = _format_date(now)
    for price, quantity, sign, wording in (
        (old_price, old_quantity, -1, "Unused time on"),
        (new_price, new_quantity, 1, "Remaining time on"),
    ):
        if price is None or not quantity or _is_metered(price):
            continue
        full_amount = Decimal(price_amount_for_quantity(price, quantity))
        amount = sign * int((full_amount * fraction).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        name = state.objects.get(price["product"], {}).get("name", "product")
        lines.append(
            _line_spec(
                state,
                price=price,
                quantity=quantity,
                amount=amount,
                description=f"{wording} {quantity} × {name} after {date_text}",
                period_start=now,
                period_end=end,
                subscription_item_id=item["id"],
                proration=True,
            )
        )
    return lines


def _apply_item_changes(
    state: EmulatorState,
    subscription: dict[str, Any],
    item_params: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """Apply ``items[n]`` changes and return the proration lines they cause."""
    proration_lines: list[dict[str, Any]] = []
    for position, change in enumerate(item_params):
        item_id = change.get("id")
        if item_id:
            item = state.find(item_id, "subscription_item")
            if item is None or item["subscription"] != subscription["id"]:
                raise resource_missing_error(
                    "subscription item", str(item_id), f"items[{position}][id]"
                )
            old_price = state.objects[item["price"]]
            old_quantity = item["quantity"]
            if optional_boolean(change, "deleted"):
                proration_lines += _proration_lines(
                    state, subscription, item, old_price, old_quantity, None, None
                )
                state.delete(item["id"])
                continue
            new_price = old_price
            if change.get("price"):
                new_price = _validated_price(state, change["price"], f"items[{position}][price]")
            new_quantity = optional_integer(change, "quantity")
            if new_quantity is None:
                new_quantity = old_quantity
            if _is_metered(new_price):
                new_quantity = None
            elif new_quantity is None:
                new_quantity = 1
            if new_price is not old_price or new_quantity != old_quantity:
                proration_lines += _proration_lines(
                    state, subscription, item, old_price, old_quantity, new_price, new_quantity
                )
            item["price"] = new_price["id"]
            item["quantity"] = new_quantity
            item["metadata"] = merged_metadata(item["metadata"], change)
        else:
            price = _validated_price(state, change.get("price"), f"items[{position}][price]")
            item = _item_create(
                state,
                subscription,
                price,
                optional_integer(change, "quantity"),
                merged_metadata({}, change),
            )
            proration_lines += _proration_lines(
                state, subscription, item, None, None, price, item["quantity"]
            )
    if not subscription_items(state, subscription["id"]):
        raise invalid_request_error("A subscription must have at least one item.", param="items")
    return proration_lines


def _end_trial(state: EmulatorState, subscription: dict[str, Any], at: int) -> None:
    """The trial is over: start the first paid period and invoice it."""
    interval, interval_count = _subscription_interval(state, subscription)
    before = state.render(subscription)
    subscription["trial_end"] = at
    subscription["billing_cycle_anchor"] = at
    subscription["_period_index"] = 0
    period_end = add_interval(at, interval, interval_count)
    _set_period(state, subscription, at, period_end)
    subscription["status"] = "active"
    lines = _cycle_lines(
        state, subscription, usage_start=at, usage_end=at, next_start=at, next_end=period_end
    )
    lines = [line for line in lines if not _is_metered(state.objects[line["price"]])]
    lines += subscription["_pending_lines"]
    subscription["_pending_lines"] = []
    _cycle_invoice_issue(state, subscription, before, lines, period_start=at, period_end=at)


def _subscription_update(context: RequestContext, subscription_id: str) -> dict[str, Any]:
    state, params = context.state, context.params
    subscription = state.require(subscription_id, "subscription")
    is_finished = subscription["status"] in ("canceled", "incomplete_expired")
    if is_finished and set(params) - {"metadata", "cancellation_details", "expand"}:
        raise invalid_request_error(
            "A canceled subscription can only update its cancellation_details and metadata."
        )
    proration_behaviour = optional_string(params, "proration_behavior") or "create_prorations"
    if proration_behaviour not in PRORATION_BEHAVIOURS:
        raise invalid_request_error("Invalid proration_behavior", param="proration_behavior")
    before = state.render(subscription)
    if "default_payment_method" in params:
        method_id = optional_string(params, "default_payment_method")
        if method_id is not None:
            payment_method = state.require(
                method_id, "payment_method", label="PaymentMethod", param="default_payment_method"
            )
            if payment_method["customer"] != subscription["customer"]:
                raise invalid_request_error(
                    f"The customer does not have a payment method with the ID {method_id}. The "
                    "payment method must be attached to the customer.",
                    param="default_payment_method",
                )
        subscription["default_payment_method"] = method_id
    cancel_at_period_end = optional_boolean(params, "cancel_at_period_end")
    if cancel_at_period_end is not None:
        subscription["cancel_at_period_end"] = cancel_at_period_end
        subscription["cancel_at"] = subscription["_period_end"] if cancel_at_period_end else None
        subscription["canceled_at"] = state.now() if cancel_at_period_end else None
        subscription["cancellation_details"]["reason"] = (
            "cancellation_requested" if cancel_at_period_end else None
        )
    if "cancel_at" in params and cancel_at_period_end is None:
        subscription["cancel_at"] = optional_integer(params, "cancel_at")
    if "description" in params:
        subscription["description"] = optional_string(params, "description")
    cancellation_details = optional_hash(params, "cancellation_details")
    if cancellation_details:
        for key in ("comment", "feedback"):
            if key in cancellation_details:
                subscription["cancellation_details"][key] = cancellation_details[key] or None
    subscription["metadata"] = merged_metadata(subscription["metadata"], params)
    proration_lines: list[dict[str, Any]] = []
    if "items" in params:
        proration_lines = _apply_item_changes(state, subscription, _parse_item_params(params))
    if proration_behaviour == "none":
        proration_lines = []
    invoice = None
    if proration_behaviour == "always_invoice" and proration_lines:
        invoice = _invoice_create(
            state,
            subscription,
            billing_reason="subscription_update",
            line_specs=proration_lines + subscription["_pending_lines"],
            period_start=state.now(),
            period_end=state.now(),
        )
        subscription["_pending_lines"] = []
        subscription["latest_invoice"] = invoice["id"]
    else:
        subscription["_pending_lines"].extend(proration_lines)
    changes = previous_attributes(before, state.render(subscription))
    if changes:
        state.emit_event("customer.subscription.updated", subscription, changes)
    if invoice is not None:
        _invoice_finalize(state, invoice)
        error = invoice_attempt_payment(state, invoice, off_session=False)
        if error is not None and (
            optional_string(params, "payment_behavior") == "error_if_incomplete"
        ):
            raise error
    if params.get("trial_end") == "now" and subscription["status"] == "trialing":
        _end_trial(state, subscription, state.now())
    return context.respond(subscription)


def _subscription_retrieve(context: RequestContext, subscription_id: str) -> dict[str, Any]:
    return context.respond(context.state.require(subscription_id, "subscription"))


def _subscription_cancel(context: RequestContext, subscription_id: str) -> dict[str, Any]:
    state = context.state
    subscription = state.require(subscription_id, "subscription")
    if subscription["status"] in ("canceled", "incomplete_expired"):
        raise invalid_request_error(
            f"No such subscription: '{subscription_id}'. This subscription has already been "
            "canceled.",
            code="resource_missing",
            http_status=404,
        )
    details = optional_hash(context.params, "cancellation_details") or {}
    for key in ("comment", "feedback"):
        if key in details:
            subscription["cancellation_details"][key] = details[key] or None
    subscription_cancel_now(
        state,
        subscription,
        reason="cancellation_requested",
        invoice_now=optional_boolean(context.params, "invoice_now") or False,
        prorate=optional_boolean(context.params, "prorate") or False,
    )
    return context.respond(subscription)


def _subscription_list(context: RequestContext) -> dict[str, Any]:
    state, params = context.state, context.params
    customer_id = optional_string(params, "customer")
    status = optional_string(params, "status")
    price_id = optional_string(params, "price")
    created = params.get("created")

    def matches(subscription: dict[str, Any]) -> bool:
        if customer_id is not None and subscription["customer"] != customer_id:
            return False
        if status is None and subscription["status"] in ("canceled", "incomplete_expired"):
            return False
        if status not in (None, "all") and subscription["status"] != status:
            return False
        if price_id is not None and not any(
            item["price"] == price_id for item in subscription_items(state, subscription["id"])
        ):
            return False
        return timestamp_filter_matches(subscription["created"], created)

    return context.list_response(state.list_objects("subscription", matches), "/v1/subscriptions")


def _subscription_item_list(context: RequestContext) -> dict[str, Any]:
    subscription_id = required_string(context.params, "subscription")
    context.state.require(subscription_id, "subscription", param="subscription")
    items = subscription_items(context.state, subscription_id)
    return context.list_response(items, "/v1/subscription_items")


def _subscription_item_retrieve(context: RequestContext, item_id: str) -> dict[str, Any]:
    return context.respond(
        context.state.require(item_id, "subscription_item", label="subscription item")
    )


def _subscription_item_change(
    context: RequestContext, subscription: dict[str, Any], change: dict[str, Any]
) -> None:
    state, params = context.state, context.params
    proration_behaviour = optional_string(params, "proration_behavior") or "create_prorations"
    before = state.render(subscription)
    lines = _apply_item_changes(state, subscription, [change])
    if proration_behaviour != "none":
        subscription["_pending_lines"].extend(lines)
    changes = previous_attributes(before, state.render(subscription))
    if changes:
        state.emit_event("customer.subscription.updated", subscription, changes)


def _subscription_item_create(context: RequestContext) -> dict[str, Any]:
    state, params = context.state, context.params
    subscription = state.require(
        required_string(params, "subscription"), "subscription", param="subscription"
    )
    existing = {item["id"] for item in subscription_items(state, subscription["id"])}
    change: dict[str, Any] = {
        key: params[key] for key in ("price", "quantity", "metadata") if key in params
    }
    _subscription_item_change(context, subscription, change)
    created = [
        item for item in subscription_items(state, subscription["id"]) if item["id"] not in existing
    ]
    return context.respond(created[0])


def _subscription_item_update(context: RequestContext, item_id: str) -> dict[str, Any]:
    state, params = context.state, context.params
    item = state.require(item_id, "subscription_item", label="subscription item")
    subscription = state.objects[item["subscription"]]
    change = {"id": item_id}
    change.update({key: params[key] for key in ("price", "quantity", "metadata") if key in params})
    _subscription_item_change(context, subscription, change)
    return context.respond(item)


def _subscription_item_delete(context: RequestContext, item_id: str) -> dict[str, Any]:
    state = context.state
    item = state.require(item_id, "subscription_item", label="subscription item")
    subscription = state.objects[item["subscription"]]
    _subscription_item_change(context, subscription, {"id": item_id, "deleted": "true"})
    return dict(state.deleted_objects[item_id])


# Invoice routes ------------------------------------------------------------------------------


def _invoice_retrieve(context: RequestContext, invoice_id: str) -> dict[str, Any]:
    return context.respond(context.state.require(invoice_id, "invoice"))


def _invoice_list(context: RequestContext) -> dict[str, Any]:
    state, params = context.state, context.params
    customer_id = optional_string(params, "customer")
    subscription_id = optional_string(params, "subscription")
    status = optional_string(params, "status")
    created = params.get("created")

    def matches(invoice: dict[str, Any]) -> bool:
        subscription = _invoice_subscription(state, invoice)
        return (
            (customer_id is None or invoice["customer"] == customer_id)
            and (
                subscription_id is None
                or (subscription is not None and subscription["id"] == subscription_id)
            )
            and (status is None or invoice["status"] == status)
            and timestamp_filter_matches(invoice["created"], created)
        )

    return context.list_response(state.list_objects("invoice", matches), "/v1/invoices")


def _invoice_line_list(context: RequestContext, invoice_id: str) -> dict[str, Any]:
    context.state.require(invoice_id, "invoice")
    return context.list_response(
        invoice_lines(context.state, invoice_id), f"/v1/invoices/{invoice_id}/lines"
    )


def _invoice_update(context: RequestContext, invoice_id: str) -> dict[str, Any]:
    state, params = context.state, context.params
    invoice = state.require(invoice_id, "invoice")
    before = state.render(invoice)
    invoice["metadata"] = merged_metadata(invoice["metadata"], params)
    if "description" in params:
        invoice["description"] = optional_string(params, "description")
    auto_advance = optional_boolean(params, "auto_advance")
    if auto_advance is not None:
        invoice["auto_advance"] = auto_advance
        if not auto_advance:
            invoice["next_payment_attempt"] = None
    if "default_payment_method" in params:
        invoice["default_payment_method"] = optional_string(params, "default_payment_method")
    changes = previous_attributes(before, state.render(invoice))
    if changes:
        state.emit_event("invoice.updated", invoice, changes)
    return context.respond(invoice)


def _invoice_finalize_route(context: RequestContext, invoice_id: str) -> dict[str, Any]:
    invoice = context.state.require(invoice_id, "invoice")
    if invoice["status"] != "draft":
        raise invalid_request_error(
            "This invoice is already finalized, you can't re-finalize a non-draft invoice.",
            code="invoice_not_editable",
        )
    _invoice_finalize(context.state, invoice)
    return context.respond(invoice)


def _invoice_pay(context: RequestContext, invoice_id: str) -> dict[str, Any]:
    state, params = context.state, context.params
    invoice = state.require(invoice_id, "invoice")
    if invoice["status"] == "paid":
        raise invalid_request_error("Invoice is already paid", code="invoice_already_paid")
    if invoice["status"] == "void":
        raise invalid_request_error(
            "This invoice cannot be paid because it has been voided.",
            code="invoice_not_editable",
        )
    if invoice["status"] == "draft":
        _invoice_finalize(state, invoice)
    if optional_boolean(params, "paid_out_of_band"):
        invoice["amount_paid_off_stripe"] = invoice["amount_remaining"]
        _invoice_mark_paid(state, invoice, 0)
        return context.respond(invoice)
    payment_method_value = optional_string(params, "payment_method")
    payment_method_id = None
    if payment_method_value is not None:
        from stripe_emulator.customers import payment_method_resolve

        payment_method_id = payment_method_resolve(state, payment_method_value)["id"]
    off_session = optional_boolean(params, "off_session")
    error = invoice_attempt_payment(
        state,
        invoice,
        off_session=True if off_session is None else off_session,
        payment_method_id=payment_method_id,
    )
    if error is not None:
        error.stored_for_idempotency = True
        raise error
    return context.respond(invoice)


def _invoice_void(context: RequestContext, invoice_id: str) -> dict[str, Any]:
    state = context.state
    invoice = state.require(invoice_id, "invoice")
    if invoice["status"] not in ("open", "uncollectible"):
        raise invalid_request_error(
            f"You can only pass in open or uncollectible invoices. This invoice is "
            f"{invoice['status']}.",
            code="invoice_not_editable",
        )
    invoice["status"] = "void"
    invoice["next_payment_attempt"] = None
    invoice["status_transitions"]["voided_at"] = state.now()
    state.emit_event("invoice.voided", invoice)
    return context.respond(invoice)


def _invoice_mark_uncollectible(context: RequestContext, invoice_id: str) -> dict[str, Any]:
    state = context.state
    invoice = state.require(invoice_id, "invoice")
    if invoice["status"] != "open":
        raise invalid_request_error(
            f"You can only mark open invoices as uncollectible. This invoice is "
            f"{invoice['status']}.",
            code="invoice_not_editable",
        )
    invoice["status"] = "uncollectible"
    invoice["next_payment_attempt"] = None
    invoice["status_transitions"]["marked_uncollectible_at"] = state.now()
    state.emit_event("invoice.marked_uncollectible", invoice)
    return context.respond(invoice)


def _invoice_payment_list(context: RequestContext) -> dict[str, Any]:
    invoice_id = optional_string(context.params, "invoice")
    payments = context.state.list_objects(
        "invoice_payment", lambda payment: invoice_id is None or payment["invoice"] == invoice_id
    )
    return context.list_response(payments, "/v1/invoice_payments")


def _invoice_payment_retrieve(context: RequestContext, invoice_payment_id: str) -> dict[str, Any]:
    return context.respond(
        context.state.require(invoice_payment_id, "invoice_payment", label="invoice payment")
    )


# The clock -----------------------------------------------------------------------------------


def _due_work(state: EmulatorState, until: int) -> tuple[int, str, dict[str, Any]] | None:
    candidates: list[tuple[int, int, str, dict[str, Any]]] = []
    for subscription in state.list_objects("subscription"):
        status = subscription["status"]
        if status == "trialing":
            notice_at = subscription["trial_end"] - TRIAL_WILL_END_NOTICE_SECONDS
            if not subscription["_trial_will_end_sent"] and notice_at > subscription["trial_start"]:
                candidates.append(
                    (notice_at, subscription["_sequence"], "trial_will_end", subscription)
                )
            candidates.append(
                (subscription["trial_end"], subscription["_sequence"], "trial_end", subscription)
            )
        elif status in ("active", "past_due", "unpaid"):
            cancel_at = subscription["cancel_at"]
            if cancel_at is not None and cancel_at < subscription["_period_end"]:
                candidates.append((cancel_at, subscription["_sequence"], "cancel", subscription))
            else:
                candidates.append(
                    (subscription["_period_end"], subscription["_sequence"], "renew", subscription)
                )
        elif status == "incomplete":
            candidates.append(
                (
                    subscription["_incomplete_expires_at"],
                    subscription["_sequence"],
                    "expire",
                    subscription,
                )
            )
    for invoice in state.list_objects("invoice"):
        if invoice["status"] == "open" and invoice["next_payment_attempt"] is not None:
            candidates.append(
                (invoice["next_payment_attempt"], invoice["_sequence"], "retry", invoice)
            )
    due = [candidate for candidate in candidates if candidate[0] <= until]
    if not due:
        return None
    moment, _, kind, target = min(due, key=lambda candidate: (candidate[0], candidate[1]))
    return moment, kind, target


def _renew(state: EmulatorState, subscription: dict[str, Any]) -> None:
    period_start, period_end = subscription["_period_start"], subscription["_period_end"]
    if subscription["cancel_at_period_end"] or subscription["cancel_at"] == period_end:
        subscription_cancel_now(
            state,
            subscription,
            reason="cancellation_requested",
            invoice_now=_has_metered(state, subscription),
        )
        return
    interval, interval_count = _subscription_interval(state, subscription)
    subscription["_period_index"] += 1
    next_end = add_interval(
        subscription["billing_cycle_anchor"],
        interval,
        interval_count * (subscription["_period_index"] + 1),
    )
    lines = _cycle_lines(
        state,
        subscription,
        usage_start=period_start,
        usage_end=period_end,
        next_start=period_end,
        next_end=next_end,
    )
    lines += subscription["_pending_lines"]
    subscription["_pending_lines"] = []
    before = state.render(subscription)
    _set_period(state, subscription, period_end, next_end)
    _cycle_invoice_issue(
        state, subscription, before, lines, period_start=period_start, period_end=period_end
    )


def _has_metered(state: EmulatorState, subscription: dict[str, Any]) -> bool:
    return any(
        _is_metered(state.objects[item["price"]])
        for item in subscription_items(state, subscription["id"])
    )


def advance_clock(state: EmulatorState, seconds: int) -> int:
    """Move the emulator's clock forward, running everything that falls due on the way."""
    if seconds < 0:
        raise invalid_request_error("The clock can only move forward.", param="seconds")
    with state.lock:
        start = state.now()
        target = start + seconds
        moment = start
        try:
            for _ in range(MAXIMUM_CLOCK_STEPS):
                due = _due_work(state, target)
                if due is None:
                    break
                due_at, kind, target_object = due
                moment = max(moment, due_at)
                state.frozen_time = moment
                _run_due_work(state, kind, target_object)
        finally:
            state.frozen_time = None
        state.clock_offset_seconds += seconds
        return state.now()


def _run_due_work(state: EmulatorState, kind: str, target: dict[str, Any]) -> None:
    if kind == "trial_will_end":
        target["_trial_will_end_sent"] = True
        state.emit_event("customer.subscription.trial_will_end", target)
    elif kind == "trial_end":
        _end_trial(state, target, target["trial_end"])
    elif kind == "renew":
        _renew(state, target)
    elif kind == "cancel":
        subscription_cancel_now(state, target, reason="cancellation_requested")
    elif kind == "expire":
        before = state.render(target)
        target["status"] = "incomplete_expired"
        target["ended_at"] = state.now()
        invoice = state.objects.get(target["latest_invoice"] or "")
        if invoice is not None and invoice["status"] == "open":
            invoice["status"] = "void"
            invoice["status_transitions"]["voided_at"] = state.now()
            state.emit_event("invoice.voided", invoice)
        state.emit_event(
            "customer.subscription.updated",
            target,
            previous_attributes(before, state.render(target)),
        )
        state.emit_event("customer.subscription.deleted", target)
    elif kind == "retry":
        target["next_payment_attempt"] = None
        invoice_attempt_payment(state, target, off_session=True)


def register_routes(router: Router) -> None:
    router.add("POST", "/v1/subscriptions", _subscription_create)
    router.add("GET", "/v1/subscriptions", _subscription_list)
    router.add("GET", "/v1/subscriptions/{subscription_id}", _subscription_retrieve)
    router.add("POST", "/v1/subscriptions/{subscription_id}", _subscription_update)
    router.add("DELETE", "/v1/subscriptions/{subscription_id}", _subscription_cancel)
    router.add("POST", "/v1/subscriptions/{subscription_id}/cancel", _subscription_cancel)
    router.add("POST", "/v1/subscription_items", _subscription_item_create)
    router.add("GET", "/v1/subscription_items", _subscription_item_list)
    router.add("GET", "/v1/subscription_items/{item_id}", _subscription_item_retrieve)
    router.add("POST", "/v1/subscription_items/{item_id}", _subscription_item_update)
    router.add("DELETE", "/v1/subscription_items/{item_id}", _subscription_item_delete)
    router.add("GET", "/v1/invoices", _invoice_list)
    router.add("GET", "/v1/invoices/{invoice_id}", _invoice_retrieve)
    router.add("POST", "/v1/invoices/{invoice_id}", _invoice_update)
    router.add("GET", "/v1/invoices/{invoice_id}/lines", _invoice_line_list)
    router.add("POST", "/v1/invoices/{invoice_id}/finalize", _invoice_finalize_route)
    router.add("POST", "/v1/invoices/{invoice_id}/pay", _invoice_pay)
    router.add("POST", "/v1/invoices/{invoice_id}/void", _invoice_void)
    router.add("POST", "/v1/invoices/{invoice_id}/mark_uncollectible", _invoice_mark_uncollectible)
    router.add("GET", "/v1/invoice_payments", _invoice_payment_list)
    router.add("GET", "/v1/invoice_payments/{invoice_payment_id}", _invoice_payment_retrieve)


__all__ = ["advance_clock", "invoice_payment_settled", "random_token", "register_routes"]


def _cycle_invoice_issue(
    state: Any,
    subscription: dict[str, Any],
    before: dict[str, Any],
    lines: list[dict[str, Any]],
    *,
    period_start: int,
    period_end: int,
) -> None:
    """A period's invoice: created, announced with the subscription's change, finalized and
    charged off-session, as Stripe does at a cycle boundary."""
    invoice = _invoice_create(
        state,
        subscription,
        billing_reason="subscription_cycle",
        line_specs=lines,
        period_start=period_start,
        period_end=period_end,
    )
    subscription["latest_invoice"] = invoice["id"]
    state.emit_event(
        "customer.subscription.updated",
        subscription,
        previous_attributes(before, state.render(subscription)),
    )
    _invoice_finalize(state, invoice)
    invoice_attempt_payment(state, invoice, off_session=True)
