"""Subscription items and the facts about a subscription that invoices, prorations and the clock
all read: its prices, its period and interval, its status.
"""

from __future__ import annotations

import calendar
import datetime
from typing import Any

from stripe_emulator.errors import (
    invalid_request_error,
    missing_parameter_error,
)
from stripe_emulator.parameters import (
    optional_list,
)
from stripe_emulator.state import EmulatorState, previous_attributes, render_hook

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


def format_date(timestamp: int) -> str:
    moment = datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC)
    return f"{moment:%b} {moment.day}, {moment.year}"


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


def is_metered(price: dict[str, Any]) -> bool:
    return (price["recurring"] or {}).get("usage_type") == "metered"


def validated_price(state: EmulatorState, price_id: Any, param: str) -> dict[str, Any]:
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


def item_create(
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
            "quantity": None if is_metered(price) else (1 if quantity is None else quantity),
            "subscription": subscription["id"],
            "tax_rates": [],
        }
    )


def set_period(state: EmulatorState, subscription: dict[str, Any], start: int, end: int) -> None:
    subscription["_period_start"] = start
    subscription["_period_end"] = end
    for item in subscription_items(state, subscription["id"]):
        item["current_period_start"] = start
        item["current_period_end"] = end


def subscription_interval(state: EmulatorState, subscription: dict[str, Any]) -> tuple[str, int]:
    items = subscription_items(state, subscription["id"])
    recurring = state.objects[items[0]["price"]]["recurring"]
    return recurring["interval"], recurring["interval_count"]


def subscription_set_status(
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


def parse_item_params(params: dict[str, Any]) -> list[dict[str, Any]]:
    items = optional_list(params, "items")
    if not items:
        raise missing_parameter_error("items")
    for position, item in enumerate(items):
        if not isinstance(item, dict):
            raise invalid_request_error("Invalid array", param=f"items[{position}]")
    return items


def product_name(state: EmulatorState, spec: dict[str, Any]) -> str:
    name: str = state.objects.get(spec["product"], {}).get("name", "product")
    return name


def has_metered(state: EmulatorState, subscription: dict[str, Any]) -> bool:
    return any(
        is_metered(state.objects[item["price"]])
        for item in subscription_items(state, subscription["id"])
    )
