"""Checking a request's parameters against stripe-python's own definitions, as Stripe does.

stripe-python ships one TypedDict per API call (``stripe/params``), generated from Stripe's
OpenAPI spec for the version it pins: the parameter names, the nested hashes, the enum values
(``Literal[...]``), arrays (``List[...]``) and which parameters are required (no
``NotRequired``). Reading those type hints at runtime means the emulator accepts exactly what
Stripe documents for that version, and refuses the rest with Stripe's error codes:
``parameter_unknown``, ``parameter_missing``, ``parameter_invalid_empty`` and Stripe's messages
for a value of the wrong kind.

Form bodies carry only strings, so integers, numbers and booleans are checked by parsing them;
JSON bodies (the v2 API) carry typed values and are checked as they are.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any, Literal, NotRequired, Required, Union, get_args, get_origin

from stripe._request_options import RequestOptions
from stripe._stripe_context import StripeContext
from typing_extensions import is_typeddict

from stripe_emulator.errors import (
    StripeApiError,
    invalid_request_error,
    missing_parameter_error,
    unknown_parameter_error,
)

# Keys of the SDK's per-request options (api_key, idempotency_key, ...): every params class
# inherits them, but they travel as headers, never as parameters.
REQUEST_OPTION_NAMES = frozenset(RequestOptions.__annotations__)

# Names the generated annotations refer to without importing them at runtime.
_ANNOTATION_NAMESPACE = {"StripeContext": StripeContext, "Mapping": typing.Mapping}


@cache
def _fields(typed_dict: Any) -> tuple[dict[str, Any], frozenset[str]]:
    """A TypedDict's parameters (name -> type) and the required names."""
    hints = typing.get_type_hints(typed_dict, localns=_ANNOTATION_NAMESPACE, include_extras=True)
    # A top-level params class inherits RequestOptions; nested hashes are plain TypedDicts.
    if hints.keys() >= REQUEST_OPTION_NAMES:
        hints = {name: hint for name, hint in hints.items() if name not in REQUEST_OPTION_NAMES}
    fields: dict[str, Any] = {}
    required: set[str] = set()
    for name, hint in hints.items():
        origin = get_origin(hint)
        if origin is NotRequired:
            fields[name] = get_args(hint)[0]
        elif origin is Required:
            fields[name] = get_args(hint)[0]
            required.add(name)
        else:
            fields[name] = hint
            required.add(name)
    return fields, frozenset(required)


def validate_parameters(params: Mapping[str, Any], definition: Any) -> None:
    """Raise Stripe's error for the first parameter ``definition`` does not accept."""
    _check_hash(params, definition, prefix=None)


def _child_name(prefix: str | None, key: str | int) -> str:
    return str(key) if prefix is None else f"{prefix}[{key}]"


def _check_hash(value: Mapping[str, Any], definition: Any, prefix: str | None) -> None:
    fields, required = _fields(definition)
    for key in value:
        if key not in fields:
            raise unknown_parameter_error(_child_name(prefix, key))
    for key in sorted(required):
        if key not in value:
            raise missing_parameter_error(_child_name(prefix, key))
    for key, child in value.items():
        _check_value(child, fields[key], _child_name(prefix, key))


def _alternatives(hint: Any) -> list[Any]:
    origin = get_origin(hint)
    if origin is Union or origin is types.UnionType:
        flattened: list[Any] = []
        for argument in get_args(hint):
            flattened.extend(_alternatives(argument))
        return flattened
    return [hint]


def _literal_values(alternatives: list[Any]) -> list[Any]:
    return [
        value for hint in alternatives if get_origin(hint) is Literal for value in get_args(hint)
    ]


def _check_value(value: Any, hint: Any, name: str) -> None:
    alternatives = _alternatives(hint)
    literals = _literal_values(alternatives)
    if value == "" or value is None:
        if "" in literals or value is None and type(None) in alternatives:
            return
        raise empty_value_error(name)
    enum_values = [literal for literal in literals if literal != ""]
    others = [hint for hint in alternatives if get_origin(hint) is not Literal]
    if enum_values and value in enum_values:
        return
    # stripe-python widens enums with "| str" so that new values do not break old clients;
    # Stripe itself still refuses a value it does not know.
    if enum_values and (others == [str] or not others):
        raise invalid_enum_error(name, value, enum_values)
    errors: list[StripeApiError] = []
    for alternative in _ranked_for(value, others):
        try:
            _check_single(value, alternative, name)
            return
        except StripeApiError as error:
            errors.append(error)
    raise errors[0]


