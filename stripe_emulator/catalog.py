"""Products and prices, including metered and tiered prices and their amount arithmetic."""

from __future__ import annotations

from collections.abc import Callable
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
    reject_unknown_parameters,
    required_currency,
    required_string,
    string_list,
)
from stripe_emulator.routing import RequestContext, Router
from stripe_emulator.state import EmulatorState, previous_attributes, render_hook

RECURRING_INTERVALS = ("day", "week", "month", "year")


# Products ------------------------------------------------------------------------------------


def _product_create(context: RequestContext) -> dict[str, Any]:
    state, params = context.state, context.params
    reject_unknown_parameters(
        params,
        {
            "id",
            "name",
            "active",
            "description",
            "metadata",
            "unit_label",
            "statement_descriptor",
            "tax_code",
            "url",
            "images",
            "shippable",
        },
    )
    name = required_string(params, "name")
    product_id = optional_string(params, "id") or state.new_id("prod", 14)
    if product_id in state.objects:
        raise invalid_request_error(
            "Product already exists.", param="id", code="resource_already_exists"
        )
    product = product_build(state, product_id, name)
    active = optional_boolean(params, "active")
    product["active"] = True if active is None else active
    for key in ("description", "unit_label", "statement_descriptor", "tax_code", "url"):
        product[key] = optional_string(params, key)
    product["images"] = string_list(params, "images")
    product["metadata"] = merged_metadata({}, params)
    state.insert(product)
    state.emit_event("product.created", product)
    return context.respond(product)


def product_build(state: EmulatorState, product_id: str, name: str) -> dict[str, Any]:
    return {
        "id": product_id,
        "object": "product",
        "active": True,
        "created": state.now(),
        "default_price": None,
        "description": None,
        "images": [],
        "livemode": False,
        "marketing_features": [],
        "metadata": {},
        "name": name,
        "package_dimensions": None,
        "shippable": None,
        "statement_descriptor": None,
        "tax_code": None,
        "type": "service",
        "unit_label": None,
        "updated": state.now(),
        "url": None,
    }


def _product_retrieve(context: RequestContext, product_id: str) -> dict[str, Any]:
    if product_id in context.state.deleted_objects:
        return dict(context.state.deleted_objects[product_id])
    return context.respond(context.state.require(product_id, "product"))


def _product_feature_list(context: RequestContext, product_id: str) -> dict[str, Any]:
    """Entitlement features are not emulated: every product has none (dj-stripe lists them)."""
    context.state.require(product_id, "product")
    return context.list_response([], f"/v1/products/{product_id}/features")


def _product_update(context: RequestContext, product_id: str) -> dict[str, Any]:
    state, params = context.state, context.params
    reject_unknown_parameters(
        params,
        {
            "name",
            "active",
            "description",
            "metadata",
            "unit_label",
            "statement_descriptor",
            "default_price",
            "tax_code",
            "url",
            "images",
        },
    )
    product = state.require(product_id, "product")
    before = state.render(product)
    if "name" in params:
        product["name"] = required_string(params, "name")
    active = optional_boolean(params, "active")
    if active is not None:
        product["active"] = active
    for key in ("description", "unit_label", "statement_descriptor", "tax_code", "url"):
        if key in params:
            product[key] = optional_string(params, key)
    if "default_price" in params:
        default_price = optional_string(params, "default_price")
        if default_price is not None:
            price = state.require(default_price, "price", param="default_price")
            if price["product"] != product_id:
                raise invalid_request_error(
                    "The default price must belong to this product.", param="default_price"
                )
        product["default_price"] = default_price
    if "images" in params:
        product["images"] = string_list(params, "images")
    product["metadata"] = merged_metadata(product["metadata"], params)
    changes = previous_attributes(before, state.render(product))
    if changes:
        product["updated"] = state.now()
        state.emit_event("product.updated", product, changes)
    return context.respond(product)


