"""Reading request parameters the way Stripe validates them.

Form bodies carry only strings, so integers and booleans are parsed here with Stripe's own
error messages; an empty string means "unset" (``description=`` clears a description).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from stripe_emulator.errors import (
    invalid_request_error,
    missing_parameter_error,
    unknown_parameter_error,
)
from stripe_emulator.money import SUPPORTED_CURRENCIES

# Parameters every endpoint accepts on top of its own.
UNIVERSAL_PARAMETERS = frozenset({"expand"})


def reject_unknown_parameters(params: Mapping[str, Any], allowed: Iterable[str]) -> None:
    """Refuse the parameters a handler does not emulate.

    Every request is first checked against Stripe's own definitions
    (``stripe_emulator.param_validation``), so a name refused here is one Stripe accepts but
    this emulator would otherwise ignore silently: saying so beats pretending it took effect.
    """
    allowed_names = set(allowed) | UNIVERSAL_PARAMETERS
    for name in params:
        if name not in allowed_names:
            error = unknown_parameter_error(name)
            error.message += " (Stripe accepts it; the emulator does not emulate it)"
            raise error


def required_string(params: Mapping[str, Any], name: str) -> str:
    value = params.get(name)
    if value is None or value == "":
        raise missing_parameter_error(name)
    if not isinstance(value, str):
        raise invalid_request_error(f"Invalid string: {value!r}", param=name)
    return value


def required_currency(params: Mapping[str, Any], name: str = "currency") -> str:
    """A currency as Stripe reads one: case does not matter, and it must be one Stripe lists."""
    currency = required_string(params, name).lower()
    if currency not in SUPPORTED_CURRENCIES:
        raise invalid_request_error(
            f"Invalid currency: {currency}. Stripe currently supports these currencies: "
            f"{', '.join(SUPPORTED_CURRENCIES)}",
            param=name,
        )
    return currency


def optional_string(params: Mapping[str, Any], name: str) -> str | None:
    value = params.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise invalid_request_error(f"Invalid string: {value!r}", param=name)
    return value


def optional_integer(params: Mapping[str, Any], name: str) -> int | None:
    value = params.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    try:
        return int(str(value))
    except ValueError:
        raise invalid_request_error(f"Invalid integer: {value}", param=name) from None


def required_integer(params: Mapping[str, Any], name: str) -> int:
    value = optional_integer(params, name)
    if value is None:
        raise missing_parameter_error(name)
    return value


def optional_boolean(params: Mapping[str, Any], name: str) -> bool | None:
    value = params.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if value in ("true", "True"):
        return True
    if value in ("false", "False"):
        return False
    raise invalid_request_error(f"Invalid boolean: {value}", param=name)


def optional_hash(params: Mapping[str, Any], name: str) -> dict[str, Any] | None:
    value = params.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, dict):
        raise invalid_request_error(f"Invalid hash: {name} must be a hash", param=name)
    return value


def optional_list(params: Mapping[str, Any], name: str) -> list[Any] | None:
    value = params.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, dict):
        # A hash with non-numeric keys was sent where Stripe expects an array.
        raise invalid_request_error(f"Invalid array: {name} must be an array", param=name)
    if not isinstance(value, list):
        return [value]
    return value


def string_list(params: Mapping[str, Any], name: str) -> list[str]:
    return [str(item) for item in optional_list(params, name) or []]


def merged_metadata(current: dict[str, str], params: Mapping[str, Any]) -> dict[str, str]:
    """Apply Stripe's metadata update rules: keys merge, an empty value deletes a key,
    and ``metadata=`` (empty string) clears everything."""
    if "metadata" not in params:
        return current
    update = params["metadata"]
    if update == "":
        return {}
    if not isinstance(update, dict):
        raise invalid_request_error("Invalid hash: metadata must be a hash", param="metadata")
    merged = dict(current)
    for key, value in update.items():
        if len(key) > 40:
            raise invalid_request_error(
                "Metadata keys can have up to 40 characters", param=f"metadata[{key}]"
            )
        if value == "" or value is None:
            merged.pop(key, None)
        else:
            if len(str(value)) > 500:
                raise invalid_request_error(
                    "Metadata values can have up to 500 characters", param=f"metadata[{key}]"
                )
            merged[key] = str(value)
    if len(merged) > 50:
        raise invalid_request_error("Metadata can have up to 50 keys", param="metadata")
    return merged


def timestamp_filter_matches(value: int, condition: Any) -> bool:
    """Stripe's ``created[gte]=...`` style filters, or an exact ``created=...``."""
    if condition is None or condition == "":
        return True
    if not isinstance(condition, dict):
        return value == int(condition)
    comparisons = {
        "gt": lambda bound: value > bound,
        "gte": lambda bound: value >= bound,
        "lt": lambda bound: value < bound,
        "lte": lambda bound: value <= bound,
    }
    for operator, bound in condition.items():
        check = comparisons.get(operator)
        if check is None:
            raise invalid_request_error(f"Invalid timestamp filter: {operator}", param="created")
        if not check(int(bound)):
            return False
    return True
