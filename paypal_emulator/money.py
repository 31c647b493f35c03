"""PayPal's currencies and how many decimals each amount ``value`` may carry."""

from __future__ import annotations

import re

# developer.paypal.com/reference/currency-codes: the currencies PayPal's REST API takes.
CURRENCIES = frozenset(
    [
        "AUD",
        "BRL",
        "CAD",
        "CNY",
        "CZK",
        "DKK",
        "EUR",
        "HKD",
        "HUF",
        "ILS",
        "JPY",
        "MYR",
        "MXN",
        "TWD",
        "NZD",
        "NOK",
        "PHP",
        "PLN",
        "GBP",
        "SGD",
        "SEK",
        "CHF",
        "THB",
        "USD",
    ]
)
# "This currency does not support decimals": a value with a fraction is refused.
ZERO_DECIMAL = frozenset({"HUF", "JPY", "TWD"})

_VALUE = re.compile(r"^((-?[0-9]+)|(-?([0-9]+)?[.][0-9]+))$")


def value_minor(currency_code: str, value: str) -> int:
    """The amount in minor units; ValueError if PayPal would refuse the value."""
    if not isinstance(value, str) or not _VALUE.match(value) or value.startswith("-"):
        raise ValueError("value")
    whole, _, fraction = value.partition(".")
    decimals = 0 if currency_code in ZERO_DECIMAL else 2
    if len(fraction) > decimals:
        raise ValueError("decimals")
    scale: int = 1 if decimals == 0 else 100
    return int(whole or "0") * scale + int((fraction or "0").ljust(decimals, "0") or "0")


def minor_value(currency_code: str, amount_minor: int) -> str:
    if currency_code in ZERO_DECIMAL:
        return str(amount_minor)
    return f"{amount_minor // 100}.{amount_minor % 100:02d}"
