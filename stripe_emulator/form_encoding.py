"""Decoding of Stripe's bracket-notation form bodies into nested Python values.

The SDK flattens ``{"items": [{"price": "p"}]}`` into ``items[0][price]=p`` and lists of
scalars into ``expand[0]=a`` (older clients send ``expand[]=a``); handlers want the nested shape
back.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl

_KEY_PART = re.compile(r"\[([^\]]*)\]")

# Hashes whose keys belong to the caller: numeric keys there are data, not list positions.
_FREE_FORM_KEYS = frozenset({"metadata", "payload"})


def _split_key(key: str) -> list[str]:
    bracket_start = key.find("[")
    if bracket_start == -1:
        return [key]
    return [key[:bracket_start], *_KEY_PART.findall(key[bracket_start:])]


def _lists_from_numeric_hashes(value: Any, key: str | None = None) -> Any:
    if not isinstance(value, dict):
        return value
    converted = {
        child_key: _lists_from_numeric_hashes(child, child_key)
        for child_key, child in value.items()
    }
    if key not in _FREE_FORM_KEYS and converted and all(k.isdigit() for k in converted):
        return [converted[k] for k in sorted(converted, key=int)]
    return converted


def decode_form_pairs(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    root: dict[str, Any] = {}
    for key, value in pairs:
        parts = _split_key(key)
        container = root
        for position, part in enumerate(parts):
            if part == "":
                # "expand[]" appends: give the element the next free position.
                part = str(len(container))
            is_last = position == len(parts) - 1
            if is_last:
                container[part] = value
            else:
                next_container = container.get(part)
                if not isinstance(next_container, dict):
                    next_container = {}
                    container[part] = next_container
                container = next_container
    decoded: dict[str, Any] = _lists_from_numeric_hashes(root)
    return decoded


def decode_form(body: str) -> dict[str, Any]:
    return decode_form_pairs(parse_qsl(body, keep_blank_values=True))