def _ranked_for(value: Any, alternatives: list[Any]) -> list[Any]:
    """Try the alternative of the value's own shape first, so its error is the one answered."""

    def shape(hint: Any) -> str:
        origin = get_origin(hint) or hint
        if is_typeddict(hint) or origin in (dict, Mapping, typing.Dict):  # noqa: UP006
            return "hash"
        if origin in (list, typing.List):  # noqa: UP006
            return "array"
        return "scalar"

    kind = "hash" if isinstance(value, dict) else "array" if isinstance(value, list) else "scalar"
    return sorted(alternatives, key=lambda hint: shape(hint) != kind)


def _check_single(value: Any, hint: Any, name: str) -> None:  # noqa: C901 - one case per type
    origin = get_origin(hint) or hint
    if is_typeddict(hint):
        if not isinstance(value, dict):
            raise invalid_request_error("Invalid object", param=name)
        _check_hash(value, hint, name)
    elif origin in (list, typing.List):  # noqa: UP006
        if not isinstance(value, list):
            raise invalid_request_error("Invalid array", param=name)
        (item_hint,) = get_args(hint) or (Any,)
        for position, item in enumerate(value):
            _check_value(item, item_hint, _child_name(name, position))
    elif origin in (dict, typing.Dict, Mapping) or _is_untyped_object(hint):  # noqa: UP006
        if not isinstance(value, dict):
            raise invalid_request_error("Invalid object", param=name)
        for key, item in value.items():
            if isinstance(item, (dict, list)):
                raise invalid_request_error("Invalid string: a nested hash", param=f"{name}[{key}]")
    elif hint is str:
        if not isinstance(value, str):
            raise invalid_request_error(f"Invalid string: {value!r}", param=name)
    elif hint is bool:
        if not (isinstance(value, bool) or value in ("true", "false")):
            raise invalid_request_error(f"Invalid boolean: {value}", param=name)
    elif hint is int:
        _check_integer(value, name)
    elif hint in (float, Decimal):
        _check_decimal(value, name)
    # Anything else (Any, objects the SDK leaves untyped) is Stripe's to interpret.


def _is_untyped_object(hint: Any) -> bool:
    return getattr(get_origin(hint) or hint, "__name__", "") == "UntypedStripeObject"


def _check_integer(value: Any, name: str) -> None:
    if isinstance(value, (bool, dict, list)):
        raise invalid_request_error(f"Invalid integer: {value}", param=name)
    if isinstance(value, int):
        return
    try:
        int(str(value))
    except ValueError:
        raise invalid_request_error(f"Invalid integer: {value}", param=name) from None


def _check_decimal(value: Any, name: str) -> None:
    if isinstance(value, (bool, dict, list)):
        raise invalid_request_error(f"Invalid decimal: {value}", param=name)
    try:
        Decimal(str(value))
    except InvalidOperation:
        raise invalid_request_error(f"Invalid decimal: {value}", param=name) from None


def empty_value_error(name: str) -> StripeApiError:
    return invalid_request_error(
        f"You passed an empty string for '{name}'. We assume empty values are an attempt to "
        f"unset a parameter; however '{name}' cannot be unset. You should remove '{name}' from "
        "your request or supply a non-empty value.",
        param=name,
        code="parameter_invalid_empty",
    )


def invalid_enum_error(name: str, value: Any, allowed: list[Any]) -> StripeApiError:
    choices = [str(choice) for choice in allowed]
    if len(choices) == 1:
        spelled = choices[0]
    elif len(choices) == 2:
        spelled = f"{choices[0]} or {choices[1]}"
    else:
        spelled = ", ".join(choices[:-1]) + f", or {choices[-1]}"
    return invalid_request_error(f"Invalid {name}: must be one of {spelled}", param=name)
