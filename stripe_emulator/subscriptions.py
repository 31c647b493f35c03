"""Subscriptions and subscription items: create, update (with prorations), cancel, list, and
their routes.
"""

from __future__ import annotations

from typing import Any

from stripe_emulator.catalog import price_amount_for_quantity
from stripe_emulator.coupons import discounts_redeem
from stripe_emulator.customers import AUTHENTICATING_BEHAVIOURS, DECLINES, card_error
from stripe_emulator.errors import (
    invalid_request_error,
    resource_missing_error,
)
from stripe_emulator.invoices import (
    cycle_invoice_issue,
    invoice_attempt_payment,
    invoice_create,
    invoice_finalize,
    invoice_payment_method,
    subscription_cancel_now,
)
from stripe_emulator.parameters import (
    merged_metadata,
    optional_boolean,
    optional_hash,
    optional_integer,
    optional_string,
    required_string,
    timestamp_filter_matches,
)
from stripe_emulator.payments import payment_intent_create
from stripe_emulator.proration import cycle_lines, item_change_proration_lines
from stripe_emulator.routing import RequestContext
from stripe_emulator.state import EmulatorState, previous_attributes
from stripe_emulator.subscription_items import (
    DAY_SECONDS,
    INCOMPLETE_EXPIRY_SECONDS,
    PAYMENT_BEHAVIOURS,
    PRORATION_BEHAVIOURS,
    add_interval,
    is_metered,
    item_create,
    parse_item_params,
    product_name,
    set_period,
    subscription_interval,
    subscription_items,
    validated_price,
)
from stripe_emulator.subscription_schedules import schedule_end_with_subscription


def _would_payment_fail(state: EmulatorState, payment_method_id: str | None) -> str | None:
    if payment_method_id is None:
        return "no_payment_method"
    behaviour = state.card_behaviours.get(payment_method_id, "succeed")
    return behaviour if behaviour in DECLINES or behaviour in AUTHENTICATING_BEHAVIOURS else None


def subscription_create(context: RequestContext) -> dict[str, Any]:
    """`POST /v1/subscriptions`, in Stripe's order: the request checked, the subscription and its
    items made, then its first invoice (a zero-amount one for a trial) finalized and charged."""
    state, params = context.state, context.params
    customer_id = required_string(params, "customer")
    customer = state.require(customer_id, "customer", param="customer")
    item_params, prices, intervals = _subscription_prices(state, params)
    # proration_behavior is checked on create as Stripe does, though nothing is prorated yet.
    payment_behaviour, _ = _subscription_behaviours(params)
    default_payment_method = _subscription_default_payment_method(state, params, customer_id)
    now = state.now()
    trial_end = _subscription_trial_end(params, now)
    if trial_end is None and payment_behaviour == "error_if_incomplete":
        _subscription_refuse_unpayable(state, customer, prices, item_params, default_payment_method)
    discounts = discounts_redeem(
        state, params, customer_id=customer_id, currency=prices[0]["currency"]
    )
    subscription = _subscription_insert(
        state,
        params,
        customer_id=customer_id,
        prices=prices,
        intervals=intervals,
        default_payment_method=default_payment_method,
        trial_end=trial_end,
    )
    for discount in discounts:
        discount["subscription"] = subscription["id"]
    subscription["discounts"] = [discount["id"] for discount in discounts]
    for price, item in zip(prices, item_params, strict=True):
        item_create(
            state,
            subscription,
            price,
            optional_integer(item, "quantity"),
            merged_metadata({}, item),
        )
    _subscription_first_invoice(
        state, subscription, payment_behaviour=payment_behaviour, trial_end=trial_end
    )
    subscription["_incomplete_expires_at"] = now + INCOMPLETE_EXPIRY_SECONDS
    subscription["_creating"] = False
    state.emit_event("customer.subscription.created", subscription)
    return context.respond(subscription)