def _product_delete(context: RequestContext, product_id: str) -> dict[str, Any]:
    state = context.state
    product = state.require(product_id, "product")
    if state.list_objects("price", lambda price: price["product"] == product_id):
        raise invalid_request_error(
            "This product cannot be deleted because it has one or more user-created prices."
        )
    state.emit_event("product.deleted", product)
    return state.delete(product_id)


def _product_list(context: RequestContext) -> dict[str, Any]:
    active = optional_boolean(context.params, "active")
    identifiers = string_list(context.params, "ids")
    products = context.state.list_objects(
        "product",
        lambda product: (
            (active is None or product["active"] == active)
            and (not identifiers or product["id"] in identifiers)
        ),
    )
    return context.list_response(products, "/v1/products")


# Prices --------------------------------------------------------------------------------------


# Stripe keeps unit prices to 12 decimal places of the minor unit.
UNIT_AMOUNT_DECIMAL_PLACES = 12


def _decimal_string(value: Decimal | int | None) -> str | None:
    if value is None:
        return None
    return format(Decimal(value).normalize(), "f")


def _unit_price(
    params: dict[str, Any], param_of: Callable[[str], str] = str
) -> tuple[int | None, Decimal | None]:
    """A price's (or a tier's) `unit_amount` or `unit_amount_decimal`: only one of the two, a
    decimal of at most 12 places, neither negative."""
    unit_amount = optional_integer(params, "unit_amount")
    raw_decimal = params.get("unit_amount_decimal")
    if unit_amount is not None and raw_decimal not in (None, ""):
        raise invalid_request_error(
            "You may only specify one of these parameters: unit_amount, unit_amount_decimal.",
            code="parameters_exclusive",
            param=param_of("unit_amount_decimal"),
        )
    if unit_amount is not None and unit_amount < 0:
        raise invalid_request_error(
            f"Invalid integer: {param_of('unit_amount')} must be at least 0",
            param=param_of("unit_amount"),
        )
    if raw_decimal in (None, ""):
        return unit_amount, None
    name = param_of("unit_amount_decimal")
    try:
        unit_decimal = Decimal(str(raw_decimal))
    except InvalidOperation:
        raise invalid_request_error(f"Invalid decimal: {raw_decimal}", param=name) from None
    if not unit_decimal.is_finite():
        raise invalid_request_error(f"Invalid decimal: {raw_decimal}", param=name)
    if unit_decimal < 0:
        raise invalid_request_error(f"Invalid decimal: {name} must be at least 0", param=name)
    exponent = unit_decimal.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > UNIT_AMOUNT_DECIMAL_PLACES:
        raise invalid_request_error(
            f"Invalid decimal: {raw_decimal}. {name} may have at most "
            f"{UNIT_AMOUNT_DECIMAL_PLACES} decimal places.",
            param=name,
        )
    return unit_amount, unit_decimal


def _tier_param(position: int) -> Callable[[str], str]:
    return lambda key: f"tiers[{position}][{key}]"


def _whole_minor_units(unit_decimal: Decimal) -> int | None:
    """Stripe answers `unit_amount` for a decimal price only when it is whole minor units."""
    return int(unit_decimal) if unit_decimal == unit_decimal.to_integral_value() else None


