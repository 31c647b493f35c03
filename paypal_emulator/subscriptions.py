"""Catalog products, billing plans and subscriptions (``/v1/catalogs/products``,
``/v1/billing/plans``, ``/v1/billing/subscriptions``), their status machines, the payer's
approval of a subscription (``/webapps/billing/subscriptions?ba_token=…``), and the emulator's
clock that runs their billing cycles.

A plan's cycles run in sequence: up to two TRIAL cycles, then one REGULAR one
(``total_cycles`` 0 = until cancelled). Approval activates the subscription and starts its first
cycle; each ``next_billing_time`` the clock passes completes the running cycle and starts the
next, charging the payer the cycle's fixed price plus any outstanding balance
(``auto_bill_outstanding``). A test payer that declines leaves the amount outstanding
(``BILLING.SUBSCRIPTION.PAYMENT.FAILED``) and counts a failure; ``payment_failure_threshold``
consecutive failures suspend the subscription. A payment that goes through is a sale
(``PAYMENT.SALE.COMPLETED``) and resets the count. Every state lives in the PayPalApi's own
containers (``products``, ``plans``, ``subscriptions``, ``sales``, ``clock_offset``)."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from paypal_emulator.errors import PayPalApiError, invalid, not_found, unprocessable
from paypal_emulator.money import minor_value, value_minor

if TYPE_CHECKING:
    from collections.abc import Callable

    from paypal_emulator.api import PayPalApi, Request

Answer = tuple[int, dict[str, Any]]

EVENT_TYPES = frozenset(
    {
        "CATALOG.PRODUCT.CREATED",
        "BILLING.PLAN.CREATED",
        "BILLING.PLAN.ACTIVATED",
        "BILLING.PLAN.DEACTIVATED",
        "BILLING.SUBSCRIPTION.CREATED",
        "BILLING.SUBSCRIPTION.ACTIVATED",
        "BILLING.SUBSCRIPTION.UPDATED",
        "BILLING.SUBSCRIPTION.EXPIRED",
        "BILLING.SUBSCRIPTION.CANCELLED",
        "BILLING.SUBSCRIPTION.SUSPENDED",
        "BILLING.SUBSCRIPTION.PAYMENT.FAILED",
        "PAYMENT.SALE.COMPLETED",
    }
)

_PRODUCT_FIELDS = {"id", "name", "description", "type", "category", "image_url", "home_url"}
_PRODUCT_TYPES = {"PHYSICAL", "DIGITAL", "SERVICE"}
_PLAN_FIELDS = {
    "product_id",
    "name",
    "status",
    "description",
    "billing_cycles",
    "payment_preferences",
    "merchant_preferences",
    "taxes",
    "quantity_supported",
}
_CYCLE_FIELDS = {"tenure_type", "pricing_scheme", "total_cycles", "sequence", "frequency"}
_PRICING_FIELDS = {"fixed_price", "pricing_model", "tiers"}
_FREQUENCY_FIELDS = {"interval_unit", "interval_count"}
_PREFERENCE_FIELDS = {
    "auto_bill_outstanding",
    "setup_fee",
    "setup_fee_failure_action",
    "payment_failure_threshold",
}
_SUBSCRIPTION_FIELDS = {
    "plan_id",
    "start_time",
    "quantity",
    "shipping_amount",
    "subscriber",
    "auto_renewal",
    "application_context",
    "custom_id",
    "plan",
}
_SUBSCRIBER_FIELDS = {
    "name",
    "email_address",
    "payer_id",
    "shipping_address",
    "payment_source",
    "phone",
}
_CONTEXT_FIELDS = {
    "brand_name",
    "locale",
    "shipping_preference",
    "user_action",
    "payment_method",
    "return_url",
    "cancel_url",
}
_REVISE_FIELDS = {
    "plan_id",
    "quantity",
    "shipping_amount",
    "shipping_address",
    "application_context",
    "plan",
}
# Most units per interval PayPal takes (developer.paypal.com billing plans, frequency).
_MAX_INTERVAL = {"DAY": 365, "WEEK": 52, "MONTH": 12, "YEAR": 1}
_MISSING = "A required field / parameter is missing."
_SYNTAX = "The value of a field does not conform to the expected format."


# Time -----------------------------------------------------------------------------------------


def clock_now(api: PayPalApi) -> float:
    """The emulator's time: the wall clock moved on by every advance so far."""
    return time.time() + float(getattr(api, "clock_offset", 0.0))


