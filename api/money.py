from dataclasses import dataclass

from iso4217 import Currency

# The current ISO 4217 codes of money, lower-case as the API writes them. A code without a minor
# unit (XXX "no currency", XTS "testing", XAU gold, XDR and the other units of account) cannot
# be charged, so it is not money here.
ISO_4217_MONEY_CURRENCIES = frozenset(
    code
    for code, currency in Currency.__members__.items()
    if code.islower() and currency.exponent is not None
)

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
    def digits(self) -> int:
        """How many digits the minor unit has (Stripe's lists: JPY none, KWD three)."""
        if self.currency in _ZERO_DECIMAL:
            return 0
        return 3 if self.currency in _THREE_DECIMAL else 2

    @property
    def display(self) -> str:
        if self.digits == 0:
            return f"{self.currency.upper()} {self.amount_minor:,}"
        return f"{self.currency.upper()} {self.amount_minor / 10**self.digits:,.{self.digits}f}"

    @property
    def plain(self) -> str:
        """The amount in major units with no grouping, exactly (for CSV): "-1234.50"."""
        sign = "-" if self.amount_minor < 0 else ""
        whole, fraction = divmod(abs(self.amount_minor), 10**self.digits)
        return f"{sign}{whole}.{fraction:0{self.digits}d}" if self.digits else f"{sign}{whole}"