def _parse_tiers(params: dict[str, Any]) -> list[dict[str, Any]]:
    raw_tiers = optional_list(params, "tiers")
    if not raw_tiers:
        raise missing_parameter_error("tiers")
    tiers: list[dict[str, Any]] = []
    previous_bound = 0
    for position, raw in enumerate(raw_tiers):
        if not isinstance(raw, dict) or "up_to" not in raw:
            raise missing_parameter_error(f"tiers[{position}][up_to]")
        up_to_value = raw["up_to"]
        if up_to_value == "inf":
            up_to = None
        else:
            up_to = optional_integer(raw, "up_to")
            if up_to is None or up_to <= previous_bound:
                raise invalid_request_error(
                    "Tiers must be in increasing order of up_to.",
                    param=f"tiers[{position}][up_to]",
                )
            previous_bound = up_to
        is_last = position == len(raw_tiers) - 1
        if (up_to is None) != is_last:
            raise invalid_request_error(
                "The last tier must have up_to=inf and only the last tier may.",
                param=f"tiers[{position}][up_to]",
            )
        unit_amount, unit_amount_decimal = _unit_price(raw, _tier_param(position))
        flat_amount = optional_integer(raw, "flat_amount")
        if unit_amount is None and unit_amount_decimal is None and flat_amount is None:
            raise invalid_request_error(
                "Each tier needs unit_amount, unit_amount_decimal or flat_amount.",
                param=f"tiers[{position}]",
            )
        if unit_amount_decimal is not None:
            unit_amount = _whole_minor_units(unit_amount_decimal)
        tiers.append(
            {
                "flat_amount": flat_amount,
                "flat_amount_decimal": _decimal_string(flat_amount),
                "unit_amount": unit_amount,
                "unit_amount_decimal": _decimal_string(
                    unit_amount_decimal if unit_amount_decimal is not None else unit_amount
                ),
                "up_to": up_to,
            }
        )
    return tiers


def _price_create(context: RequestContext) -> dict[str, Any]:
    """`POST /v1/prices`. Long because it checks a price's parameters in the order Stripe reports
    them (the first bad one is the error's `param`) and then spells out the price object."""
    state, params = context.state, context.params
    reject_unknown_parameters(
        params,
        {
            "currency",
            "product",
            "product_data",
            "unit_amount",
            "unit_amount_decimal",
            "recurring",
            "billing_scheme",
            "tiers",
            "tiers_mode",
            "lookup_key",
            "transfer_lookup_key",
            "nickname",
            "metadata",
            "active",
            "tax_behavior",
            "transform_quantity",
        },
    )
    currency = required_currency(params)
    product_id = optional_string(params, "product")
    product_data = optional_hash(params, "product_data")
    if product_id is None and product_data is None:
        raise missing_parameter_error("product")
    if product_id is not None:
        product = state.require(product_id, "product", param="product")
    else:
        assert product_data is not None
        product = product_build(
            state, state.new_id("prod", 14), required_string(product_data, "name")
        )
        product["metadata"] = merged_metadata({}, product_data)
        product["unit_label"] = optional_string(product_data, "unit_label")
        state.insert(product)
        state.emit_event("product.created", product)

    billing_scheme = optional_string(params, "billing_scheme") or "per_unit"
    if billing_scheme not in ("per_unit", "tiered"):
        raise invalid_request_error("Invalid billing_scheme", param="billing_scheme")
    unit_amount, unit_amount_decimal = _unit_price(params)
    tiers: list[dict[str, Any]] | None = None
    tiers_mode: str | None = None
    if billing_scheme == "tiered":
        tiers_mode = optional_string(params, "tiers_mode")
        if tiers_mode not in ("graduated", "volume"):
            raise missing_parameter_error("tiers_mode")
        tiers = _parse_tiers(params)
        unit_amount = None
        unit_amount_decimal = None
    else:
        if "tiers" in params:
            raise invalid_request_error(
                "Tiers may only be set when billing_scheme is tiered.", param="tiers"
            )
        if unit_amount is None and unit_amount_decimal is None:
            raise missing_parameter_error("unit_amount")
        if unit_amount_decimal is None:
            unit_amount_decimal = Decimal(unit_amount or 0)
        else:
            unit_amount = _whole_minor_units(unit_amount_decimal)

    recurring = _parse_recurring(state, params)
    lookup_key = optional_string(params, "lookup_key")
    if lookup_key is not None:
        holders = state.list_objects("price", lambda price: price["lookup_key"] == lookup_key)
        if holders:
            if optional_boolean(params, "transfer_lookup_key"):
                for holder in holders:
                    holder["lookup_key"] = None
            else:
                raise invalid_request_error(
                    f"A price (`{holders[0]['id']}`) already uses that lookup key.",
                    param="lookup_key",
                )
    active = optional_boolean(params, "active")
    price = state.insert(
        {
            "id": state.new_id("price"),
            "object": "price",
            "active": True if active is None else active,
            "billing_scheme": billing_scheme,
            "created": state.now(),
            "currency": currency,
            "custom_unit_amount": None,
            "livemode": False,
            "lookup_key": lookup_key,
            "metadata": merged_metadata({}, params),
            "nickname": optional_string(params, "nickname"),
            "product": product["id"],
            "recurring": recurring,
            "tax_behavior": optional_string(params, "tax_behavior") or "unspecified",
            "tiers_mode": tiers_mode,
            "transform_quantity": optional_hash(params, "transform_quantity"),
            "type": "recurring" if recurring else "one_time",
            "unit_amount": unit_amount,
            "unit_amount_decimal": _decimal_string(unit_amount_decimal),
            # Only returned when expanded, as Stripe does.
            "_tiers": tiers,
        }
    )
    state.emit_event("price.created", price)
    return context.respond(price)


