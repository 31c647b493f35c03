"""Formatting amounts the way Stripe writes them in messages and invoice line descriptions."""

from __future__ import annotations

from decimal import Decimal

ZERO_DECIMAL_CURRENCIES = frozenset(
    {"bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv"}
    | {"xaf", "xof", "xpf"}
)
CURRENCY_SYMBOLS = {"usd": "$", "eur": "€", "gbp": "£", "cad": "CA$", "aud": "A$"}
MINIMUM_CHARGE_AMOUNT_MINOR = 50


def format_amount(amount_minor: int | Decimal, currency: str) -> str:
    currency = currency.lower()
    if currency in ZERO_DECIMAL_CURRENCIES:
        number = f"{Decimal(amount_minor):,.0f}"
    else:
        number = f"{Decimal(amount_minor) / 100:,.2f}"
    symbol = CURRENCY_SYMBOLS.get(currency)
    if symbol is None:
        return f"{number} {currency.upper()}"
    if Decimal(amount_minor) < 0:
        return f"-{symbol}{number.lstrip('-')}"
    return f"{symbol}{number}"