def _subscription_prices(
    state: EmulatorState, params: dict[str, Any]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], set[tuple[str, int]]]:
    """The items asked for and their prices, which must share one interval and one currency."""
    item_params = parse_item_params(params)
    prices = [
        validated_price(state, item.get("price"), f"items[{position}][price]")
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
    return item_params, prices, intervals


def _subscription_behaviours(params: dict[str, Any]) -> tuple[str, str]:
    payment_behaviour = optional_string(params, "payment_behavior") or "allow_incomplete"
    if payment_behaviour not in PAYMENT_BEHAVIOURS:
        raise invalid_request_error("Invalid payment_behavior", param="payment_behavior")
    proration_behaviour = optional_string(params, "proration_behavior") or "create_prorations"
    if proration_behaviour not in PRORATION_BEHAVIOURS:
        raise invalid_request_error("Invalid proration_behavior", param="proration_behavior")
    return payment_behaviour, proration_behaviour


def _subscription_default_payment_method(
    state: EmulatorState, params: dict[str, Any], customer_id: str
) -> str | None:
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
    return default_payment_method


def _subscription_trial_end(params: dict[str, Any], now: int) -> int | None:
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
    return trial_end


def _subscription_refuse_unpayable(
    state: EmulatorState,
    customer: dict[str, Any],
    prices: list[dict[str, Any]],
    item_params: list[dict[str, Any]],
    default_payment_method: str | None,
) -> None:
    """`error_if_incomplete`: what the first invoice could not collect is refused up front."""
    total_due = sum(
        price_amount_for_quantity(price, optional_integer(item, "quantity") or 1)
        for price, item in zip(prices, item_params, strict=True)
        if not is_metered(price)
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


def _subscription_insert(
    state: EmulatorState,
    params: dict[str, Any],
    *,
    customer_id: str,
    prices: list[dict[str, Any]],
    intervals: set[tuple[str, int]],
    default_payment_method: str | None,
    trial_end: int | None,
) -> dict[str, Any]:
    """The subscription object, with every field the pinned API version declares."""
    now = state.now()
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
            "billing_schedules": [],
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
            "invoice_settings": {
                "account_tax_ids": None,
                "custom_fields": None,
                "description": None,
                "footer": None,
                "issuer": {"type": "self"},
            },
            "latest_invoice": None,
            "livemode": False,
            "managed_payments": None,
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
            # A subscription belongs to its customer's test clock, as Stripe's do.
            "test_clock": state.objects[customer_id]["test_clock"],
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
    return subscription


def _subscription_first_invoice(
    state: EmulatorState,
    subscription: dict[str, Any],
    *,
    payment_behaviour: str,
    trial_end: int | None,
) -> None:
    """The first invoice: for a trial, a zero-amount one listing what the trial covers (as
    Stripe opens a trial); otherwise the first period's licensed items, charged now or, with
    `default_incomplete`, left for the customer to confirm."""
    now = state.now()
    if trial_end is not None:
        subscription["status"] = "trialing"
    # Metered items are billed in arrears, so the first invoice has only the licensed ones.
    line_specs = [
        spec
        for spec in cycle_lines(
            state,
            subscription,
            usage_start=now,
            usage_end=now,
            next_start=now,
            next_end=trial_end if trial_end is not None else subscription["_period_end"],
        )
        if not is_metered(state.objects[spec["price"]])
    ]
    if trial_end is not None:
        line_specs = [
            dict(spec, amount=0, description=f"Trial period for {product_name(state, spec)}")
            for spec in line_specs
        ]
    invoice = invoice_create(
        state,
        subscription,
        billing_reason="subscription_create",
        line_specs=line_specs,
        period_start=now,
        period_end=now,
    )
    subscription["latest_invoice"] = invoice["id"]
    invoice_finalize(state, invoice)
    if (
        trial_end is None
        and payment_behaviour == "default_incomplete"
        and invoice["amount_due"] > 0
    ):
        _invoice_leave_for_confirmation(state, invoice, subscription)
    else:
        invoice_attempt_payment(state, invoice, off_session=False)
    if trial_end is None and invoice["status"] == "paid":
        subscription["status"] = "active"


def _invoice_leave_for_confirmation(
    state: EmulatorState, invoice: dict[str, Any], subscription: dict[str, Any]
) -> None:
    """`default_incomplete`: a PaymentIntent the customer confirms, its secret on the invoice."""
    intent = payment_intent_create(
        state,
        amount=invoice["amount_due"],
        currency=invoice["currency"],
        customer_id=subscription["customer"],
        payment_method_id=invoice_payment_method(state, invoice, subscription),
        description="Subscription creation",
    )
    intent["_invoice"] = invoice["id"]
    invoice["_payment_intent"] = intent["id"]
    invoice["confirmation_secret"] = {
        "client_secret": intent["client_secret"],
        "type": "payment_intent",
    }


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
                proration_lines += item_change_proration_lines(
                    state, subscription, item, old_price, old_quantity, None, None
                )
                state.delete(item["id"])
                continue
            new_price = old_price
            if change.get("price"):
                new_price = validated_price(state, change["price"], f"items[{position}][price]")
            new_quantity = optional_integer(change, "quantity")
            if new_quantity is None:
                new_quantity = old_quantity
            if is_metered(new_price):
                new_quantity = None
            elif new_quantity is None:
                new_quantity = 1
            if new_price is not old_price or new_quantity != old_quantity:
                proration_lines += item_change_proration_lines(
                    state, subscription, item, old_price, old_quantity, new_price, new_quantity
                )
            item["price"] = new_price["id"]
            item["quantity"] = new_quantity
            item["metadata"] = merged_metadata(item["metadata"], change)
        else:
            price = validated_price(state, change.get("price"), f"items[{position}][price]")
            item = item_create(
                state,
                subscription,
                price,
                optional_integer(change, "quantity"),
                merged_metadata({}, change),
            )
            proration_lines += item_change_proration_lines(
                state, subscription, item, None, None, price, item["quantity"]
            )
    if not subscription_items(state, subscription["id"]):
        raise invalid_request_error("A subscription must have at least one item.", param="items")
    return proration_lines


def end_trial(state: EmulatorState, subscription: dict[str, Any], at: int) -> None:
    """The trial is over: start the first paid period and invoice it."""
    interval, interval_count = subscription_interval(state, subscription)
    before = state.render(subscription)
    subscription["trial_end"] = at
    subscription["billing_cycle_anchor"] = at
    subscription["_period_index"] = 0
    period_end = add_interval(at, interval, interval_count)
    set_period(state, subscription, at, period_end)
    subscription["status"] = "active"
    lines = cycle_lines(
        state, subscription, usage_start=at, usage_end=at, next_start=at, next_end=period_end
    )
    lines = [line for line in lines if not is_metered(state.objects[line["price"]])]
    lines += subscription["_pending_lines"]
    subscription["_pending_lines"] = []
    cycle_invoice_issue(state, subscription, before, lines, period_start=at, period_end=at)


def _billing_period_reset(
    state: EmulatorState, subscription: dict[str, Any], proration_lines: list[dict[str, Any]]
) -> dict[str, Any]:
    """The prices' billing period changed (monthly to yearly, say): as Stripe does, the billing
    cycle restarts now and is invoiced at once — the new prices in full for the new period, the
    metered usage of the cut-short period, and (unless proration_behavior is none) a credit for
    the unused time on the old prices. The new prices' own prorations over the old period do
    not apply: the new period is billed whole."""
    now = state.now()
    interval, interval_count = subscription_interval(state, subscription)
    period_start = subscription["_period_start"]
    period_end = add_interval(now, interval, interval_count)
    lines = cycle_lines(
        state,
        subscription,
        usage_start=period_start,
        usage_end=now,
        next_start=now,
        next_end=period_end,
    )
    lines += [line for line in proration_lines if line["amount"] < 0]
    lines += subscription["_pending_lines"]
    subscription["_pending_lines"] = []
    subscription["billing_cycle_anchor"] = now
    subscription["_period_index"] = 0
    set_period(state, subscription, now, period_end)
    invoice = invoice_create(
        state,
        subscription,
        billing_reason="subscription_update",
        line_specs=lines,
        period_start=period_start,
        period_end=now,
    )
    subscription["latest_invoice"] = invoice["id"]
    return invoice


def subscription_update(context: RequestContext, subscription_id: str) -> dict[str, Any]:
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
    if subscription["schedule"] is not None and {"cancel_at_period_end", "cancel_at"} & set(params):
        raise invalid_request_error(
            f"The subscription is managed by the subscription schedule "
            f"`{subscription['schedule']}`, and updating any cancelation behavior directly is "
            "not allowed. Please update the schedule instead."
        )
    # Checked before anything changes, so a refused code leaves the subscription as it was.
    new_discount_ids: list[str] | None = None
    if params.get("discounts") == "":
        new_discount_ids = []
    elif params.get("discounts"):
        new_discount_ids = [
            discount["id"]
            for discount in discounts_redeem(
                state,
                params,
                customer_id=subscription["customer"],
                currency=subscription["currency"],
                subscription_id=subscription["id"],
            )
        ]
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
    if new_discount_ids is not None:
        subscription["discounts"] = new_discount_ids
    proration_lines: list[dict[str, Any]] = []
    interval_before = subscription_interval(state, subscription)
    if "items" in params:
        proration_lines = _apply_item_changes(state, subscription, parse_item_params(params))
    if proration_behaviour == "none":
        proration_lines = []
    invoice = None
    if (
        "items" in params
        and subscription["status"] in ("active", "past_due", "unpaid")
        and subscription_interval(state, subscription) != interval_before
    ):
        invoice = _billing_period_reset(state, subscription, proration_lines)
    elif proration_behaviour == "always_invoice" and proration_lines:
        invoice = invoice_create(
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
        invoice_finalize(state, invoice)
        error = invoice_attempt_payment(state, invoice, off_session=False)
        if error is not None and (
            optional_string(params, "payment_behavior") == "error_if_incomplete"
        ):
            raise error
    if params.get("trial_end") == "now" and subscription["status"] == "trialing":
        end_trial(state, subscription, state.now())
    return context.respond(subscription)


def subscription_retrieve(context: RequestContext, subscription_id: str) -> dict[str, Any]:
    return context.respond(context.state.require(subscription_id, "subscription"))


def subscription_cancel(context: RequestContext, subscription_id: str) -> dict[str, Any]:
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
    schedule_end_with_subscription(state, subscription)
    return context.respond(subscription)


def subscription_list(context: RequestContext) -> dict[str, Any]:
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


def subscription_item_list(context: RequestContext) -> dict[str, Any]:
    subscription_id = required_string(context.params, "subscription")
    context.state.require(subscription_id, "subscription", param="subscription")
    items = subscription_items(context.state, subscription_id)
    return context.list_response(items, "/v1/subscription_items")


def subscription_item_retrieve(context: RequestContext, item_id: str) -> dict[str, Any]:
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


def subscription_item_create(context: RequestContext) -> dict[str, Any]:
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


def subscription_item_update(context: RequestContext, item_id: str) -> dict[str, Any]:
    state, params = context.state, context.params
    item = state.require(item_id, "subscription_item", label="subscription item")
    subscription = state.objects[item["subscription"]]
    change = {"id": item_id}
    change.update({key: params[key] for key in ("price", "quantity", "metadata") if key in params})
    _subscription_item_change(context, subscription, change)
    return context.respond(item)


def subscription_item_delete(context: RequestContext, item_id: str) -> dict[str, Any]:
    state = context.state
    item = state.require(item_id, "subscription_item", label="subscription item")
    subscription = state.objects[item["subscription"]]
    _subscription_item_change(context, subscription, {"id": item_id, "deleted": "true"})
    return dict(state.deleted_objects[item_id])
