from dataclasses import dataclass

# ISO 4217 currencies whose minor unit is not the hundredth (Stripe's lists).
_ZERO_DECIMAL = {
    "bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga",
    "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf",
}  # fmt: skip
_THREE_DECIMAL = {"bhd", "jod", "kwd", "omr", "tnd"}


@dataclass(frozen=True, kw_only=True)
class Money:
    currency: str
    amount_minor: int

    @property
    def display(self) -> str:
        if self.currency in _ZERO_DECIMAL:
            return f"{self.currency.upper()} {self.amount_minor:,}"
        digits = 3 if self.currency in _THREE_DECIMAL else 2
        return f"{self.currency.upper()} {self.amount_minor / 10**digits:,.{digits}f}"