def _iso(at: float) -> str:
    return datetime.fromtimestamp(at, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_iso(value: str) -> float:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def _add_interval(at: float, unit: str, count: int) -> float:
    moment = datetime.fromtimestamp(at, tz=UTC)
    match unit:
        case "DAY":
            moment += timedelta(days=count)
        case "WEEK":
            moment += timedelta(weeks=count)
        case "MONTH" | "YEAR":
            months = count * (12 if unit == "YEAR" else 1)
            year, month = divmod(moment.month - 1 + months, 12)
            year += moment.year
            month += 1
            day = moment.day
            while True:
                try:
                    moment = moment.replace(year=year, month=month, day=day)
                    break
                except ValueError:
                    day -= 1
    return moment.timestamp()


def _resource_id(prefix: str, length: int = 24) -> str:
    from paypal_emulator.api import _id

    return f"{prefix}{_id(length)}"


def _required(path: str) -> PayPalApiError:
    return invalid(path, "MISSING_REQUIRED_PARAMETER", _MISSING)


def _syntax(path: str) -> PayPalApiError:
    return invalid(path, "INVALID_PARAMETER_SYNTAX", _SYNTAX)


def _string(value: Any, path: str, *, maximum: int, minimum: int = 1) -> str:
    if not isinstance(value, str):
        raise _syntax(path)
    if not minimum <= len(value) <= maximum:
        raise invalid(
            path, "INVALID_STRING_LENGTH", "The value of a field is either too short or too long."
        )
    return value


def _links(base: str, path: str, *extra: tuple[str, str, str]) -> list[dict[str, str]]:
    links = [{"href": f"{base}{path}", "rel": "self", "method": "GET"}]
    links += [{"href": href, "rel": rel, "method": method} for href, rel, method in extra]
    return links


def _public(resource: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in resource.items() if not key.startswith("_")}


def _page(request: Request) -> tuple[int, int]:
    try:
        size = int(request.query.get("page_size", "10"))
        page = int(request.query.get("page", "1"))
    except ValueError:
        raise _syntax("page_size") from None
    if not 1 <= size <= 20:
        raise invalid("page_size", "INVALID_PARAMETER_VALUE", "The value of a field is invalid.")
    if page < 1:
        raise invalid("page", "INVALID_PARAMETER_VALUE", "The value of a field is invalid.")
    return size, page


def _not_found() -> PayPalApiError:
    return not_found(
        "INVALID_RESOURCE_ID",
        "Requested resource ID was not found.",
    )


# Routing ----------------------------------------------------------------------------------


def route(api: PayPalApi, request: Request) -> tuple[Callable[[Request], Answer], bool] | None:
    """The handler of a catalog or billing route, and whether its PayPal-Request-Id replays."""
    method, path = request.method, request.path

    def bound(handler: Callable[[PayPalApi, Request], Answer]) -> Callable[[Request], Answer]:
        return lambda received: handler(api, received)

    if path == "/v1/catalogs/products":
        if method == "POST":
            return bound(product_create), True
        if method == "GET":
            return bound(product_list), False
    found = re.match(r"^/v1/catalogs/products/([A-Za-z0-9_-]+)$", path)
    if found and method == "GET":
        request.params["id"] = found.group(1)
        return bound(product_get), False
    if path == "/v1/billing/plans":
        if method == "POST":
            return bound(plan_create), True
        if method == "GET":
            return bound(plan_list), False
    found = re.match(r"^/v1/billing/plans/(P-[A-Z0-9]+)(/activate|/deactivate)?$", path)
    if found:
        request.params["id"] = found.group(1)
        action = found.group(2)
        if method == "GET" and not action:
            return bound(plan_get), False
        if method == "POST" and action:
            return bound(plan_activate if action == "/activate" else plan_deactivate), False
    if path == "/v1/billing/subscriptions" and method == "POST":
        return bound(subscription_create), True
    found = re.match(
        r"^/v1/billing/subscriptions/(I-[A-Z0-9]+)"
        r"(/cancel|/suspend|/activate|/revise|/transactions)?$",
        path,
    )
    if found:
        request.params["id"] = found.group(1)
        action = found.group(2)
        if method == "GET" and not action:
            return bound(subscription_get), False
        if method == "GET" and action == "/transactions":
            return bound(subscription_transactions), False
        if method == "POST" and action == "/revise":
            return bound(subscription_revise), True
        if method == "POST" and action in ("/cancel", "/suspend", "/activate"):
            handler = {
                "/cancel": subscription_cancel,
                "/suspend": subscription_suspend,
                "/activate": subscription_activate,
            }[action]
            return bound(handler), False
    return None


# Products -----------------------------------------------------------------------------------


def _product_view(product: dict[str, Any], base: str) -> dict[str, Any]:
    view = _public(product)
    view["links"] = _links(
        base,
        f"/v1/catalogs/products/{product['id']}",
        (f"{base}/v1/catalogs/products/{product['id']}", "edit", "PATCH"),
    )
    return view


def product_create(api: PayPalApi, request: Request) -> Answer:
    body = api._object(request.json, "", _PRODUCT_FIELDS)
    if "name" not in body:
        raise _required("/name")
    name = _string(body["name"], "/name", maximum=127)
    if "type" not in body:
        raise _required("/type")
    if body["type"] not in _PRODUCT_TYPES:
        raise invalid("/type", "INVALID_PARAMETER_VALUE", "The value of a field is invalid.")
    product_id = body.get("id") or _resource_id("PROD-", 17)
    _string(product_id, "/id", maximum=50, minimum=6)
    if product_id in api.products:
        raise unprocessable("DUPLICATE_RESOURCE_IDENTIFIER", "The product id already exists.")
    for key, maximum in (("description", 256), ("category", 256), ("image_url", 2000)):
        if key in body:
            _string(body[key], f"/{key}", maximum=maximum)
    if "home_url" in body:
        api._url(body["home_url"], "/home_url")
    created = _iso(clock_now(api))
    product: dict[str, Any] = {
        "id": product_id,
        "name": name,
        "type": body["type"],
        **{
            key: body[key]
            for key in ("description", "category", "image_url", "home_url")
            if key in body
        },
        "create_time": created,
        "update_time": created,
    }
    api.products[product_id] = product
    view = _product_view(product, request.base_url)
    _emit(api, "CATALOG.PRODUCT.CREATED", "product", view, request.base_url)
    return 201, view


def product_get(api: PayPalApi, request: Request) -> Answer:
    product = api.products.get(request.params["id"])
    if product is None:
        raise _not_found()
    return 200, _product_view(product, request.base_url)


def product_list(api: PayPalApi, request: Request) -> Answer:
    size, page = _page(request)
    products = list(api.products.values())
    chosen = products[(page - 1) * size : page * size]
    answer: dict[str, Any] = {
        "products": [
            {
                "id": product["id"],
                "name": product["name"],
                **({"description": product["description"]} if "description" in product else {}),
                "create_time": product["create_time"],
                "links": _links(request.base_url, f"/v1/catalogs/products/{product['id']}"),
            }
            for product in chosen
        ],
        "links": _links(request.base_url, f"/v1/catalogs/products?page_size={size}&page={page}"),
    }
    if request.query.get("total_required") == "true":
        answer["total_items"] = len(products)
        answer["total_pages"] = max(1, -(-len(products) // size))
    return 200, answer


# Plans --------------------------------------------------------------------------------------


def _cycle(api: PayPalApi, value: Any, path: str) -> tuple[dict[str, Any], str | None]:
    cycle = api._object(value, path, _CYCLE_FIELDS)
    for key in ("tenure_type", "sequence", "frequency"):
        if key not in cycle:
            raise _required(f"{path}/{key}")
    if cycle["tenure_type"] not in ("REGULAR", "TRIAL"):
        raise invalid(
            f"{path}/tenure_type", "INVALID_PARAMETER_VALUE", "The value of a field is invalid."
        )
    if not isinstance(cycle["sequence"], int) or not 1 <= cycle["sequence"] <= 99:
        raise _syntax(f"{path}/sequence")
    frequency = api._object(cycle["frequency"], f"{path}/frequency", _FREQUENCY_FIELDS)
    unit = frequency.get("interval_unit")
    if unit not in _MAX_INTERVAL:
        raise invalid(
            f"{path}/frequency/interval_unit",
            "INVALID_PARAMETER_VALUE",
            "The value of a field is invalid.",
        )
    count = frequency.get("interval_count", 1)
    if not isinstance(count, int) or not 1 <= count <= _MAX_INTERVAL[unit]:
        raise unprocessable(
            "INVALID_INTERVAL_COUNT",
            f"Interval count for {unit} must be between 1 and {_MAX_INTERVAL[unit]}.",
            f"{path}/frequency/interval_count",
        )
    total = cycle.get("total_cycles", 1)
    if not isinstance(total, int) or not 0 <= total <= 999:
        raise _syntax(f"{path}/total_cycles")
    if cycle["tenure_type"] == "TRIAL" and total == 0:
        raise unprocessable(
            "INVALID_TRIAL_BILLING_TOTAL_CYCLES",
            "Total cycles for trial billing must be greater than '0'.",
            f"{path}/total_cycles",
        )
    currency = None
    stored: dict[str, Any] = {
        "tenure_type": cycle["tenure_type"],
        "sequence": cycle["sequence"],
        "total_cycles": total,
        "frequency": {"interval_unit": unit, "interval_count": count},
    }
    if "pricing_scheme" in cycle:
        scheme = api._object(cycle["pricing_scheme"], f"{path}/pricing_scheme", _PRICING_FIELDS)
        if "tiers" in scheme or scheme.get("pricing_model") not in (None,):
            raise unprocessable(
                "PRICING_MODEL_NOT_SUPPORTED",
                "The emulator bills fixed prices only (pricing_scheme/fixed_price).",
                f"{path}/pricing_scheme",
            )
        if "fixed_price" not in scheme:
            raise _required(f"{path}/pricing_scheme/fixed_price")
        currency, minor = api._money(scheme["fixed_price"], f"{path}/pricing_scheme/fixed_price")
        created = _iso(clock_now(api))
        stored["pricing_scheme"] = {
            "version": 1,
            "fixed_price": {"currency_code": currency, "value": minor_value(currency, minor)},
            "create_time": created,
            "update_time": created,
        }
    elif cycle["tenure_type"] == "REGULAR":
        raise _required(f"{path}/pricing_scheme")
    return stored, currency


def _cycles(api: PayPalApi, value: Any) -> tuple[list[dict[str, Any]], str]:
    if not isinstance(value, list) or not value:
        raise _required("/billing_cycles")
    if len(value) > 12:
        raise unprocessable(
            "BILLING_CYCLES_LIMIT_EXCEEDED", "A plan takes at most 12 billing cycles."
        )
    parsed = [_cycle(api, entry, f"/billing_cycles/{index}") for index, entry in enumerate(value)]
    cycles = sorted((cycle for cycle, _ in parsed), key=lambda cycle: cycle["sequence"])
    if [cycle["sequence"] for cycle in cycles] != list(range(1, len(cycles) + 1)):
        raise unprocessable(
            "INVALID_BILLING_CYCLE_SEQUENCE",
            "The billing cycle sequences must start at 1 and increase by 1.",
            "/billing_cycles",
        )
    regular = [cycle for cycle in cycles if cycle["tenure_type"] == "REGULAR"]
    if len(regular) != 1 or cycles[-1]["tenure_type"] != "REGULAR":
        raise unprocessable(
            "MULTIPLE_REGULAR_BILLING_CYCLES_NOT_SUPPORTED"
            if len(regular) > 1
            else "REGULAR_BILLING_CYCLE_REQUIRED",
            "A plan has one REGULAR billing cycle, after its TRIAL ones.",
            "/billing_cycles",
        )
    if len(cycles) > 3:
        raise unprocessable(
            "TRIAL_BILLING_CYCLES_LIMIT_EXCEEDED", "A plan takes at most two TRIAL cycles."
        )
    currencies = {currency for _, currency in parsed if currency}
    if len(currencies) != 1:
        raise unprocessable(
            "CURRENCY_MISMATCH", "All prices of a plan must be in one currency.", "/billing_cycles"
        )
    return cycles, currencies.pop()


def _preferences(api: PayPalApi, value: Any, currency: str) -> dict[str, Any]:
    preferences = api._object(value or {}, "/payment_preferences", _PREFERENCE_FIELDS)
    stored: dict[str, Any] = {
        "auto_bill_outstanding": preferences.get("auto_bill_outstanding", True),
        "setup_fee_failure_action": preferences.get("setup_fee_failure_action", "CANCEL"),
        "payment_failure_threshold": preferences.get("payment_failure_threshold", 0),
    }
    if not isinstance(stored["auto_bill_outstanding"], bool):
        raise _syntax("/payment_preferences/auto_bill_outstanding")
    if stored["setup_fee_failure_action"] not in ("CONTINUE", "CANCEL"):
        raise invalid(
            "/payment_preferences/setup_fee_failure_action",
            "INVALID_PARAMETER_VALUE",
            "The value of a field is invalid.",
        )
    threshold = stored["payment_failure_threshold"]
    if not isinstance(threshold, int) or not 0 <= threshold <= 999:
        raise _syntax("/payment_preferences/payment_failure_threshold")
    if "setup_fee" in preferences:
        fee_currency, minor = api._money(preferences["setup_fee"], "/payment_preferences/setup_fee")
        if fee_currency != currency:
            raise unprocessable(
                "CURRENCY_MISMATCH",
                "The setup fee must be in the plan's currency.",
                "/payment_preferences/setup_fee",
            )
        if minor:
            raise unprocessable(
                "SETUP_FEE_NOT_SUPPORTED",
                "The emulator bills no setup fees.",
                "/payment_preferences/setup_fee",
            )
        stored["setup_fee"] = {"currency_code": currency, "value": minor_value(currency, 0)}
    return stored


def _plan_view(plan: dict[str, Any], base: str) -> dict[str, Any]:
    view = _public(plan)
    path = f"/v1/billing/plans/{plan['id']}"
    extra = [(f"{base}{path}", "edit", "PATCH")]
    if plan["status"] == "ACTIVE":
        extra.append((f"{base}{path}/deactivate", "self", "POST"))
    else:
        extra.append((f"{base}{path}/activate", "self", "POST"))
    view["links"] = _links(base, path, *extra)
    return view


def plan_create(api: PayPalApi, request: Request) -> Answer:
    body = api._object(request.json, "", _PLAN_FIELDS)
    if "product_id" not in body:
        raise _required("/product_id")
    if body["product_id"] not in api.products:
        raise unprocessable(
            "INVALID_PARAMETER_VALUE", "The specified product does not exist.", "/product_id"
        )
    if "name" not in body:
        raise _required("/name")
    name = _string(body["name"], "/name", maximum=127)
    status = body.get("status", "ACTIVE")
    if status not in ("CREATED", "INACTIVE", "ACTIVE"):
        raise invalid("/status", "INVALID_PARAMETER_VALUE", "The value of a field is invalid.")
    if "description" in body:
        _string(body["description"], "/description", maximum=127)
    if "quantity_supported" in body and body["quantity_supported"] is not False:
        raise unprocessable(
            "QUANTITY_NOT_SUPPORTED", "The emulator bills a quantity of one.", "/quantity_supported"
        )
    if "taxes" in body or "merchant_preferences" in body:
        raise unprocessable(
            "UNSUPPORTED_PARAMETER",
            "The emulator takes no taxes or merchant preferences.",
            "/taxes" if "taxes" in body else "/merchant_preferences",
        )
    cycles, currency = _cycles(api, body.get("billing_cycles"))
    created = _iso(clock_now(api))
    plan = {
        "id": _resource_id("P-", 24),
        "product_id": body["product_id"],
        "name": name,
        "status": status,
        **({"description": body["description"]} if "description" in body else {}),
        "billing_cycles": cycles,
        "payment_preferences": _preferences(api, body.get("payment_preferences"), currency),
        "quantity_supported": False,
        "create_time": created,
        "update_time": created,
        "_currency": currency,
    }
    api.plans[plan["id"]] = plan
    view = _plan_view(plan, request.base_url)
    _emit(api, "BILLING.PLAN.CREATED", "plan", view, request.base_url)
    return 201, view


def _plan(api: PayPalApi, plan_id: str) -> dict[str, Any]:
    plan = api.plans.get(plan_id)
    if plan is None:
        raise _not_found()
    return plan


def plan_get(api: PayPalApi, request: Request) -> Answer:
    return 200, _plan_view(_plan(api, request.params["id"]), request.base_url)


def plan_list(api: PayPalApi, request: Request) -> Answer:
    size, page = _page(request)
    plans = list(api.plans.values())
    if "product_id" in request.query:
        plans = [plan for plan in plans if plan["product_id"] == request.query["product_id"]]
    if "plan_ids" in request.query:
        wanted = set(request.query["plan_ids"].split(","))
        plans = [plan for plan in plans if plan["id"] in wanted]
    chosen = plans[(page - 1) * size : page * size]
    answer: dict[str, Any] = {
        "plans": [
            {
                key: plan[key]
                for key in (
                    "id",
                    "product_id",
                    "name",
                    "status",
                    "description",
                    "create_time",
                )
                if key in plan
            }
            | {"links": _links(request.base_url, f"/v1/billing/plans/{plan['id']}")}
            for plan in chosen
        ],
        "links": _links(request.base_url, f"/v1/billing/plans?page_size={size}&page={page}"),
    }
    if request.query.get("total_required") == "true":
        answer["total_items"] = len(plans)
        answer["total_pages"] = max(1, -(-len(plans) // size))
    return 200, answer


def _plan_status_invalid() -> PayPalApiError:
    return unprocessable("PLAN_STATUS_INVALID", "Invalid plan status.")


def plan_activate(api: PayPalApi, request: Request) -> Answer:
    plan = _plan(api, request.params["id"])
    if plan["status"] == "ACTIVE":
        raise _plan_status_invalid()
    plan["status"] = "ACTIVE"
    plan["update_time"] = _iso(clock_now(api))
    _emit(
        api, "BILLING.PLAN.ACTIVATED", "plan", _plan_view(plan, request.base_url), request.base_url
    )
    return 204, {}


def plan_deactivate(api: PayPalApi, request: Request) -> Answer:
    plan = _plan(api, request.params["id"])
    if plan["status"] != "ACTIVE":
        raise _plan_status_invalid()
    plan["status"] = "INACTIVE"
    plan["update_time"] = _iso(clock_now(api))
    _emit(
        api,
        "BILLING.PLAN.DEACTIVATED",
        "plan",
        _plan_view(plan, request.base_url),
        request.base_url,
    )
    return 204, {}


# Subscriptions ----------------------------------------------------------------------------


def _approve_href(base: str, subscription: dict[str, Any]) -> str:
    return f"{base}/webapps/billing/subscriptions?ba_token={subscription['_token']}"


def _billing_info(api: PayPalApi, subscription: dict[str, Any], fields: set[str]) -> dict[str, Any]:
    currency = api.plans[subscription["plan_id"]]["_currency"]
    info: dict[str, Any] = {
        "outstanding_balance": {
            "currency_code": currency,
            "value": minor_value(currency, subscription["_outstanding"]),
        },
        "cycle_executions": [dict(execution) for execution in subscription["_executions"]],
        "failed_payments_count": subscription["_failed_count"],
    }
    if subscription["_last_payment"]:
        info["last_payment"] = dict(subscription["_last_payment"])
    if subscription["status"] == "ACTIVE" and subscription["_next_billing"] is not None:
        info["next_billing_time"] = _iso(subscription["_next_billing"])
    if "last_failed_payment" in fields and subscription["_last_failed"]:
        info["last_failed_payment"] = dict(subscription["_last_failed"])
    return info


def subscription_view(
    api: PayPalApi, subscription: dict[str, Any], base: str, *, fields: set[str] | None = None
) -> dict[str, Any]:
    view = _public(subscription)
    path = f"/v1/billing/subscriptions/{subscription['id']}"
    extra: list[tuple[str, str, str]] = []
    if subscription["status"] == "APPROVAL_PENDING":
        extra.append((_approve_href(base, subscription), "approve", "GET"))
    extra.append((f"{base}{path}", "edit", "PATCH"))
    if subscription["status"] in ("ACTIVE", "SUSPENDED"):
        extra.append((f"{base}{path}/cancel", "cancel", "POST"))
        extra.append((f"{base}{path}/revise", "edit", "POST"))
    if subscription["status"] == "ACTIVE":
        extra.append((f"{base}{path}/suspend", "suspend", "POST"))
    if subscription["status"] == "SUSPENDED":
        extra.append((f"{base}{path}/activate", "activate", "POST"))
    view["links"] = _links(base, path, *extra)
    if subscription["status"] not in ("APPROVAL_PENDING", "APPROVED"):
        view["billing_info"] = _billing_info(api, subscription, fields or set())
    if subscription.get("_payer"):
        payer = subscription["_payer"]
        view["subscriber"] = {
            **subscription.get("subscriber", {}),
            "name": {"given_name": payer["given_name"], "surname": payer["surname"]},
            "email_address": payer["email_address"],
            "payer_id": payer["payer_id"],
        }
    if fields and "plan" in fields:
        plan = api.plans[subscription["plan_id"]]
        view["plan"] = {"billing_cycles": plan["billing_cycles"], "name": plan["name"]}
    return view


def subscription_create(api: PayPalApi, request: Request) -> Answer:
    body = api._object(request.json, "", _SUBSCRIPTION_FIELDS)
    if "plan_id" not in body:
        raise _required("/plan_id")
    plan = api.plans.get(body["plan_id"]) if isinstance(body["plan_id"], str) else None
    if plan is None:
        raise unprocessable(
            "INVALID_PARAMETER_VALUE", "The specified plan does not exist.", "/plan_id"
        )
    if plan["status"] != "ACTIVE":
        raise unprocessable("PLAN_STATUS_INVALID", "Invalid plan status.", "/plan_id")
    for key in ("plan", "shipping_amount"):
        if key in body:
            raise unprocessable(
                "UNSUPPORTED_PARAMETER",
                f"The emulator takes no {key} on a subscription.",
                f"/{key}",
            )
    if "quantity" in body and body["quantity"] != "1":
        raise unprocessable(
            "QUANTITY_NOT_SUPPORTED", "The plan does not support quantity.", "/quantity"
        )
    subscriber: dict[str, Any] = {}
    if "subscriber" in body:
        subscriber = api._object(body["subscriber"], "/subscriber", _SUBSCRIBER_FIELDS)
        if "name" in subscriber:
            api._object(subscriber["name"], "/subscriber/name", {"given_name", "surname"})
        if "email_address" in subscriber:
            _string(
                subscriber["email_address"], "/subscriber/email_address", maximum=254, minimum=3
            )
    context: dict[str, Any] = {}
    if "application_context" in body:
        context = api._object(body["application_context"], "/application_context", _CONTEXT_FIELDS)
        for key in ("return_url", "cancel_url"):
            if key in context:
                api._url(context[key], f"/application_context/{key}")
        if context.get("user_action", "SUBSCRIBE_NOW") not in ("CONTINUE", "SUBSCRIBE_NOW"):
            raise invalid(
                "/application_context/user_action",
                "INVALID_PARAMETER_VALUE",
                "The value of a field is invalid.",
            )
    if "custom_id" in body:
        _string(body["custom_id"], "/custom_id", maximum=127)
    now = clock_now(api)
    start = now
    if "start_time" in body:
        try:
            start = _parse_iso(_string(body["start_time"], "/start_time", maximum=64, minimum=20))
        except ValueError:
            raise _syntax("/start_time") from None
        if start < now - 60:
            raise unprocessable(
                "INVALID_PARAMETER_VALUE", "Start time must be in the future.", "/start_time"
            )
    created = _iso(now)
    subscription: dict[str, Any] = {
        "id": _resource_id("I-", 12),
        "plan_id": plan["id"],
        "status": "APPROVAL_PENDING",
        "status_update_time": created,
        "start_time": _iso(start),
        "quantity": "1",
        **({"subscriber": subscriber} if subscriber else {}),
        **({"custom_id": body["custom_id"]} if "custom_id" in body else {}),
        "plan_overridden": False,
        "create_time": created,
        "update_time": created,
        "_token": _resource_id("BA-", 17),
        "_context": context,
        "_payer": None,
        "_executions": [],
        "_cycle_index": 0,
        "_next_billing": None,
        "_outstanding": 0,
        "_failed_count": 0,
        "_last_payment": None,
        "_last_failed": None,
        "_transactions": [],
        "_pending_plan_id": None,
        "_base_url": request.base_url,
    }
    api.subscriptions[subscription["id"]] = subscription
    view = subscription_view(api, subscription, request.base_url)
    _emit(api, "BILLING.SUBSCRIPTION.CREATED", "subscription", view, request.base_url)
    if request.headers.get("prefer", "") != "return=representation":
        view = {
            key: view[key] for key in ("id", "status", "status_update_time", "create_time", "links")
        }
    return 201, view


def _subscription(api: PayPalApi, subscription_id: str) -> dict[str, Any]:
    subscription = api.subscriptions.get(subscription_id)
    if subscription is None:
        raise not_found("INVALID_RESOURCE_ID", "Requested resource ID was not found.")
    return subscription


def subscription_get(api: PayPalApi, request: Request) -> Answer:
    subscription = _subscription(api, request.params["id"])
    fields = set(filter(None, request.query.get("fields", "").split(",")))
    if fields - {"last_failed_payment", "plan"}:
        raise invalid("fields", "INVALID_PARAMETER_VALUE", "The value of a field is invalid.")
    return 200, subscription_view(api, subscription, request.base_url, fields=fields)


def _status_invalid(action: str, allowed: str) -> PayPalApiError:
    return unprocessable(
        "SUBSCRIPTION_STATUS_INVALID",
        f"Invalid subscription status for {action} action; subscription status should be {allowed}.",
    )


def _reason(api: PayPalApi, request: Request, *, required: bool) -> str:
    body = api._object(request.json if request.json is not None else {}, "", {"reason"})
    if "reason" not in body:
        if required:
            raise _required("/reason")
        return ""
    return _string(body["reason"], "/reason", maximum=128)


def _set_status(api: PayPalApi, subscription: dict[str, Any], status: str, note: str = "") -> None:
    stamp = _iso(clock_now(api))
    subscription["status"] = status
    subscription["status_update_time"] = stamp
    subscription["update_time"] = stamp
    if note:
        subscription["status_change_note"] = note
    else:
        subscription.pop("status_change_note", None)


def _emit_subscription(api: PayPalApi, event_type: str, subscription: dict[str, Any]) -> None:
    base = subscription["_base_url"]
    _emit(api, event_type, "subscription", subscription_view(api, subscription, base), base)


def subscription_cancel(api: PayPalApi, request: Request) -> Answer:
    subscription = _subscription(api, request.params["id"])
    reason = _reason(api, request, required=True)
    if subscription["status"] not in ("ACTIVE", "SUSPENDED"):
        raise _status_invalid("cancel", "active or suspended")
    _set_status(api, subscription, "CANCELLED", reason)
    subscription["_next_billing"] = None
    _emit_subscription(api, "BILLING.SUBSCRIPTION.CANCELLED", subscription)
    return 204, {}


def subscription_suspend(api: PayPalApi, request: Request) -> Answer:
    subscription = _subscription(api, request.params["id"])
    reason = _reason(api, request, required=True)
    if subscription["status"] != "ACTIVE":
        raise _status_invalid("suspend", "active")
    _set_status(api, subscription, "SUSPENDED", reason)
    _emit_subscription(api, "BILLING.SUBSCRIPTION.SUSPENDED", subscription)
    return 204, {}


def subscription_activate(api: PayPalApi, request: Request) -> Answer:
    subscription = _subscription(api, request.params["id"])
    reason = _reason(api, request, required=False)
    if subscription["status"] != "SUSPENDED":
        raise _status_invalid("activate", "suspended")
    _set_status(api, subscription, "ACTIVE", reason)
    now = clock_now(api)
    if subscription["_next_billing"] is not None and subscription["_next_billing"] < now:
        # Reactivated after its billing time: the skipped cycle is billed now.
        subscription["_next_billing"] = now
    _emit_subscription(api, "BILLING.SUBSCRIPTION.ACTIVATED", subscription)
    plan = api.plans[subscription["plan_id"]]
    if subscription["_outstanding"] and plan["payment_preferences"]["auto_bill_outstanding"]:
        # The balance the failed payments left is asked for again at once.
        _charge(api, subscription, plan, subscription["_outstanding"], now)
    run_due_cycles(api, now)
    return 204, {}


def subscription_revise(api: PayPalApi, request: Request) -> Answer:
    """A plan change: PayPal asks the payer to approve it (the answer's `approve` link); the
    subscription stays on its plan until they do, then moves to the new one, whose price bills
    from the next cycle."""
    subscription = _subscription(api, request.params["id"])
    body = api._object(request.json, "", _REVISE_FIELDS)
    if subscription["status"] not in ("ACTIVE", "SUSPENDED"):
        raise _status_invalid("revise", "active or suspended")
    for key in ("plan", "shipping_amount", "shipping_address"):
        if key in body:
            raise unprocessable(
                "UNSUPPORTED_PARAMETER", f"The emulator takes no {key} in a revision.", f"/{key}"
            )
    if "quantity" in body and body["quantity"] != "1":
        raise unprocessable(
            "QUANTITY_NOT_SUPPORTED", "The plan does not support quantity.", "/quantity"
        )
    if "plan_id" not in body:
        raise _required("/plan_id")
    plan = api.plans.get(body["plan_id"]) if isinstance(body["plan_id"], str) else None
    if plan is None:
        raise unprocessable(
            "INVALID_PARAMETER_VALUE", "The specified plan does not exist.", "/plan_id"
        )
    if plan["status"] != "ACTIVE":
        raise unprocessable("PLAN_STATUS_INVALID", "Invalid plan status.", "/plan_id")
    if plan["_currency"] != api.plans[subscription["plan_id"]]["_currency"]:
        raise unprocessable(
            "CURRENCY_MISMATCH", "The new plan must bill in the same currency.", "/plan_id"
        )
    if "application_context" in body:
        context = api._object(body["application_context"], "/application_context", _CONTEXT_FIELDS)
        for key in ("return_url", "cancel_url"):
            if key in context:
                api._url(context[key], f"/application_context/{key}")
        subscription["_context"] = {**subscription["_context"], **context}
    subscription["_pending_plan_id"] = plan["id"]
    subscription["_token"] = _resource_id("BA-", 17)
    base = request.base_url
    path = f"/v1/billing/subscriptions/{subscription['id']}"
    return 200, {
        "plan_id": plan["id"],
        "quantity": "1",
        "plan_overridden": False,
        "links": [
            {"href": _approve_href(base, subscription), "rel": "approve", "method": "GET"},
            {"href": f"{base}{path}", "rel": "edit", "method": "PATCH"},
            {"href": f"{base}{path}", "rel": "self", "method": "GET"},
            {"href": f"{base}{path}/cancel", "rel": "cancel", "method": "POST"},
            {"href": f"{base}{path}/suspend", "rel": "suspend", "method": "POST"},
        ],
    }


def subscription_transactions(api: PayPalApi, request: Request) -> Answer:
    subscription = _subscription(api, request.params["id"])
    bounds = []
    for key in ("start_time", "end_time"):
        if key not in request.query:
            raise invalid(key, "MISSING_REQUIRED_PARAMETER", _MISSING)
        try:
            bounds.append(_parse_iso(request.query[key]))
        except ValueError:
            raise _syntax(key) from None
    start, end = bounds
    if end < start:
        raise unprocessable(
            "INVALID_PARAMETER_VALUE", "The end time must be after the start time.", "end_time"
        )
    transactions = [
        dict(entry)
        for entry in subscription["_transactions"]
        if start <= _parse_iso(entry["time"]) <= end
    ]
    return 200, {
        "transactions": transactions,
        "total_items": len(transactions),
        "total_pages": 1,
        "links": _links(
            request.base_url, f"/v1/billing/subscriptions/{subscription['id']}/transactions"
        ),
    }


# The payer's approval ---------------------------------------------------------------------


def subscription_by_token(api: PayPalApi, token: str) -> dict[str, Any] | None:
    return next((entry for entry in api.subscriptions.values() if entry["_token"] == token), None)


def subscription_approve(api: PayPalApi, token: str, payer: dict[str, str]) -> str:
    """The payer approved on the approval page: a new subscription activates (its first cycle
    starts now, or at its start_time), a revision moves it to the new plan. Answers where the
    browser goes next (the return_url with `subscription_id` and `ba_token`)."""
    with api.lock:
        subscription = subscription_by_token(api, token)
        if subscription is None:
            raise _not_found()
        if subscription["status"] == "APPROVAL_PENDING":
            subscription["_payer"] = payer
            plan = api.plans[subscription["plan_id"]]
            subscription["_executions"] = _executions(plan)
            start = max(_parse_iso(subscription["start_time"]), clock_now(api))
            subscription["start_time"] = _iso(start)
            subscription["_next_billing"] = start
            _set_status(api, subscription, "ACTIVE")
            _emit_subscription(api, "BILLING.SUBSCRIPTION.ACTIVATED", subscription)
            run_due_cycles(api, clock_now(api))
        elif subscription["_pending_plan_id"]:
            subscription["plan_id"] = subscription["_pending_plan_id"]
            subscription["_pending_plan_id"] = None
            plan = api.plans[subscription["plan_id"]]
            # The new plan's cycles take over from the next billing time.
            subscription["_executions"] = _executions(plan, skip_trial=True)
            subscription["_cycle_index"] = len(subscription["_executions"]) - 1
            subscription["update_time"] = _iso(clock_now(api))
            _emit_subscription(api, "BILLING.SUBSCRIPTION.UPDATED", subscription)
        return_url = subscription["_context"].get("return_url", "")
        if not return_url:
            return ""
        separator = "&" if "?" in return_url else "?"
        return f"{return_url}{separator}subscription_id={subscription['id']}&ba_token={token}"


def subscription_cancel_url(api: PayPalApi, token: str) -> str:
    with api.lock:
        subscription = subscription_by_token(api, token)
        if subscription is None:
            raise _not_found()
        cancel_url = subscription["_context"].get("cancel_url", "")
        if not cancel_url:
            return ""
        separator = "&" if "?" in cancel_url else "?"
        return f"{cancel_url}{separator}subscription_id={subscription['id']}&ba_token={token}"


def subscription_payer_set(api: PayPalApi, subscription_id: str, payer: dict[str, str]) -> None:
    """A control: the payer's funding now behaves as this test payer's (a declining card
    replaced by one that pays, say)."""
    with api.lock:
        subscription = _subscription(api, subscription_id)
        if subscription["_payer"] is None:
            raise unprocessable("SUBSCRIPTION_STATUS_INVALID", "The subscription has no payer yet.")
        subscription["_payer"] = payer


# Cycles ---------------------------------------------------------------------------------------


def _executions(plan: dict[str, Any], *, skip_trial: bool = False) -> list[dict[str, Any]]:
    return [
        {
            "tenure_type": cycle["tenure_type"],
            "sequence": cycle["sequence"],
            "cycles_completed": 0,
            "cycles_remaining": cycle["total_cycles"],
            "current_pricing_scheme_version": 1,
            "total_cycles": cycle["total_cycles"],
        }
        for cycle in plan["billing_cycles"]
        if not (skip_trial and cycle["tenure_type"] == "TRIAL")
    ]


def clock_advance(api: PayPalApi, seconds: float) -> dict[str, Any]:
    """Moves the emulator's clock on and runs every billing cycle that falls due meanwhile,
    in time order, with their webhooks."""
    if seconds < 0:
        raise ValueError("The clock only moves forward.")
    with api.lock:
        api.clock_offset = float(getattr(api, "clock_offset", 0.0)) + seconds
        ran = run_due_cycles(api, clock_now(api))
        return {"now": _iso(clock_now(api)), "offset_seconds": api.clock_offset, "cycles_run": ran}


def run_due_cycles(api: PayPalApi, now: float) -> int:
    ran = 0
    while True:
        due = [
            entry
            for entry in api.subscriptions.values()
            if entry["status"] == "ACTIVE"
            and entry["_next_billing"] is not None
            and entry["_next_billing"] <= now
        ]
        if not due:
            return ran
        subscription = min(due, key=lambda entry: entry["_next_billing"])
        _cycle_run(api, subscription)
        ran += 1


def _cycle_run(api: PayPalApi, subscription: dict[str, Any]) -> None:
    """Starts the cycle due at `_next_billing`: bills it, and sets the next billing time (or
    expires the subscription when its last cycle is over)."""
    at = subscription["_next_billing"]
    plan = api.plans[subscription["plan_id"]]
    executions = subscription["_executions"]
    index = subscription["_cycle_index"]
    while index < len(executions):
        execution = executions[index]
        total = execution["total_cycles"]
        if total == 0 or execution["cycles_completed"] < total:
            break
        index += 1
    if index >= len(executions):
        subscription["_next_billing"] = None
        _set_status(api, subscription, "EXPIRED")
        _emit_subscription(api, "BILLING.SUBSCRIPTION.EXPIRED", subscription)
        return
    subscription["_cycle_index"] = index
    execution = executions[index]
    cycle = next(c for c in plan["billing_cycles"] if c["sequence"] == execution["sequence"])
    execution["cycles_completed"] += 1
    if execution["total_cycles"]:
        execution["cycles_remaining"] = execution["total_cycles"] - execution["cycles_completed"]
    frequency = cycle["frequency"]
    subscription["_next_billing"] = _add_interval(
        at, frequency["interval_unit"], frequency["interval_count"]
    )
    currency = plan["_currency"]
    price = 0
    if "pricing_scheme" in cycle:
        price = value_minor(currency, cycle["pricing_scheme"]["fixed_price"]["value"])
    due = price + (
        subscription["_outstanding"] if plan["payment_preferences"]["auto_bill_outstanding"] else 0
    )
    subscription["update_time"] = _iso(at)
    if due > 0:
        _charge(api, subscription, plan, due, at)


def _charge(
    api: PayPalApi, subscription: dict[str, Any], plan: dict[str, Any], amount: int, at: float
) -> None:
    currency = plan["_currency"]
    money = {"currency_code": currency, "value": minor_value(currency, amount)}
    payer = subscription["_payer"]
    stamp = _iso(at)
    transaction_id = _resource_id("", 17)
    succeeded = payer["capture"] == "COMPLETED"
    fee = min(amount, round(amount * 0.0349) + (0 if currency in ("JPY", "HUF", "TWD") else 49))
    subscription["_transactions"].append(
        {
            "id": transaction_id,
            "status": "COMPLETED" if succeeded else "DECLINED",
            "amount_with_breakdown": {
                "gross_amount": money,
                "fee_amount": {
                    "currency_code": currency,
                    "value": minor_value(currency, fee if succeeded else 0),
                },
                "net_amount": {
                    "currency_code": currency,
                    "value": minor_value(currency, amount - fee if succeeded else 0),
                },
            },
            "payer_name": {"given_name": payer["given_name"], "surname": payer["surname"]},
            "payer_email": payer["email_address"],
            "time": stamp,
        }
    )
    base = subscription["_base_url"]
    if succeeded:
        subscription["_outstanding"] = 0
        subscription["_failed_count"] = 0
        subscription["_last_payment"] = {"amount": money, "time": stamp}
        sale = {
            "id": transaction_id,
            "state": "completed",
            "amount": {
                "total": money["value"],
                "currency": currency,
                "details": {"subtotal": money["value"]},
            },
            "payment_mode": "INSTANT_TRANSFER",
            "protection_eligibility": "ELIGIBLE",
            "protection_eligibility_type": "ITEM_NOT_RECEIVED_ELIGIBLE,UNAUTHORIZED_PAYMENT_ELIGIBLE",
            "transaction_fee": {"value": minor_value(currency, fee), "currency": currency},
            "billing_agreement_id": subscription["id"],
            **({"custom": subscription["custom_id"]} if "custom_id" in subscription else {}),
            "create_time": stamp,
            "update_time": stamp,
            "links": [
                {
                    "href": f"{base}/v1/payments/sale/{transaction_id}",
                    "rel": "self",
                    "method": "GET",
                },
                {
                    "href": f"{base}/v1/payments/sale/{transaction_id}/refund",
                    "rel": "refund",
                    "method": "POST",
                },
            ],
        }
        api.sales[transaction_id] = sale
        _emit(api, "PAYMENT.SALE.COMPLETED", "sale", sale, base, at=at)
        return
    auto_bill = plan["payment_preferences"]["auto_bill_outstanding"]
    # Billing the balance again failed (it is still owed), or this cycle's price joins it.
    subscription["_outstanding"] = amount if auto_bill else subscription["_outstanding"] + amount
    subscription["_failed_count"] += 1
    subscription["_last_failed"] = {"amount": money, "time": stamp, "reason_code": "PAYMENT_DENIED"}
    _emit(
        api,
        "BILLING.SUBSCRIPTION.PAYMENT.FAILED",
        "subscription",
        subscription_view(api, subscription, base, fields={"last_failed_payment"}),
        base,
        at=at,
    )
    threshold = plan["payment_preferences"]["payment_failure_threshold"]
    if threshold and subscription["_failed_count"] >= threshold:
        _set_status(api, subscription, "SUSPENDED", "Payment failure threshold reached.")
        subscription["update_time"] = stamp
        _emit_subscription(api, "BILLING.SUBSCRIPTION.SUSPENDED", subscription)


def _emit(
    api: PayPalApi,
    event_type: str,
    resource_type: str,
    resource: dict[str, Any],
    base: str,
    *,
    at: float | None = None,
) -> None:
    api._event(
        event_type, resource_type, resource, base, at=at if at is not None else clock_now(api)
    )
