from enum import StrEnum


class InvoiceLineOutputKindEnum(StrEnum):
    BASE = "base"
    METERED = "metered"
    PRORATION = "proration"

    def __str__(self) -> str:
        return str(self.value)