def _parse_recurring(state: EmulatorState, params: dict[str, Any]) -> dict[str, Any] | None:
    recurring_params = optional_hash(params, "recurring")
    if recurring_params is None:
        return None
    interval = optional_string(recurring_params, "interval")
    if interval is None:
        raise missing_parameter_error("recurring[interval]")
    if interval not in RECURRING_INTERVALS:
        raise invalid_request_error(
            f"Invalid recurring[interval]: must be one of {', '.join(RECURRING_INTERVALS)}",
            param="recurring[interval]",
        )
    interval_count = optional_integer(recurring_params, "interval_count") or 1
    usage_type = optional_string(recurring_params, "usage_type") or "licensed"
    meter_id = optional_string(recurring_params, "meter")
    if usage_type == "metered":
        if meter_id is None:
            # Since 2025-03-31.basil metered prices must be backed by a billing meter.
            raise invalid_request_error(
                "Metered prices must be backed by a meter: set recurring[meter].",
                param="recurring[meter]",
            )
        state.require(meter_id, "billing.meter", label="billing meter", param="recurring[meter]")
    elif usage_type != "licensed":
        raise invalid_request_error("Invalid recurring[usage_type]", param="recurring[usage_type]")
    elif meter_id is not None:
        raise invalid_request_error(
            "recurring[meter] can only be set on metered prices.", param="recurring[meter]"
        )
    return {
        "interval": interval,
        "interval_count": interval_count,
        "meter": meter_id,
        "trial_period_days": None,
        "usage_type": usage_type,
    }


def _price_retrieve(context: RequestContext, price_id: str) -> dict[str, Any]:
    return context.respond(context.state.require(price_id, "price"))


def _price_update(context: RequestContext, price_id: str) -> dict[str, Any]:
    state, params = context.state, context.params
    # Stripe prices are immutable apart from these.
    reject_unknown_parameters(
        params,
        {"active", "metadata", "nickname", "lookup_key", "transfer_lookup_key", "tax_behavior"},
    )
    price = state.require(price_id, "price")
    before = state.render(price)
    active = optional_boolean(params, "active")
    if active is not None:
        price["active"] = active
    if "nickname" in params:
        price["nickname"] = optional_string(params, "nickname")
    if "lookup_key" in params:
        lookup_key = optional_string(params, "lookup_key")
        holders = state.list_objects(
            "price", lambda other: other["lookup_key"] == lookup_key and other is not price
        )
        if lookup_key is not None and holders:
            if not optional_boolean(params, "transfer_lookup_key"):
                raise invalid_request_error(
                    f"A price (`{holders[0]['id']}`) already uses that lookup key.",
                    param="lookup_key",
                )
            for holder in holders:
                holder["lookup_key"] = None
        price["lookup_key"] = lookup_key
    if "tax_behavior" in params:
        price["tax_behavior"] = optional_string(params, "tax_behavior") or "unspecified"
    price["metadata"] = merged_metadata(price["metadata"], params)
    changes = previous_attributes(before, state.render(price))
    if changes:
        state.emit_event("price.updated", price, changes)
    return context.respond(price)


