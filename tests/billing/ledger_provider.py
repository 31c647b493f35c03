"""A second payment provider that keeps its customers and charges in memory, to show that a
provider plugs in through settings alone. It implements only what these tests call."""

from typing import Any, ClassVar

from billing.providers.base import (
    Capability,
    ChargeRequest,
    ChargeResult,
    ChargeStatus,
    CustomerRequest,
    CustomerResult,
)

LEDGER: dict[str, list[Any]] = {"customers": [], "charges": []}


class LedgerProvider:
    name: ClassVar[str] = "ledger"
    # A ledger in two currencies, so a valid ISO code it lacks (jpy) shows the provider's own limit.
    supported_currencies: ClassVar[frozenset[str]] = frozenset({"usd", "eur"})
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {
            Capability.SAVED_PAYMENT_METHODS,
            Capability.PAYMENT_METHOD_ATTACH,
            Capability.PAYMENTS_WITHOUT_REDIRECT,
        }
    )

    def __init__(self, *, app: Any = None) -> None:
        self.app = app

    def customer_create(self, request: CustomerRequest) -> CustomerResult:
        LEDGER["customers"].append(request)
        return CustomerResult(
            provider_reference=f"ledger_cus_{len(LEDGER['customers'])}",
            default_payment_method=request.payment_method,
        )

    def charge(self, request: ChargeRequest) -> ChargeResult:
        LEDGER["charges"].append(request)
        return ChargeResult(
            status=ChargeStatus.SUCCEEDED, provider_reference=f"ledger_pay_{len(LEDGER['charges'])}"
        )
