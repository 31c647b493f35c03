from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def usd(cents: int | str | Decimal | None) -> str:
    """An amount in cents as dollars: 4900 → $49.00 (a sub-cent amount keeps its digits)."""
    if cents is None or cents == "":
        return ""
    amount = Decimal(str(cents)) / 100
    shown = f"{amount:,.2f}" if amount == amount.quantize(Decimal("0.01")) else f"{amount:,f}"
    return f"-${shown[1:]}" if shown.startswith("-") else f"${shown}"