def _price_list(context: RequestContext) -> dict[str, Any]:
    params = context.params
    active = optional_boolean(params, "active")
    product_id = optional_string(params, "product")
    price_type = optional_string(params, "type")
    currency = optional_string(params, "currency")
    lookup_keys = string_list(params, "lookup_keys")
    recurring_filter = optional_hash(params, "recurring") or {}

    def matches(price: dict[str, Any]) -> bool:
        recurring = price["recurring"] or {}
        return (
            (active is None or price["active"] == active)
            and (product_id is None or price["product"] == product_id)
            and (price_type is None or price["type"] == price_type)
            and (currency is None or price["currency"] == currency.lower())
            and (not lookup_keys or price["lookup_key"] in lookup_keys)
            and all(recurring.get(key) == value for key, value in recurring_filter.items())
        )

    return context.list_response(context.state.list_objects("price", matches), "/v1/prices")


@render_hook("price")
def _render_price(
    state: EmulatorState, rendered: dict[str, Any], stored: dict[str, Any], expand: set[str]
) -> dict[str, Any]:
    if "tiers" in expand and stored["billing_scheme"] == "tiered":
        rendered["tiers"] = [dict(tier) for tier in stored["_tiers"]]
    if "currency_options" in expand:
        rendered["currency_options"] = {
            stored["currency"]: {
                "custom_unit_amount": None,
                "tax_behavior": stored["tax_behavior"],
                "unit_amount": stored["unit_amount"],
                "unit_amount_decimal": stored["unit_amount_decimal"],
            }
        }
    return rendered


# Amounts -------------------------------------------------------------------------------------


def _round_minor(amount: Decimal) -> int:
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def price_amount_for_quantity(price: dict[str, Any], quantity: Decimal | int) -> int:
    """What ``quantity`` units of ``price`` cost, in minor units (flat, per-unit or tiered)."""
    units = Decimal(quantity)
    transform = price.get("transform_quantity")
    if transform:
        divided = units / Decimal(int(transform["divide_by"]))
        rounding = "ROUND_UP" if transform.get("round") == "up" else "ROUND_DOWN"
        units = divided.quantize(Decimal(1), rounding=rounding)
    if price["billing_scheme"] == "per_unit":
        return _round_minor(Decimal(price["unit_amount_decimal"]) * units)
    tiers = price["_tiers"]
    if units <= 0:
        return 0
    if price["tiers_mode"] == "volume":
        for tier in tiers:
            if tier["up_to"] is None or units <= tier["up_to"]:
                return _tier_cost(tier, units)
    total = Decimal(0)
    lower_bound = Decimal(0)
    for tier in tiers:
        upper_bound = Decimal(tier["up_to"]) if tier["up_to"] is not None else units
        units_in_tier = min(units, upper_bound) - lower_bound
        if units_in_tier <= 0:
            break
        total += _tier_cost_decimal(tier, units_in_tier)
        lower_bound = upper_bound
    return _round_minor(total)


def _tier_cost_decimal(tier: dict[str, Any], units: Decimal) -> Decimal:
    unit_price = Decimal(tier["unit_amount_decimal"] or 0)
    return unit_price * units + Decimal(tier["flat_amount"] or 0)


def _tier_cost(tier: dict[str, Any], units: Decimal) -> int:
    return _round_minor(_tier_cost_decimal(tier, units))


def register_routes(router: Router) -> None:
    router.add("POST", "/v1/products", _product_create)
    router.add("GET", "/v1/products", _product_list)
    router.add("GET", "/v1/products/{product_id}", _product_retrieve)
    router.add("GET", "/v1/products/{product_id}/features", _product_feature_list)
    router.add("POST", "/v1/products/{product_id}", _product_update)
    router.add("DELETE", "/v1/products/{product_id}", _product_delete)
    router.add("POST", "/v1/prices", _price_create)
    router.add("GET", "/v1/prices", _price_list)
    router.add("GET", "/v1/prices/{price_id}", _price_retrieve)
    router.add("POST", "/v1/prices/{price_id}", _price_update)
