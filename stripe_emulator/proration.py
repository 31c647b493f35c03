"""The lines of a subscription's invoices: a cycle's licensed lines in advance and metered lines in
arrears, and the prorations of a change within the period, as Stripe computes them.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from stripe_emulator.catalog import price_amount_for_quantity
from stripe_emulator.meters import meter_aggregate
from stripe_emulator.money import format_amount
from stripe_emulator.state import EmulatorState
from stripe_emulator.subscription_items import format_date, is_metered, subscription_items


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
    per = f" / {recurring['interval']}" if recurring and not is_metered(price) else ""
    return f"{quantity_text} × {name} (at {unit}{per})"


def _quantity_text(quantity: Decimal | int) -> str:
    value = Decimal(quantity)
    return str(int(value)) if value == value.to_integral_value() else str(value.normalize())


def cycle_lines(
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
        if is_metered(price):
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


def item_change_proration_lines(
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
    date_text = format_date(now)
    for price, quantity, sign, wording in (
        (old_price, old_quantity, -1, "Unused time on"),
        (new_price, new_quantity, 1, "Remaining time on"),
    ):
        if price is None or not quantity or is_metered(price):
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
